/** The BullMQ backoff type of dispatch jobs; workers register `dispatchBackoff` under it. */
export const DISPATCH_BACKOFF_TYPE = 'sluice-dispatch';

/** An attempt error that asks for a given wait before the next attempt (a target's Retry-After). */
export interface RetryAfterHint {
  retryAfterMs?: number;
}

/**
 * Exponential backoff with ±50% jitter (base × 2^(n−1)), unless the failed attempt carried a
 * target's Retry-After, which wins (bounded to one hour). `random` is injectable for tests.
 */
export function dispatchBackoff(
  attemptsMade: number,
  baseMs: number,
  err?: RetryAfterHint,
  random: () => number = Math.random,
): number {
  if (err?.retryAfterMs !== undefined) return Math.min(Math.max(0, err.retryAfterMs), 3_600_000);
  const exponential = Math.min(baseMs * 2 ** Math.max(0, attemptsMade - 1), 3_600_000);
  return Math.floor(exponential * (0.5 + random() * 0.5));
}
