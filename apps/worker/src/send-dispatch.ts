import type CircuitBreaker from 'opossum';
import { type AttemptOutcome, parseRetryAfter } from './classify-dispatch-error';
import { ClientRejection } from './breakers';
import type { DispatchRequest } from './dispatch-request';

/** Responses bigger than this are cut: resultData is for results, not for bulk transfer. */
const MAX_RESPONSE_BYTES = 1_048_576;

export type SendResult =
  | { ok: true; statusCode: number; resultData: unknown }
  | { ok: false; outcome: AttemptOutcome };

class TargetFailure extends Error {
  constructor(readonly response: Response) {
    super(`HTTP ${response.status}`);
  }
}

/**
 * One dispatch attempt through the origin's breaker. 5xx, 408, 429, network errors and
 * timeouts count against the breaker; 4xx do not (errorFilter); 2xx close it.
 */
export async function sendDispatch(
  request: DispatchRequest,
  breaker: CircuitBreaker<[() => Promise<Response>], Response>,
  timeoutMs: number,
): Promise<SendResult> {
  if (breaker.opened) return { ok: false, outcome: { kind: 'breaker_open', origin: new URL(request.url).origin } };
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await breaker.fire(async () => {
      const res = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal,
        redirect: 'manual',
      });
      if (res.status >= 500 || res.status === 408 || res.status === 429) throw new TargetFailure(res);
      if (res.status >= 300) throw new ClientRejection(res.status);
      return res;
    });
    const text = await readCapped(response, signal);
    return { ok: true, statusCode: response.status, resultData: toResultData(text, response.headers.get('content-type')) };
  } catch (err) {
    if (err instanceof TargetFailure) {
      await err.response.body?.cancel().catch(() => undefined);
      const retryAfterSec = parseRetryAfter(err.response.headers.get('retry-after'));
      return {
        ok: false,
        outcome: { kind: 'response', statusCode: err.response.status, ...(retryAfterSec !== undefined ? { retryAfterSec } : {}) },
      };
    }
    if (err instanceof ClientRejection) return { ok: false, outcome: { kind: 'response', statusCode: err.statusCode } };
    if ((err as { code?: string }).code === 'EOPENBREAKER') {
      return { ok: false, outcome: { kind: 'breaker_open', origin: new URL(request.url).origin } };
    }
    if (signal.aborted) return { ok: false, outcome: { kind: 'timeout', timeoutMs } };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      outcome: { kind: 'network', code: cause?.code ?? 'NETWORK_ERROR', message: cause?.message ?? (err as Error).message },
    };
  }
}

async function readCapped(response: Response, signal: AbortSignal): Promise<string> {
  if (!response.body) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (signal.aborted) break;
    size += chunk.byteLength;
    if (size > MAX_RESPONSE_BYTES) throw new Error(`Target response over ${MAX_RESPONSE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** A 2xx JSON body is resultData (DESIGN §5); other bodies are kept as text. */
function toResultData(text: string, contentType: string | null): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { contentType: contentType ?? 'text/plain', text };
  }
}
