import { createHmac } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { headerValue } from './header-value';
import { SignatureError } from './signature.error';
import type { VerifyInput, Verified } from './signature.types';

const SHA256_HEADER = /^sha256=([0-9a-fA-F]{64})$/;

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` of the raw body, keyed by the secret as text.
 * No timestamp: dedupe on X-GitHub-Delivery is the replay guard. A request signed only with the
 * legacy sha1 `X-Hub-Signature` is refused as malformed: we require sha256.
 */
export function verifyGithub(input: VerifyInput): Verified {
  const value = headerValue(input.headers, 'x-hub-signature-256');
  if (value === undefined) {
    if (headerValue(input.headers, 'x-hub-signature') !== undefined) {
      throw new SignatureError('malformed_header', 'Only the sha1 X-Hub-Signature was sent; X-Hub-Signature-256 is required');
    }
    throw new SignatureError('missing_header', 'No X-Hub-Signature-256 header');
  }
  const hex = SHA256_HEADER.exec(value.trim())?.[1];
  if (hex === undefined) throw new SignatureError('malformed_header', 'X-Hub-Signature-256 must be sha256=<64 hex digits>');
  const given = Buffer.from(hex, 'hex');
  for (const secret of input.secrets) {
    if (secret.scheme !== 'github') continue;
    const expected = createHmac('sha256', Buffer.from(secret.secret, 'utf8')).update(input.rawBody).digest();
    if (bytesEqual(given, expected)) {
      const deliveryId = headerValue(input.headers, 'x-github-delivery');
      return { scheme: 'github', secretId: secret.id, ...(deliveryId ? { deliveryId } : {}) };
    }
  }
  throw new SignatureError('no_match', 'No signature matches a configured secret');
}
