import { isUtf8 } from 'node:buffer';
import { z } from 'zod';

/** One BullMQ queue carries every run; its name is part of every BullMQ key. */
export const DISPATCH_QUEUE = 'dispatch';
export const DISPATCH_JOB_NAME = 'run';
/** A delayed job that ends a callback-mode run still pending after SLUICE_RESULT_TIMEOUT_SEC. */
export const RESULT_TIMEOUT_JOB_NAME = 'result-timeout';

/** How a request was authenticated, and what the sender said it was. Sent to targets as `source`. */
export const runSourceSchema = z.object({
  method: z.enum(['api_key_header', 'org_key', 'signature', 'api_key_query', 'replay']),
  scheme: z.string().optional(),
  provider: z.string().optional(),
  deliveryId: z.string().optional(),
  eventType: z.string().optional(),
  secretLabel: z.string().optional(),
});
export type RunSource = z.infer<typeof runSourceSchema>;

/** The exact received bytes: UTF-8 text when the bytes are valid UTF-8, else base64. */
export const receivedBodySchema = z.object({
  contentType: z.string(),
  encoding: z.enum(['utf8', 'base64']),
  data: z.string(),
});
export type ReceivedBody = z.infer<typeof receivedBodySchema>;

/**
 * Versioned job payload (STYLE 6). A worker parses every job with this schema and fails an
 * unparsable one as unrecoverable; bump schemaVersion and keep the old parser when it changes.
 */
export const dispatchJobSchema = z.object({
  schemaVersion: z.literal(1),
  executionId: z.string(),
  processInstanceId: z.string(),
  workflowId: z.string(),
  organizationId: z.string(),
  receivedAt: z.string(),
  source: runSourceSchema,
  body: receivedBodySchema,
  traceparent: z.string().optional(),
  replayOf: z.string().optional(),
});
export type DispatchJob = z.infer<typeof dispatchJobSchema>;

/** `utf8Text`, when given, is `raw` already decoded as UTF-8 (saves decoding it twice). */
export function encodeReceivedBody(raw: Buffer, contentType: string | undefined, utf8Text?: () => string): ReceivedBody {
  // Valid UTF-8 decodes and re-encodes to the same bytes, so it can be stored as text.
  const text = isUtf8(raw);
  return {
    contentType: contentType ?? 'application/octet-stream',
    encoding: text ? 'utf8' : 'base64',
    data: text ? (utf8Text ? utf8Text() : raw.toString('utf8')) : raw.toString('base64'),
  };
}

export function decodeReceivedBody(body: ReceivedBody): Buffer {
  return Buffer.from(body.data, body.encoding === 'utf8' ? 'utf8' : 'base64');
}

export const resultTimeoutJobSchema = z.object({
  schemaVersion: z.literal(1),
  executionId: z.string(),
  timeoutSec: z.number(),
});
export type ResultTimeoutJob = z.infer<typeof resultTimeoutJobSchema>;
