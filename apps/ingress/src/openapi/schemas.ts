import { z } from 'zod';
import { ORG_SCOPES } from '@sluice/auth';
import { ERROR_CATALOGUE, type ErrorCode } from '@sluice/errors';
import { runSourceSchema } from '@sluice/queue';
import { ID_PATTERN } from '@sluice/registry';
import type { SignatureFailureReason } from '@sluice/signatures';
import type { SchemaObject } from './openapi.types';

/** A `$ref` to a component schema. */
export function schemaRef(name: string): SchemaObject {
  return { $ref: `#/components/schemas/${name}` };
}

/** JSON Schema from a zod schema the code itself parses with, so the two cannot drift. */
export function fromZod(schema: z.ZodType, io: 'input' | 'output', extra: SchemaObject = {}): SchemaObject {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' });
  return { ...(json as SchemaObject), ...extra };
}

/** Every code of the catalogue, in its order: the enum is built from it, never typed by hand. */
export const ERROR_CODES = Object.keys(ERROR_CATALOGUE) as ErrorCode[];

// A Record (not a list) so the compiler fails when the signatures lib gains a reason.
const SIGNATURE_REASONS: Record<SignatureFailureReason, true> = {
  missing_header: true,
  malformed_header: true,
  stale_timestamp: true,
  future_timestamp: true,
  no_match: true,
  no_secret: true,
};

export const timestamp: SchemaObject = { type: 'string', format: 'date-time' };
export const id: SchemaObject = { type: 'string', pattern: ID_PATTERN.source };
const successTrue: SchemaObject = { const: true };

/** `{success: true, …fields}` with every listed field required unless named in `optional`. */
export function envelope(properties: Record<string, SchemaObject>, optional: readonly string[] = []): SchemaObject {
  return {
    type: 'object',
    required: ['success', ...Object.keys(properties).filter((k) => !optional.includes(k))],
    properties: { success: successTrue, ...properties },
  };
}

const errorSchemas: Record<string, SchemaObject> = {
  ErrorCode: {
    type: 'string',
    enum: ERROR_CODES,
    description: `A stable machine code (also in docs/errors.md):\n\n| code | status | what to do |\n|---|---|---|\n${ERROR_CODES.map(
      (code) => `| \`${code}\` | ${ERROR_CATALOGUE[code].status} | ${ERROR_CATALOGUE[code].action} |`,
    ).join('\n')}`,
  },
  OrgScope: { type: 'string', enum: ORG_SCOPES },
  ValidationIssue: {
    type: 'object',
    required: ['path', 'message'],
    properties: {
      path: { type: 'string', description: 'JSON pointer (payload) or dotted path (request body) of the failing field; `/` for the whole value.' },
      message: { type: 'string' },
    },
  },
  ErrorBody: {
    type: 'object',
    description:
      'Every error answer. 4xx messages name what was wrong; 5xx are opaque and carry the `requestId` that is in the logs.',
    required: ['success', 'error', 'code', 'requestId'],
    properties: {
      success: { const: false },
      error: { type: 'string', description: 'Human-readable message; never contains a key, secret, signature or body.' },
      code: schemaRef('ErrorCode'),
      requestId: { type: 'string', format: 'uuid', description: 'Also sent as the X-Request-Id header.' },
      details: { type: 'array', items: schemaRef('ValidationIssue'), description: 'INVALID_REQUEST (body fields) and VALIDATION_ERROR (payload fields).' },
      type: { const: 'validation_error', description: 'VALIDATION_ERROR only (Codika compatibility).' },
      requiredScope: { ...schemaRef('OrgScope'), description: 'MISSING_SCOPE only: the scope the org key lacks.' },
      reason: { type: 'string', enum: Object.keys(SIGNATURE_REASONS), description: 'SIGNATURE_* codes only.' },
    },
  },
};

const executionFields: Record<string, SchemaObject> = {
  executionId: id,
  processInstanceId: id,
  workflowId: id,
  status: schemaRef('ExecutionStatus'),
  createdAt: { ...timestamp, description: 'When the trigger was received.' },
  startedAt: { ...timestamp, description: 'First dispatch attempt.' },
  finishedAt: timestamp,
  duration: { type: 'number', minimum: 0, description: 'Milliseconds from createdAt to the terminal status.' },
  attempts: { type: 'integer', minimum: 0, description: 'Dispatch attempts so far.' },
  resultData: { description: "`success` only: the workflow's output (the target's JSON answer, or the callback's resultData)." },
  errorDetails: schemaRef('ErrorDetails'),
  source: schemaRef('RunSource'),
  replayOf: { ...id, description: 'The execution this run replays.' },
  replays: { type: 'array', items: id, description: 'Runs replayed from this one, oldest first.' },
};
const executionRequired = ['executionId', 'processInstanceId', 'workflowId', 'status', 'createdAt', 'attempts', 'source'];

const executionSchemas: Record<string, SchemaObject> = {
  ExecutionStatus: {
    type: 'string',
    enum: ['pending', 'success', 'failed'],
    description: '`pending`: queued, running, waiting for a retry or for a callback. `success` and `failed` are terminal.',
  },
  ErrorType: { type: 'string', enum: ['node_failure', 'validation_error', 'external_api_error', 'timeout'] },
  ErrorDetails: {
    type: 'object',
    required: ['type', 'message'],
    properties: {
      type: schemaRef('ErrorType'),
      message: { type: 'string' },
      code: { type: 'string', description: 'e.g. `HTTP_500`, `TIMEOUT`, a network error code.' },
      failedNodeName: { type: 'string' },
    },
  },
  RunSource: fromZod(runSourceSchema, 'output', {
    description: 'How the trigger was authenticated and what the sender said it was (also sent to the target).',
  }),
  AttemptRecord: {
    type: 'object',
    required: ['attempt', 'startedAt', 'durationMs'],
    properties: {
      attempt: { type: 'integer', minimum: 1 },
      startedAt: timestamp,
      durationMs: { type: 'number', minimum: 0 },
      statusCode: { type: 'integer', description: "The target's HTTP status, when it answered." },
      error: { type: 'string' },
    },
  },
  Execution: {
    type: 'object',
    description: 'A run as `status/…` shows it (the Codika execution shape plus attempts, source and replay links).',
    required: executionRequired,
    properties: executionFields,
  },
  ExecutionRecord: {
    type: 'object',
    description: 'A run as the admin API shows it: the status shape plus its organization and every dispatch attempt.',
    required: [...executionRequired, 'organizationId', 'attemptLog'],
    properties: { ...executionFields, organizationId: id, attemptLog: { type: 'array', items: schemaRef('AttemptRecord') } },
  },
  TriggerAccepted: envelope({ executionId: id, message: { const: 'Execution started' } }),
  TriggerDuplicate: envelope({
    executionId: { ...id, description: 'The executionId of the first delivery with this delivery id.' },
    message: { type: 'string' },
    duplicate: { const: true },
  }),
  StatusResponse: envelope({ execution: schemaRef('Execution') }),
  Success: envelope({}),
};

export const coreSchemas: Record<string, SchemaObject> = { ...errorSchemas, ...executionSchemas };
