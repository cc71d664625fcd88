import { ORG_SCOPES } from '@sluice/auth';
import { workflowSchema } from '@sluice/registry';
import type { SchemaObject } from './openapi.types';
import { envelope, fromZod, id, schemaRef, timestamp } from './schemas';

const name: SchemaObject = { type: 'string', minLength: 1, maxLength: 200 };
const label: SchemaObject = { type: 'string', maxLength: 200 };
const futureTimestamp: SchemaObject = { ...timestamp, description: 'ISO 8601 with offset.' };
const scopes: SchemaObject = { type: 'array', items: schemaRef('OrgScope'), minItems: 1, maxItems: ORG_SCOPES.length };

const workflowNotes =
  '`target.url` is an absolute http(s) URL; `target.headers` may not set Host, Content-Length, Content-Type, ' +
  'Idempotency-Key, traceparent, webhook-*, Transfer-Encoding or Connection (Sluice sets them). `inputSchema` is a ' +
  'JSON Schema the trigger payload must match (violations answer 400 VALIDATION_ERROR).';

const signingSecretFields: Record<string, SchemaObject> = {
  secretId: id,
  label: { type: 'string', description: 'Defaults to the scheme name.' },
  scheme: { type: 'string', enum: ['standard-webhooks', 'stripe', 'github', 'gcp-pubsub-oidc'] },
  createdAt: timestamp,
  expiresAt: timestamp,
  audience: { type: 'string' },
  serviceAccountEmail: { type: 'string', format: 'email' },
};
const signingSecretRequired = ['secretId', 'label', 'scheme', 'createdAt'];

const definitions: Record<string, SchemaObject> = {
  Instance: {
    type: 'object',
    required: ['processInstanceId', 'organizationId', 'name', 'active', 'apiKeyHint', 'createdAt', 'updatedAt'],
    properties: {
      processInstanceId: id,
      organizationId: id,
      name: { type: 'string' },
      active: { type: 'boolean', description: 'false: paused; triggers answer 412 INSTANCE_PAUSED.' },
      apiKeyHint: { type: 'string', description: 'The first characters of the current `ck_` key; not a secret.' },
      createdAt: timestamp,
      updatedAt: timestamp,
    },
  },
  Workflow: fromZod(workflowSchema, 'output', { description: workflowNotes }),
  WorkflowInput: fromZod(workflowSchema, 'input', { description: workflowNotes }),
  WorkflowPutInput: fromZod(workflowSchema.extend({ workflowId: workflowSchema.shape.workflowId.optional() }), 'input', {
    description: `The workflow for the path's workflowId (a workflowId in the body must match it). ${workflowNotes}`,
  }),
  CreateInstanceInput: {
    type: 'object',
    required: ['name'],
    properties: { name, workflows: { type: 'array', items: schemaRef('WorkflowInput'), maxItems: 200, default: [] } },
  },
  PatchInstanceInput: {
    type: 'object',
    additionalProperties: false,
    properties: { name, active: { type: 'boolean', description: 'false pauses the instance, true resumes it.' } },
  },
  OrgKey: {
    type: 'object',
    description: 'An organization key as listed: never the key itself.',
    required: ['keyId', 'organizationId', 'name', 'scopes', 'hint', 'createdAt'],
    properties: {
      keyId: id,
      organizationId: id,
      name: { type: 'string' },
      scopes: { type: 'array', items: schemaRef('OrgScope') },
      hint: { type: 'string', description: 'The first characters of the key; not a secret.' },
      createdAt: timestamp,
      expiresAt: timestamp,
      revokedAt: timestamp,
    },
  },
  CreateOrgKeyInput: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'scopes'],
    properties: { name, scopes: { ...scopes, description: 'Only scopes the calling key holds itself.' }, expiresAt: futureTimestamp },
  },
  PatchOrgKeyInput: {
    type: 'object',
    additionalProperties: false,
    properties: { name, scopes, expiresAt: { ...futureTimestamp, type: ['string', 'null'], description: 'null removes the expiry.' } },
  },
  SigningSecret: {
    type: 'object',
    description: 'A signing secret as shown after creation: never the secret.',
    required: signingSecretRequired,
    properties: signingSecretFields,
  },
  SigningSecretInput: {
    description: 'An HMAC secret or ed25519 public key (scheme defaults to standard-webhooks), or a Pub/Sub push OIDC identity.',
    oneOf: [
      {
        type: 'object',
        title: 'Signature secret',
        required: ['secret'],
        properties: {
          scheme: { type: 'string', enum: ['standard-webhooks', 'stripe', 'github'], default: 'standard-webhooks' },
          secret: {
            type: 'string',
            minLength: 8,
            maxLength: 4096,
            writeOnly: true,
            description: 'standard-webhooks: a `whsec_` (base64) secret or a `whpk_` ed25519 public key; stripe: the `whsec_…` endpoint secret; github: the webhook secret.',
          },
          label,
          expiresAt: futureTimestamp,
        },
      },
      {
        type: 'object',
        title: 'GCP Pub/Sub push (OIDC)',
        required: ['scheme', 'audience', 'serviceAccountEmail'],
        properties: {
          scheme: { const: 'gcp-pubsub-oidc' },
          audience: { type: 'string', minLength: 1, maxLength: 2048, description: 'The `aud` the push subscription puts in its token.' },
          serviceAccountEmail: { type: 'string', format: 'email' },
          label,
          expiresAt: futureTimestamp,
        },
      },
    ],
  },
};

