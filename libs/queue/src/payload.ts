import { type ReceivedBody, decodeReceivedBody } from './dispatch-job.schema';
import { parsePubSubPush, pubSubPayload } from './pubsub-envelope';

export type PayloadResult = { ok: true; payload: unknown } | { ok: false; reason: 'invalid_json' };

/** A body parsed as JSON once, shared by everything on the trigger path that reads it. */
export type ParsedJson = { ok: true; value: unknown } | { ok: false };

export function parseJsonBody(raw: Buffer | string): ParsedJson {
  try {
    return { ok: true, value: JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\b/i;
const TEXT_TYPE = /^(text\/|application\/(x-www-form-urlencoded|xml|[a-z0-9.+-]*\+xml)\b)/i;

export function isJsonContentType(contentType: string | undefined): boolean {
  return contentType !== undefined && JSON_TYPE.test(contentType);
}

/**
 * The run's payload, as Codika defines it: `body.payload` when a JSON body is an object with a
 * `payload` field, else the whole JSON body. Non-JSON bodies become `{contentType, text}` or
 * `{contentType, base64}` so the target sees the exact bytes and what they are. An empty body
 * is an empty object. A Pub/Sub push becomes its decoded data and attributes.
 */
export function derivePayload(body: ReceivedBody, provider?: string, json?: () => ParsedJson): PayloadResult {
  if (body.data.length === 0) return { ok: true, payload: {} };
  if (provider === 'gcp-pubsub') {
    // A push envelope: the payload is the decoded message data with its attributes beside it.
    const push = parsePubSubPush(decodeReceivedBody(body));
    if (push) return { ok: true, payload: pubSubPayload(push) };
  }
  if (isJsonContentType(body.contentType)) {
    const result = json ? json() : parseJsonBody(decodeReceivedBody(body));
    if (!result.ok) return { ok: false, reason: 'invalid_json' };
    const parsed = result.value;
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'payload' in parsed) {
      return { ok: true, payload: (parsed as { payload: unknown }).payload };
    }
    return { ok: true, payload: parsed };
  }
  if (body.encoding === 'utf8' && TEXT_TYPE.test(body.contentType)) {
    return { ok: true, payload: { contentType: body.contentType, text: body.data } };
  }
  return { ok: true, payload: { contentType: body.contentType, base64: body.encoding === 'base64' ? body.data : decodeReceivedBody(body).toString('base64') } };
}
