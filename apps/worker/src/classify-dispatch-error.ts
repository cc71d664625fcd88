import type { ErrorDetails } from '@sluice/queue';

/** What happened to one dispatch attempt. */
export type AttemptOutcome =
  | { kind: 'response'; statusCode: number; retryAfterSec?: number }
  | { kind: 'network'; code: string; message: string }
  | { kind: 'timeout'; timeoutMs: number }
  | { kind: 'breaker_open'; origin: string };

/** What the worker does about it. */
export type DispatchDecision =
  | { action: 'retry'; details: ErrorDetails; delayMs?: number }
  | { action: 'delay'; delayMs: number; reason: string }
  | { action: 'fail'; details: ErrorDetails };

const RETRYABLE_STATUS = new Set([408, 429]);

/**
 * DESIGN §5 error semantics in one table-tested function (STYLE 8): network errors, timeouts,
 * 408, 429 and 5xx retry with backoff; other 4xx fail at once; an open breaker delays the run
 * without using an attempt. The last attempt turns a retry into a failure.
 */
export function classifyDispatchError(outcome: AttemptOutcome, isLastAttempt: boolean, breakerResetMs = 10_000): DispatchDecision {
  let decision: DispatchDecision;
  switch (outcome.kind) {
    case 'breaker_open':
      return { action: 'delay', delayMs: breakerResetMs, reason: `circuit open for ${outcome.origin}` };
    case 'timeout':
      decision = {
        action: 'retry',
        details: { type: 'timeout', message: `Target did not answer within ${outcome.timeoutMs} ms`, code: 'TIMEOUT' },
      };
      break;
    case 'network':
      decision = {
        action: 'retry',
        details: { type: 'external_api_error', message: `Target unreachable: ${outcome.message}`, code: outcome.code },
      };
      break;
    case 'response': {
      const { statusCode } = outcome;
      const details: ErrorDetails = {
        type: 'external_api_error',
        message: `Target answered HTTP ${statusCode}`,
        code: `HTTP_${statusCode}`,
      };
      if (RETRYABLE_STATUS.has(statusCode) || statusCode >= 500) {
        decision = {
          action: 'retry',
          details,
          ...(outcome.retryAfterSec !== undefined ? { delayMs: outcome.retryAfterSec * 1000 } : {}),
        };
      } else {
        return { action: 'fail', details };
      }
      break;
    }
  }
  return isLastAttempt && decision.action === 'retry' ? { action: 'fail', details: decision.details } : decision;
}

/** Retry-After as seconds (delta or HTTP date), bounded to one hour; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), 3600);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), 3600);
}