const once = (what: string): SchemaObject => ({ type: 'string', description: `${what}; shown once, store it now.` });

const responses: Record<string, SchemaObject> = {
  InstanceCreated: envelope({
    processInstanceId: id,
    apiKey: { ...once('The instance key (`ck_…`)'), pattern: '^ck_' },
    dispatchSecret: { ...once('The `whsec_` secret targets verify dispatch signatures with'), pattern: '^whsec_' },
    instance: schemaRef('Instance'),
    workflows: { type: 'array', items: schemaRef('Workflow') },
  }),
  InstanceList: envelope({ instances: { type: 'array', items: schemaRef('Instance') } }),
  InstanceDetail: envelope({ instance: schemaRef('Instance'), workflows: { type: 'array', items: schemaRef('Workflow') } }),
  InstanceUpdated: envelope({ instance: schemaRef('Instance') }),
  WorkflowSaved: envelope({ workflow: schemaRef('Workflow') }),
  ApiKeyRegenerated: envelope({ apiKey: { ...once('The new instance key; the old one stops working at once'), pattern: '^ck_' } }),
  SigningSecretCreated: envelope(
    signingSecretFields,
    Object.keys(signingSecretFields).filter((k) => !signingSecretRequired.includes(k)),
  ),
  SigningSecretList: envelope({ secrets: { type: 'array', items: schemaRef('SigningSecret') } }),
  OrgKeyCreated: envelope({ keyId: id, apiKey: { ...once('The organization key (`cko_…`)'), pattern: '^cko_' }, key: schemaRef('OrgKey') }),
  OrgKeyList: envelope({ keys: { type: 'array', items: schemaRef('OrgKey') } }),
  OrgKeyDetail: envelope({ key: schemaRef('OrgKey') }),
  ExecutionList: envelope(
    {
      executions: { type: 'array', items: schemaRef('ExecutionRecord') },
      nextBefore: { type: 'integer', description: 'Pass as `before` for the next (older) page; absent on the last page.' },
    },
    ['nextBefore'],
  ),
  ExecutionDetail: envelope({ execution: schemaRef('ExecutionRecord') }),
  ReplayStarted: envelope({ executionId: id, replayOf: id, message: { const: 'Execution started' } }),
  ReplayFailedStarted: envelope({
    replayed: {
      type: 'array',
      items: { type: 'object', required: ['originalExecutionId', 'executionId'], properties: { originalExecutionId: id, executionId: id } },
    },
    count: { type: 'integer', minimum: 0 },
  }),
};

export const registrySchemas: Record<string, SchemaObject> = { ...definitions, ...responses };
