import { type KeyObject, createHmac, createPublicKey, verify as verifyEd25519 } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { headerValue } from './header-value';
import { SignatureError } from './signature.error';
import type { HeaderBag, VerifyInput, Verified } from './signature.types';
import { hmacKeyObject, signedContent } from './standard-webhooks.signer';
import { checkTimestamp } from './timestamp-window';

/** Unbranded names first, then the svix-* twins (Svix, Clerk, Resend). */
const HEADER_SETS = [
  { prefix: 'webhook', id: 'webhook-id', timestamp: 'webhook-timestamp', signature: 'webhook-signature' },
  { prefix: 'svix', id: 'svix-id', timestamp: 'svix-timestamp', signature: 'svix-signature' },
] as const;

const PUBLIC_KEY_PREFIX = 'whpk_';
const ED25519_SIGNATURE_BYTES = 64;
const ED25519_PUBLIC_KEY_BYTES = 32;

/**
 * Parsed `whpk_` keys, memoised: building a KeyObject costs far more than a verification, and a
 * key is public material. Bounded so a stream of distinct keys cannot grow it without limit;
 * `null` remembers a key that cannot be used. Results never depend on this cache.
 */
const ed25519Keys = new Map<string, KeyObject | null>();
const MAX_CACHED_KEYS = 1000;

function ed25519Key(secret: string): KeyObject | null {
  const cached = ed25519Keys.get(secret);
  if (cached !== undefined) return cached;
  let key: KeyObject | null = null;
  const raw = Buffer.from(secret.slice(PUBLIC_KEY_PREFIX.length), 'base64');
  if (raw.length === ED25519_PUBLIC_KEY_BYTES) {
    try {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    } catch {
      key = null;
    }
  }
  if (ed25519Keys.size >= MAX_CACHED_KEYS) ed25519Keys.clear();
  ed25519Keys.set(secret, key);
  return key;
}

function ed25519Matches(signed: Buffer, key: KeyObject, signature: Buffer): boolean {
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return verifyEd25519(null, signed, key, signature);
  } catch {
    return false;
  }
}

/**
 * The complete header set present, webhook-* before svix-*. A partial set only fails the
 * request when no complete set is there.
 */
function readHeaders(headers: HeaderBag): { id: string; timestamp: string; signature: string } {
  let partial: string | undefined;
  for (const names of HEADER_SETS) {
    const id = headerValue(headers, names.id);
    const timestamp = headerValue(headers, names.timestamp);
    const signature = headerValue(headers, names.signature);
    if (id && timestamp && signature) return { id, timestamp, signature };
    if (id !== undefined || timestamp !== undefined || signature !== undefined) partial ??= names.prefix;
  }
  throw new SignatureError('missing_header', partial ? `Incomplete ${partial}-* headers` : 'No Standard Webhooks headers');
}

/** `v1,<b64> v1a,<b64> …`: the decoded signatures per version; unknown versions are dropped. */
function readSignatures(value: string): { v1: Buffer[]; v1a: Buffer[] } {
  const v1: Buffer[] = [];
  const v1a: Buffer[] = [];
  let entries = 0;
  for (const part of value.split(' ')) {
    const comma = part.indexOf(',');
    if (comma <= 0) continue;
    entries += 1;
    const version = part.slice(0, comma);
    if (version === 'v1') v1.push(Buffer.from(part.slice(comma + 1), 'base64'));
    else if (version === 'v1a') v1a.push(Buffer.from(part.slice(comma + 1), 'base64'));
  }
  if (entries === 0) throw new SignatureError('malformed_header', 'Signature header has no version,signature entries');
  return { v1, v1a };
}

/**
 * Standard Webhooks / svix: `v1,` HMAC-SHA256 of `id.timestamp.body` keyed by the base64-decoded
 * `whsec_` secret, and `v1a,` ed25519 signatures checked with `whpk_` public keys. Any match of
 * any secret of the scheme accepts; the timestamp must be within ±toleranceSec.
 */
export function verifyStandardWebhook(input: VerifyInput): Verified {
  const { id, timestamp, signature } = readHeaders(input.headers);
  const timestampSec = checkTimestamp(timestamp, input.nowSec, input.toleranceSec);
  const { v1, v1a } = readSignatures(signature);
  let signed: Buffer | undefined;
  const accepted = (secretId: string): Verified => ({ scheme: 'standard-webhooks', secretId, deliveryId: id, timestampSec });

  for (const secret of input.secrets) {
    if (secret.scheme !== 'standard-webhooks') continue;
    if (secret.secret.startsWith(PUBLIC_KEY_PREFIX)) {
      const key = v1a.length > 0 ? ed25519Key(secret.secret) : null;
      signed ??= signedContent(id, timestamp, input.rawBody);
      const content = signed;
      if (key && v1a.some((sig) => ed25519Matches(content, key, sig))) return accepted(secret.id);
    } else if (v1.length > 0) {
      // The same bytes as signedContent(), without copying the body into a new buffer.
      const expected = createHmac('sha256', hmacKeyObject(secret.secret)).update(`${id}.${timestamp}.`, 'utf8').update(input.rawBody).digest();
      if (v1.some((sig) => bytesEqual(sig, expected))) return accepted(secret.id);
    }
  }
  throw new SignatureError('no_match', 'No signature matches a configured secret');
}
