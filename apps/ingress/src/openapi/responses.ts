import { ERROR_CATALOGUE, type ErrorCode } from '@sluice/errors';
import type { HeaderObject, ParameterObject, Reference, ResponseObject, SchemaObject } from './openapi.types';
import { id, schemaRef } from './schemas';

const REQUEST_ID: Reference = { $ref: '#/components/headers/X-Request-Id' };
const RETRY_AFTER: Reference = { $ref: '#/components/headers/Retry-After' };

export const headers: Record<string, HeaderObject> = {
  'X-Request-Id': {
    description: 'This request\'s id, as in the logs and in error bodies.',
    required: true,
    schema: { type: 'string', format: 'uuid' },
  },
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

const pathParameter = (name: string, description: string, schema: SchemaObject = id): ParameterObject => ({
  name,
  in: 'path',
  required: true,
  description,
  schema,
});

export const parameters: Record<string, ParameterObject> = {
  processInstanceId: pathParameter('processInstanceId', 'The process instance (`pi_…`).'),
  workflowId: pathParameter('workflowId', 'The workflow of the instance.'),
  executionId: pathParameter('executionId', 'The run (`exec_…`), as the trigger answered it.'),
  secretId: pathParameter('secretId', 'The signing secret (`sec_…`).', { type: 'string' }),
  keyId: pathParameter('keyId', 'The organization key (`key_…`), not the key itself.', { type: 'string' }),
};

/** `$ref`s to the path parameters above, in path order. */
export function pathParams(...names: Array<keyof typeof parameters>): Reference[] {
  return names.map((name) => ({ $ref: `#/components/parameters/${name}` }));
}

/** A JSON success answer (every answer carries X-Request-Id). */
export function json(description: string, schema: SchemaObject): ResponseObject {
  return { description, headers: { 'X-Request-Id': REQUEST_ID }, content: { 'application/json': { schema } } };
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad request',
  401: 'Missing or invalid credential or signature',
  403: 'Valid credential without access or scope',
  404: 'Not found',
  409: 'Conflict',
  412: 'Instance paused',
  413: 'Body over the size limit',
  415: 'Unsupported media type',
  429: 'Too many',
  500: 'Internal error (opaque; quote the requestId)',
  503: 'Unavailable; nothing was stored',
};

/**
 * One response per HTTP status the codes map to (the status comes from ERROR_CATALOGUE, so
 * it cannot drift), each an ErrorBody whose `code` is narrowed to the codes this route answers.
 */
export function errors(...codeLists: ReadonlyArray<readonly ErrorCode[]>): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set(codeLists.flat())) {
    const status = ERROR_CATALOGUE[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, ResponseObject> = {};
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    out[String(status)] = {
      // What each code means and what to do is in the ErrorCode schema (one table, not one per route).
      description: `${STATUS_TEXT[status] ?? 'Error'}: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
      headers: { 'X-Request-Id': REQUEST_ID, ...(status === 429 || status === 503 ? { 'Retry-After': RETRY_AFTER } : {}) },
      content: {
        'application/json': { schema: { allOf: [schemaRef('ErrorBody'), { properties: { code: { enum: codes } } }] } },
      },
    };
  }
  return out;
}

// Code sets shared by several routes; each route adds its own.
/** Any route that reaches Redis or can fail unexpectedly. */
export const SERVER: readonly ErrorCode[] = ['INTERNAL_ERROR', 'REDIS_UNAVAILABLE'];
/** What express.json answers on /v1/… and the callbacks when a body is sent. */
export const JSON_BODY: readonly ErrorCode[] = ['INVALID_JSON', 'INVALID_REQUEST', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE'];
/** An org key in X-Process-Manager-Key with a scope (the admin API). */
export const ORG_AUTH: readonly ErrorCode[] = ['MISSING_CREDENTIALS', 'INVALID_ORG_KEY', 'ORG_KEY_EXPIRED', 'ORG_KEY_REVOKED', 'MISSING_SCOPE'];
/** X-API-Key, X-Process-Manager-Key or ?api_key= against one instance (trigger and status). */
export const KEY_AUTH: readonly ErrorCode[] = [
  'INVALID_REQUEST',
  'ORG_KEY_IN_QUERY',
  'MISSING_CREDENTIALS',
  'INVALID_API_KEY',
  'INVALID_ORG_KEY',
  'ORG_KEY_EXPIRED',
  'ORG_KEY_REVOKED',
  'INSTANCE_FORBIDDEN',
  'MISSING_SCOPE',
];
export const SIGNATURE: readonly ErrorCode[] = [
  'SIGNATURE_MISSING_HEADER',
  'SIGNATURE_MALFORMED_HEADER',
  'SIGNATURE_STALE_TIMESTAMP',
  'SIGNATURE_FUTURE_TIMESTAMP',
  'SIGNATURE_MISMATCH',
  'SIGNATURE_NO_SECRET',
];

/** The admin API's own errors, plus those of `extra`. */
export function adminErrors(...extra: ReadonlyArray<readonly ErrorCode[]>): Record<string, ResponseObject> {
  return errors(ORG_AUTH, JSON_BODY, SERVER, ...extra);
}

/** An admin JSON request body. */
export function jsonBody(schema: SchemaObject, description?: string) {
  return { required: true, ...(description ? { description } : {}), content: { 'application/json': { schema } } };
}
