import { type Dispatcher, request } from 'undici';
import { type AttemptOutcome, parseRetryAfter } from './classify-dispatch-error';
import { ClientRejection, type TargetBreaker, type TargetResponse } from './breakers';
import type { DispatchRequest } from './dispatch-request';

/** Responses bigger than this are cut: resultData is for results, not for bulk transfer. */
const MAX_RESPONSE_BYTES = 1_048_576;

export type SendResult =
  | { ok: true; statusCode: number; resultData: unknown }
  | { ok: false; outcome: AttemptOutcome };

class TargetFailure extends Error {
  constructor(readonly response: TargetResponse) {
    super(`HTTP ${response.statusCode}`);
  }
}

/**
 * One dispatch attempt through the origin's breaker, over undici's request() on the worker's
 * keep-alive agent (fetch costs several times more CPU per call and refuses "bad ports").
 * Redirects are not followed: a 3xx is the target's answer. 5xx, 408, 429, network errors and
 * timeouts count against the breaker; 4xx do not (errorFilter); 2xx close it.
 */
export async function sendDispatch(
  dispatchRequest: DispatchRequest,
  breaker: TargetBreaker,
  timeoutMs: number,
  dispatcher: Dispatcher,
): Promise<SendResult> {
  if (breaker.opened) return { ok: false, outcome: { kind: 'breaker_open', origin: new URL(dispatchRequest.url).origin } };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await breaker.fire(async () => {
      const res = await request(dispatchRequest.url, {
        method: 'POST',
        headers: dispatchRequest.headers,
        body: dispatchRequest.body,
        signal,
        dispatcher,
      });
      if (res.statusCode >= 500 || res.statusCode === 408 || res.statusCode === 429) throw new TargetFailure(res);
      if (res.statusCode >= 300) {
        await res.body.dump().catch(() => undefined);
        throw new ClientRejection(res.statusCode);
      }
      return res;
    });
    const text = await readCapped(response.body);
    return { ok: true, statusCode: response.statusCode, resultData: toResultData(text, headerOf(response, 'content-type')) };
  } catch (err) {
    if (err instanceof TargetFailure) {
      await err.response.body.dump().catch(() => undefined);
      const retryAfterSec = parseRetryAfter(headerOf(err.response, 'retry-after') ?? null);
      return {
        ok: false,
        outcome: { kind: 'response', statusCode: err.response.statusCode, ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) },
      };
    }
    if (err instanceof ClientRejection) return { ok: false, outcome: { kind: 'response', statusCode: err.statusCode } };
    if ((err as { code?: string }).code === 'EOPENBREAKER') {
      return { ok: false, outcome: { kind: 'breaker_open', origin: new URL(dispatchRequest.url).origin } };
    }
    if (signal.aborted) return { ok: false, outcome: { kind: 'timeout', timeoutMs } };
    return { ok: false, outcome: networkOutcome(err) };
  }
}

/** System errors keep their code (ECONNREFUSED…); undici's own errors carry UND_ERR_* codes. */
function networkOutcome(err: unknown): AttemptOutcome {
  const { code, message } = err as { code?: string; message?: string };
  return { kind: 'network', code: code ?? 'NETWORK_ERROR', message: message ?? String(err) };
}

function headerOf(response: TargetResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readCapped(body: TargetResponse['body']): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) {
      body.destroy();
      throw new Error(`Target response over ${MAX_RESPONSE_BYTES} bytes`);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer).toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

/** A 2xx JSON body is resultData (DESIGN §5); other bodies are kept as text. */
function toResultData(text: string, contentType: string | undefined): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { contentType: contentType ?? 'text/plain', text };
  }
}
