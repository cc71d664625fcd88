import { ApiError, type ErrorCode } from '@sluice/errors';
import type { SignatureFailureReason } from '@sluice/signatures';

/** The one mapping from signature failure reasons to API codes (STYLE 2). */
const CODES: Record<SignatureFailureReason, { code: ErrorCode; message: string }> = {
  missing_header: { code: 'SIGNATURE_MISSING_HEADER', message: 'Some signature headers are missing.' },
  malformed_header: { code: 'SIGNATURE_MALFORMED_HEADER', message: 'A signature header is malformed.' },
  stale_timestamp: { code: 'SIGNATURE_STALE_TIMESTAMP', message: 'The signature timestamp is too old.' },
  future_timestamp: { code: 'SIGNATURE_FUTURE_TIMESTAMP', message: 'The signature timestamp is in the future.' },
  no_match: { code: 'SIGNATURE_MISMATCH', message: 'No signature matches a signing secret of this workflow.' },
  no_secret: { code: 'SIGNATURE_NO_SECRET', message: 'This workflow has no signing secret for this signature scheme.' },
};

export function signatureFailure(reason: SignatureFailureReason): ApiError {
  const { code, message } = CODES[reason] ?? CODES.no_match;
  return new ApiError(code, message, { reason });
}
