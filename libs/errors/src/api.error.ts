import { type ErrorCode, statusOf } from './catalogue';

/**
 * A failure with a stable code. The message is shown to the caller, so it names what was
 * wrong but never carries a secret, key, signature or body.
 */
export class ApiError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra JSON fields for the error body (e.g. validation `details`). */
    readonly extra?: Readonly<Record<string, unknown>>,
    /** Seconds for a Retry-After header (429, 503). */
    readonly retryAfterSec?: number,
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = statusOf(code);
  }
}
