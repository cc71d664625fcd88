import type { OperationObject, PathItemObject, SchemaObject, SecurityRequirement } from './openapi.types';
import { JSON_BODY, KEY_AUTH, SERVER, SIGNATURE, errors, json, pathParams } from './responses';
import { id, schemaRef } from './schemas';

/** Instance key, org key (with the scope named), or ?api_key=: DESIGN §3 order. */
const keySecurity = (scope: string): SecurityRequirement[] => [{ InstanceKey: [] }, { OrgKey: [scope] }, { InstanceKeyQuery: [] }];

const TRIGGER_DESCRIPTION = `Queues one run of the workflow and answers at once. A \`2xx\` is sent only after the event is
stored in Redis; when Redis is unavailable the answer is \`503\` with \`Retry-After\` and nothing is stored.

**Authentication** (exactly one method decides): signature headers, when present, are checked first and decide
alone, even next to a key; otherwise \`X-API-Key\`, then \`X-Process-Manager-Key\` (scope \`workflows:trigger\`),
then \`?api_key=\` (an org key there is refused with \`400 ORG_KEY_IN_QUERY\`).

| Scheme | Headers | Rule |
|---|---|---|
| Standard Webhooks (Clerk, Resend, Svix) | \`webhook-id\`, \`webhook-timestamp\`, \`webhook-signature\`, or the same as \`svix-id\`, \`svix-timestamp\`, \`svix-signature\` | HMAC-SHA256 of \`id.timestamp.body\` with the \`whsec_\` secret (\`v1,\`), or ed25519 with a \`whpk_\` key (\`v1a,\`); timestamp within the tolerance (300 s) |
| Stripe | \`Stripe-Signature: t=…,v1=…\` | HMAC-SHA256 of \`t.body\`; \`t\` within the tolerance |
| GitHub | \`X-Hub-Signature-256: sha256=…\` | HMAC-SHA256 of the body; \`X-GitHub-Delivery\` is the replay guard |
| GCP Pub/Sub push | \`Authorization: Bearer <Google OIDC JWT>\` | RS256 against Google's keys; \`aud\` and \`email\` as configured for the workflow |

Signatures are verified over the exact received bytes against the workflow's signing secrets
(\`/v1/instances/{processInstanceId}/workflows/{workflowId}/signing-secrets\`). Partial headers, a malformed
header, a stale or future timestamp, no matching signature and no configured secret are each a \`401\` with its
own \`SIGNATURE_*\` code.

**Dedupe**: the delivery id is \`webhook-id\`/\`svix-id\`, \`X-GitHub-Delivery\`, Stripe's event \`id\`, Pub/Sub
\`message.messageId\` or the \`Idempotency-Key\` header, scoped to (instance, workflow) for the dedupe window
(72 h by default). A repeat answers \`200\` with the first run's \`executionId\` and \`duplicate: true\`. Without a
delivery id every request is a new run.

**Payload**: \`body.payload\` when the body is \`{"payload": …}\`, else the whole body; non-JSON bodies are kept
as text or base64 with their content type. The payload must match the workflow's \`inputSchema\`, if any.`;

const aliasOf = (path: string) => `Alias of \`${path}\` (what the stock Codika CLI calls); the same contract.`;

