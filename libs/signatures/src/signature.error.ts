import type { SignatureFailureReason } from './signature.types';

/**
 * The one failure type of this lib. `reason` is machine-readable (mapped to HTTP in one place by
 * the caller); the message is for logs and never contains a secret, a signature or the body.
 */
export class SignatureError extends Error {
  readonly reason: SignatureFailureReason;

  constructor(reason: SignatureFailureReason, message: string = reason) {
    super(message);
    this.name = 'SignatureError';
    this.reason = reason;
  }
}
