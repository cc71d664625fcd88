import { createHmac, createPublicKey, randomBytes, verify as verifyEd25519, type KeyObject } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { SignatureError, type VerifyInput, type Verified, checkTimestamp, header } from './signature.error';

const HEADER_SETS = [
  { id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  { id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
] as const;

/** HMAC key bytes of a `whsec_` secret (the prefix is optional, as in the reference libraries). */
export function hmacKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

const publicKeys = new Map<string, KeyObject>();
function ed25519Key(secret: string): KeyObject | undefined {
  let key = publicKeys.get(secret);
  if (!key) {
    const raw = Buffer.from(secret.slice('whpk_'.length), 'base64');
    if (raw.length !== 32) return undefined;
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    if (publicKeys.size > 1000) publicKeys.clear();
    publicKeys.set(secret, key);
  }
  return key;
}

/** The complete header set present (webhook-* first, then the svix-* twins). */
function headerSet(input: VerifyInput): { id: string; timestamp: string; signature: string } {
  for (const names of HEADER_SETS) {
    const id = header(input.headers, names.id);
    const timestamp = header(input.headers, names.timestamp);
    const signature = header(input.headers, names.signature);
    if (id !== undefined || timestamp !== undefined || signature !== undefined) {
      if (!id || !timestamp || !signature) throw new SignatureError('missing_header', `Incomplete ${names.id.split('-')[0]}-* headers`);
      return { id, timestamp, signature };
    }
  }
  throw new SignatureError('missing_header', 'No Standard Webhooks headers');
}

/**
 * Standard Webhooks / svix: `v1,` HMAC-SHA256 of `id.timestamp.body` (base64), and `v1a,`
 * ed25519 signatures against `whpk_` public keys; any match of any secret accepts.
 */
export function verifyStandardWebhook(input: VerifyInput): Verified {
  const { id, timestamp, signature } = headerSet(input);
  const timestampSec = checkTimestamp(timestamp, input.nowSec, input.toleranceSec);
  const signed = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), input.rawBody]);
  const entries: Array<{ version: string; value: Buffer }> = [];
  for (const part of signature.split(' ')) {
    const comma = part.indexOf(',');
    if (comma > 0) entries.push({ version: part.slice(0, comma), value: Buffer.from(part.slice(comma + 1), 'base64') });
  }
  if (entries.length === 0) throw new SignatureError('malformed_header', 'Signature header has no version,signature entries');

  const v1 = entries.filter((e) => e.version === 'v1').map((e) => e.value);
  const v1a = entries.filter((e) => e.version === 'v1a').map((e) => e.value);
  for (const secret of input.secrets) {
    if (secret.scheme !== 'standard-webhooks') continue;
    if (secret.secret.startsWith('whpk_')) {
      const key = v1a.length > 0 ? ed25519Key(secret.secret) : undefined;
      if (key && v1a.some((sig) => sig.length === 64 && verifyEd25519(null, signed, key, sig))) {
        return { scheme: 'standard-webhooks', secretId: secret.id, deliveryId: id, timestampSec };
      }
      continue;
    }
    if (v1.length === 0) continue;
    const expected = createHmac('sha256', hmacKey(secret.secret)).update(signed).digest();
    if (v1.some((sig) => bytesEqual(sig, expected))) {
      return { scheme: 'standard-webhooks', secretId: secret.id, deliveryId: id, timestampSec };
    }
  }
  throw new SignatureError('no_match', 'No signature matches');
}

/** `v1,<base64>` for the given message, as Sluice signs its dispatches. */
export function signStandardWebhook(args: { secret: string; id: string; timestampSec: number; rawBody: Buffer | string }): string {
  const body = typeof args.rawBody === 'string' ? Buffer.from(args.rawBody, 'utf8') : args.rawBody;
  const signed = Buffer.concat([Buffer.from(`${args.id}.${args.timestampSec}.`, 'utf8'), body]);
  return `v1,${createHmac('sha256', hmacKey(args.secret)).update(signed).digest('base64')}`;
}

export function generateStandardWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