function trigger(operationId: string, summary: string, description = TRIGGER_DESCRIPTION): OperationObject {
  return {
    operationId,
    summary,
    description,
    tags: ['Trigger'],
    parameters: [
      ...pathParams('processInstanceId', 'workflowId'),
      {
        name: 'Idempotency-Key',
        in: 'header',
        description: 'Delivery id for dedupe when the sender has none of its own (at most 256 characters).',
        schema: { type: 'string', maxLength: 256 },
      },
      {
        name: 'traceparent',
        in: 'header',
        description: 'W3C trace context; the run continues the trace.',
        schema: { type: 'string', pattern: '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
      },
    ],
    requestBody: {
      required: false,
      description: 'Any body up to SLUICE_BODY_LIMIT_BYTES (1 MiB by default), stored byte for byte.',
      content: {
        'application/json': {
          schema: { description: 'Any JSON; `{"payload": …}` sends only the payload to the workflow.' },
          examples: { payload: { summary: 'Codika style', value: { payload: { email: 'a@example.com' } } } },
        },
        '*/*': { schema: { description: 'Any other content type; kept as text or base64.' } },
      },
    },
    responses: {
      '200': json('A duplicate delivery: the first run\'s executionId; nothing new was queued.', schemaRef('TriggerDuplicate')),
      '202': json('Stored and queued; poll the status with the executionId.', schemaRef('TriggerAccepted')),
      ...errors(KEY_AUTH, SIGNATURE, SERVER, [
        'INVALID_JSON',
        'VALIDATION_ERROR',
        'INSTANCE_NOT_FOUND',
        'WORKFLOW_NOT_FOUND',
        'INSTANCE_PAUSED',
        'PAYLOAD_TOO_LARGE',
        'UNSUPPORTED_MEDIA_TYPE',
      ]),
    },
    security: [...keySecurity('workflows:trigger'), { PubSubOidc: [] }],
  };
}

const STATUS_DESCRIPTION =
  "A run of this instance. An unknown execution, or another instance's, is 404. An org key needs " +
  '`workflows:trigger` or `executions:read`.';

function status(operationId: string, summary: string, description = STATUS_DESCRIPTION): OperationObject {
  return {
    operationId,
    summary,
    description,
    tags: ['Status'],
    parameters: pathParams('processInstanceId', 'executionId'),
    responses: {
      '200': json('The run.', schemaRef('StatusResponse')),
      ...errors(KEY_AUTH, SERVER, ['INSTANCE_NOT_FOUND', 'EXECUTION_NOT_FOUND']),
    },
    security: keySecurity('executions:read'),
  };
}

const callbackErrors = errors(JSON_BODY, SERVER, ['INVALID_EXECUTION_SECRET', 'EXECUTION_NOT_FOUND', 'EXECUTION_ALREADY_FINISHED']);
const callbackIds: Record<string, SchemaObject> = {
  executionId: id,
  executionSecret: { type: 'string', minLength: 1, maxLength: 256, writeOnly: true, description: "From the dispatch's executionMetadata." },
  executionTimeMs: { type: 'number', minimum: 0, description: 'Accepted and ignored (Codika compatibility).' },
};

const ops = (operationId: string, summary: string, description: string, responses: OperationObject['responses']): OperationObject => ({
  operationId,
  summary,
  description,
  tags: ['Ops'],
  responses,
  security: [],
});

const probe = (values: readonly string[]): SchemaObject => ({
  type: 'object',
  required: ['status'],
  properties: { status: { type: 'string', enum: values } },
});

export const publicPaths: Record<string, PathItemObject> = {
  '/webhook/{processInstanceId}/{workflowId}': { post: trigger('triggerWebhook', 'Trigger a workflow run') },
  '/triggerwebhookpublic/{processInstanceId}/{workflowId}': {
    post: trigger('triggerWebhookPublicLowercase', 'Trigger a workflow run (CLI alias)', aliasOf('POST /webhook/{processInstanceId}/{workflowId}')),
  },
  '/triggerWebhookPublic/{processInstanceId}/{workflowId}': {
    post: trigger('triggerWebhookPublic', 'Trigger a workflow run (camel-case CLI alias)', aliasOf('POST /webhook/{processInstanceId}/{workflowId}')),
  },
  '/status/{processInstanceId}/{executionId}': { get: status('getExecutionStatus', 'Poll a run') },
  '/getexecutionstatuspublic/{processInstanceId}/{executionId}': {
    get: status('getExecutionStatusPublicLowercase', 'Poll a run (CLI alias)', aliasOf('GET /status/{processInstanceId}/{executionId}')),
  },
  '/getExecutionStatusPublic/{processInstanceId}/{executionId}': {
    get: status('getExecutionStatusPublic', 'Poll a run (camel-case CLI alias)', aliasOf('GET /status/{processInstanceId}/{executionId}')),
  },
  '/submitWorkflowResult': {
    post: {
      operationId: 'submitWorkflowResult',
      summary: 'Report a callback-mode run as succeeded',
      description:
        'For `resultMode: callback` workflows: the run stays pending until this call. The executionSecret ' +
        'authenticates it; a wrong secret changes nothing, and a second terminal callback is 409.',
      tags: ['Callbacks'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['executionId', 'executionSecret'],
              properties: { ...callbackIds, resultData: { description: "The run's result (any JSON; absent means {})." } },
            },
          },
        },
      },
      responses: { '200': json('The run is now success.', schemaRef('Success')), ...callbackErrors },
      security: [],
    },
  },
  '/submitWorkflowError': {
    post: {
      operationId: 'submitWorkflowError',
      summary: 'Report a callback-mode run as failed',
      description: 'As /submitWorkflowResult, ending the run as failed with these errorDetails.',
      tags: ['Callbacks'],
      requestBody: {
        required: true,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['executionId', 'executionSecret', 'error'],
              properties: {
                ...callbackIds,
                error: {
                  type: 'object',
                  required: ['message'],
                  properties: {
                    message: { type: 'string', maxLength: 10_000 },
                    type: { ...schemaRef('ErrorType'), default: 'node_failure' },
                    failedNodeName: { type: 'string', maxLength: 500 },
                    lastExecutedNode: { type: 'string', maxLength: 500, description: 'Used when failedNodeName is absent.' },
                  },
                },
              },
            },
          },
        },
      },
      responses: { '200': json('The run is now failed.', schemaRef('Success')), ...callbackErrors },
      security: [],
    },
  },
  '/healthz': {
    get: ops('healthz', 'Liveness', 'The process answers.', { '200': json('Alive.', probe(['ok'])) }),
  },
  '/readyz': {
    get: ops('readyz', 'Readiness', 'Redis answers and the process is not draining; load balancers route on this.', {
      '200': json('Ready.', probe(['ready'])),
      '503': {
        description: 'Not ready: draining for shutdown, or Redis unavailable (then with Retry-After).',
        headers: {
          'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
          'Retry-After': { description: 'Sent when Redis is unavailable.', required: false, schema: { type: 'string', pattern: '^[0-9]+$' } },
        },
        content: { 'application/json': { schema: probe(['draining', 'redis_unavailable']) } },
      },
    }),
  },
  '/metrics': {
    get: ops('metrics', 'Prometheus metrics', 'Text exposition format; 404 with an empty body when metrics are off.', {
      '200': { description: 'Metrics.', content: { 'text/plain': { schema: { type: 'string' } } } },
      '404': { description: 'Metrics are disabled in this process.' },
      ...errors(['INTERNAL_ERROR']),
    }),
  },
  '/openapi.json': {
    get: ops('openapi', 'This document', 'The OpenAPI 3.1 description of this API.', {
      '200': json('The document.', { type: 'object', required: ['openapi', 'info', 'paths'] }),
    }),
  },
};
