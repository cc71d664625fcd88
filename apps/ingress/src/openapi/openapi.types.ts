/**
 * The part of the OpenAPI 3.1 object model this service's description uses. Written here
 * rather than taken from a package: the document is plain data and needs nothing else.
 * Schemas are JSON Schema 2020-12, as OpenAPI 3.1 defines them.
 */

export type JsonType = 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean' | 'null';

export interface SchemaObject {
  $ref?: string;
  title?: string;
  description?: string;
  type?: JsonType | readonly JsonType[];
  const?: unknown;
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  default?: unknown;
  examples?: readonly unknown[];
  contentMediaType?: string;
  properties?: Readonly<Record<string, SchemaObject>>;
  required?: readonly string[];
  additionalProperties?: boolean | SchemaObject;
  propertyNames?: SchemaObject;
  maxProperties?: number;
  items?: SchemaObject;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  allOf?: readonly SchemaObject[];
  oneOf?: readonly SchemaObject[];
  anyOf?: readonly SchemaObject[];
  deprecated?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
}

export interface Reference {
  $ref: string;
  summary?: string;
  description?: string;
}

export interface HeaderObject {
  description?: string;
  required?: boolean;
  schema: SchemaObject;
}

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  schema: SchemaObject;
}

export interface MediaTypeObject {
  schema?: SchemaObject;
  examples?: Readonly<Record<string, { summary?: string; value: unknown }>>;
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Readonly<Record<string, MediaTypeObject>>;
}

export interface ResponseObject {
  description: string;
  headers?: Readonly<Record<string, HeaderObject | Reference>>;
  content?: Readonly<Record<string, MediaTypeObject>>;
}

export type Responses = Readonly<Record<string, ResponseObject | Reference>>;

/** Alternatives (OR) of requirements (AND); for apiKey schemes the list names org-key scopes. */
export type SecurityRequirement = Readonly<Record<string, readonly string[]>>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: readonly string[];
  parameters?: ReadonlyArray<ParameterObject | Reference>;
  requestBody?: RequestBodyObject;
  responses: Responses;
  security: readonly SecurityRequirement[];
  deprecated?: boolean;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

export type PathItemObject = Partial<Record<HttpMethod, OperationObject>> & {
  summary?: string;
  parameters?: ReadonlyArray<ParameterObject | Reference>;
};

export type SecuritySchemeObject =
  | { type: 'apiKey'; name: string; in: 'header' | 'query' | 'cookie'; description: string }
  | { type: 'http'; scheme: string; bearerFormat?: string; description: string };

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect?: string;
  info: {
    title: string;
    version: string;
    summary?: string;
    description?: string;
    license?: { name: string; identifier?: string; url?: string };
  };
  servers?: ReadonlyArray<{ url: string; description?: string }>;
  tags?: ReadonlyArray<{ name: string; description?: string }>;
  paths: Readonly<Record<string, PathItemObject>>;
  components: {
    schemas: Readonly<Record<string, SchemaObject>>;
    parameters?: Readonly<Record<string, ParameterObject>>;
    headers?: Readonly<Record<string, HeaderObject>>;
    responses?: Readonly<Record<string, ResponseObject>>;
    securitySchemes: Readonly<Record<string, SecuritySchemeObject>>;
  };
  security?: readonly SecurityRequirement[];
}
