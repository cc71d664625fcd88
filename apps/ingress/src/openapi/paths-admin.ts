import type { OrgScope } from '@sluice/auth';
import type { ErrorCode } from '@sluice/errors';
import type { OperationObject, ParameterObject, PathItemObject, Reference, RequestBodyObject, Responses, SchemaObject } from './openapi.types';
import { ORG_AUTH, SERVER, adminErrors, errors, json, jsonBody, pathParams } from './responses';
import { schemaRef } from './schemas';

interface AdminOperation {
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  scope: OrgScope;
  parameters: ReadonlyArray<ParameterObject | Reference>;
  body?: RequestBodyObject;
  /** Success status and its schema component name. */
  ok: [status: '200' | '201' | '202', description: string, schema: string];
  errors?: readonly ErrorCode[];
}

/** An admin operation: org key with one scope, JSON in and out (DESIGN §6). */
function admin(op: AdminOperation): OperationObject {
  const [status, description, schema] = op.ok;
  return {
    operationId: op.operationId,
    summary: op.summary,
    description: `${op.description ? `${op.description}\n\n` : ''}Org key scope: \`${op.scope}\`.`,
    tags: [op.tag],
    parameters: op.parameters,
    ...(op.body ? { requestBody: op.body } : {}),
    responses: { [status]: json(description, schemaRef(schema)), ...adminErrors(op.errors ?? []) },
    security: [{ OrgKey: [op.scope] }],
  };
}

const INSTANCE: readonly ErrorCode[] = ['INSTANCE_NOT_FOUND'];
const WORKFLOW: readonly ErrorCode[] = ['INSTANCE_NOT_FOUND', 'WORKFLOW_NOT_FOUND'];
const EXECUTION: readonly ErrorCode[] = ['INSTANCE_NOT_FOUND', 'EXECUTION_NOT_FOUND'];
const pid = pathParams('processInstanceId');
const pidWid = pathParams('processInstanceId', 'workflowId');
const pidEid = pathParams('processInstanceId', 'executionId');

const listQuery: ParameterObject[] = [
  { name: 'status', in: 'query', schema: schemaRef('ExecutionStatus') },
  { name: 'workflowId', in: 'query', schema: { type: 'string', maxLength: 128 } },
  { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 50 } },
  { name: 'before', in: 'query', description: "A previous page's nextBefore.", schema: { type: 'integer', minimum: 0 } },
];

const instancePaths: Record<string, PathItemObject> = {
  '/v1/instances': {
    post: admin({
      operationId: 'createInstance',
      summary: 'Create a process instance',
      description: 'Returns the instance key and dispatch secret once: store them now.',
      tag: 'Instances',
      scope: 'instances:manage',
      parameters: [],
      body: jsonBody(schemaRef('CreateInstanceInput')),
      ok: ['201', 'Created.', 'InstanceCreated'],
    }),
    get: admin({
      operationId: 'listInstances',
      summary: "List the organization's instances",
      tag: 'Instances',
      scope: 'instances:read',
      parameters: [],
      ok: ['200', 'Oldest first.', 'InstanceList'],
    }),
  },
  '/v1/instances/{processInstanceId}': {
    get: admin({
      operationId: 'getInstance',
      summary: 'Get an instance and its workflows',
      description: "Another organization's instance is 404.",
      tag: 'Instances',
      scope: 'instances:read',
      parameters: pid,
      ok: ['200', 'The instance.', 'InstanceDetail'],
      errors: INSTANCE,
    }),
    patch: admin({
      operationId: 'updateInstance',
      summary: 'Rename, pause or resume an instance',
      tag: 'Instances',
      scope: 'instances:manage',
      parameters: pid,
      body: jsonBody(schemaRef('PatchInstanceInput')),
      ok: ['200', 'Updated.', 'InstanceUpdated'],
      errors: INSTANCE,
    }),
    delete: admin({
      operationId: 'deleteInstance',
      summary: 'Delete an instance, its key and workflows',
      tag: 'Instances',
      scope: 'instances:manage',
      parameters: pid,
      ok: ['200', 'Deleted.', 'Success'],
      errors: INSTANCE,
    }),
  },
  '/v1/instances/{processInstanceId}/api-key/regenerate': {
    post: admin({
      operationId: 'regenerateInstanceKey',
      summary: 'Replace the instance key',
      description: 'The old key stops working at once, on every replica.',
      tag: 'Instances',
      scope: 'instances:manage',
      parameters: pid,
      ok: ['200', 'The new key, shown once.', 'ApiKeyRegenerated'],
      errors: INSTANCE,
    }),
  },
  '/v1/instances/{processInstanceId}/workflows/{workflowId}': {
    put: admin({
      operationId: 'putWorkflow',
      summary: 'Create or replace a workflow',
      tag: 'Workflows',
      scope: 'instances:manage',
      parameters: pidWid,
      body: jsonBody(schemaRef('WorkflowPutInput')),
      ok: ['200', 'Saved.', 'WorkflowSaved'],
      errors: INSTANCE,
    }),
    delete: admin({
      operationId: 'deleteWorkflow',
      summary: 'Delete a workflow',
      tag: 'Workflows',
      scope: 'instances:manage',
      parameters: pidWid,
      ok: ['200', 'Deleted.', 'Success'],
      errors: WORKFLOW,
    }),
  },
  '/v1/instances/{processInstanceId}/workflows/{workflowId}/signing-secrets': {
    post: admin({
      operationId: 'addSigningSecret',
      summary: 'Add a signing secret to a workflow',
      description: 'Several secrets may be active at once (rotation, several senders). The secret is stored encrypted and never returned.',
      tag: 'Signing secrets',
      scope: 'instances:manage',
      parameters: pidWid,
      body: jsonBody(schemaRef('SigningSecretInput')),
      ok: ['201', 'Added.', 'SigningSecretCreated'],
      errors: WORKFLOW,
    }),
    get: admin({
      operationId: 'listSigningSecrets',
      summary: "List a workflow's signing secrets",
      tag: 'Signing secrets',
      scope: 'instances:read',
      parameters: pidWid,
      ok: ['200', 'Without the secrets.', 'SigningSecretList'],
      errors: WORKFLOW,
    }),
  },
  '/v1/instances/{processInstanceId}/workflows/{workflowId}/signing-secrets/{secretId}': {
    delete: admin({
      operationId: 'deleteSigningSecret',
      summary: 'Remove a signing secret',
      tag: 'Signing secrets',
      scope: 'instances:manage',
      parameters: pathParams('processInstanceId', 'workflowId', 'secretId'),
      ok: ['200', 'Removed.', 'Success'],
      errors: [...WORKFLOW, 'SIGNING_SECRET_NOT_FOUND'],
    }),
  },
};

