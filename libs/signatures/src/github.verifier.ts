import { createHmac } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { SignatureError, type VerifyInput, type Verified, header } from './signature.error';

/**
 * GitHub: `X-Hub-Signature-256: sha256=<hex>` of the raw body, keyed by the secret as text.
 * No timestamp: dedupe on X-GitHub-Delivery is the replay guard. sha1-only requests are refused.
 */
export function verifyGithub(input: VerifyInput): Verified {
  const value = header(input.headers, 'x-hub-signature-256');
  if (value === undefined) {
    const legacy = header(input.headers, 'x-hub-signature');
    throw new SignatureError(legacy ? 'malformed_header' : 'missing_header', 'X-Hub-Signature-256 is required');
  }
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(value.trim());
  if (!match?.[1]) throw new SignatureError('malformed_header', 'X-Hub-Signature-256 must be sha256=<hex>');
  const given = Buffer.from(match[1], 'hex');
  for (const secret of input.secrets) {
    if (secret.scheme !== 'github') continue;
    const expected = createHmac('sha256', Buffer.from(secret.secret, 'utf8')).update(input.rawBody).digest();
    if (bytesEqual(given, expected)) {
      const deliveryId = header(input.headers, 'x-github-delivery');
      return { scheme: 'github', secretId: secret.id, ...(deliveryId ? { deliveryId } : {}) };
    }
  }
  throw new SignatureError('no_match', 'No signature matches');
}