const executionPaths: Record<string, PathItemObject> = {
  '/v1/instances/{processInstanceId}/executions': {
    get: admin({
      operationId: 'listExecutions',
      summary: "List an instance's runs",
      description: 'Newest first, within the retention window (SLUICE_EXECUTION_TTL_SEC).',
      tag: 'Executions',
      scope: 'executions:read',
      parameters: [...pid, ...listQuery],
      ok: ['200', 'A page of runs.', 'ExecutionList'],
      errors: INSTANCE,
    }),
  },
  '/v1/instances/{processInstanceId}/executions/{executionId}': {
    get: admin({
      operationId: 'getExecution',
      summary: 'Get a run with its attempt log',
      tag: 'Executions',
      scope: 'executions:read',
      parameters: pidEid,
      ok: ['200', 'The run.', 'ExecutionDetail'],
      errors: EXECUTION,
    }),
  },
  '/v1/instances/{processInstanceId}/executions/{executionId}/replay': {
    post: admin({
      operationId: 'replayExecution',
      summary: 'Replay a run',
      description: 'A new run from the exact bytes the original received, linked both ways (replayOf / replays).',
      tag: 'Executions',
      scope: 'workflows:trigger',
      parameters: pidEid,
      ok: ['202', 'The new run is queued.', 'ReplayStarted'],
      errors: EXECUTION,
    }),
  },
  '/v1/instances/{processInstanceId}/workflows/{workflowId}/executions/replay-failed': {
    post: admin({
      operationId: 'replayFailedExecutions',
      summary: "Replay every failed, not yet replayed run of a workflow",
      tag: 'Executions',
      scope: 'workflows:trigger',
      parameters: pidWid,
      ok: ['202', 'The new runs are queued.', 'ReplayFailedStarted'],
      errors: INSTANCE,
    }),
  },
};

const orgKeyPaths: Record<string, PathItemObject> = {
  '/v1/org-keys': {
    post: admin({
      operationId: 'createOrgKey',
      summary: 'Create an organization key',
      description: 'At most 20 active keys per organization. The key is shown once; only its SHA-256 hash is stored.',
      tag: 'Org keys',
      scope: 'api-keys:manage',
      parameters: [],
      body: jsonBody(schemaRef('CreateOrgKeyInput')),
      ok: ['201', 'Created.', 'OrgKeyCreated'],
      errors: ['MAX_API_KEYS_REACHED'],
    }),
    get: admin({
      operationId: 'listOrgKeys',
      summary: "List the organization's keys",
      tag: 'Org keys',
      scope: 'api-keys:manage',
      parameters: [],
      ok: ['200', 'Without the keys.', 'OrgKeyList'],
    }),
  },
  '/v1/org-keys/{keyId}': {
    patch: admin({
      operationId: 'updateOrgKey',
      summary: "Change a key's name, scopes or expiry",
      tag: 'Org keys',
      scope: 'api-keys:manage',
      parameters: pathParams('keyId'),
      body: jsonBody(schemaRef('PatchOrgKeyInput')),
      ok: ['200', 'Updated.', 'OrgKeyDetail'],
      errors: ['ORG_KEY_NOT_FOUND'],
    }),
    delete: admin({
      operationId: 'revokeOrgKey',
      summary: 'Revoke a key',
      description: 'Requests with it answer 401 ORG_KEY_REVOKED from then on.',
      tag: 'Org keys',
      scope: 'api-keys:manage',
      parameters: pathParams('keyId'),
      ok: ['200', 'Revoked.', 'OrgKeyDetail'],
      errors: ['ORG_KEY_NOT_FOUND'],
    }),
  },
};

const html: SchemaObject = { type: 'string', contentMediaType: 'text/html' };
const dashboardResponses: Responses = {
  '200': { description: 'The dashboard page.', content: { 'text/html': { schema: html } } },
  ...errors(ORG_AUTH, SERVER),
};

const dashboardPaths: Record<string, PathItemObject> = {
  '/admin/queues': {
    get: {
      operationId: 'queueDashboard',
      summary: 'Queue dashboard (read-only bull-board UI)',
      description:
        'An HTML app and its own JSON API under /admin/queues/…, for looking; runs are retried and replayed ' +
        'through /v1. A 401 carries a Basic challenge so browsers can log in with an org key as the password.',
      tags: ['Ops'],
      responses: dashboardResponses,
      security: [{ OrgKey: ['instances:read'] }, { DashboardBasic: [] }],
    },
  },
};

export const adminPaths: Record<string, PathItemObject> = { ...instancePaths, ...executionPaths, ...orgKeyPaths, ...dashboardPaths };
