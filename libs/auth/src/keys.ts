import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool';

/** Instance keys (`ck_`) and organization keys (`cko_`): 256 bits of randomness, base64url. */
export type KeyKind = 'instance' | 'org';

const PREFIX: Record<KeyKind, string> = { instance: 'ck_', org: 'cko_' };
const KEY_BYTES = 32;
// 32 bytes → 43 base64url chars; longer keys are allowed for imported/bootstrap keys.
const SHAPE: Record<KeyKind, RegExp> = {
  instance: /^ck_[A-Za-z0-9_-]{43,128}$/,
  org: /^cko_[A-Za-z0-9_-]{43,128}$/,
};

export function generateKey(kind: KeyKind): string {
  return PREFIX[kind] + randomBytes(KEY_BYTES).toString('base64url');
}

/** True when the string has the shape of a key of that kind (not that it exists). */
export function isKeyShaped(kind: KeyKind, value: string): boolean {
  return SHAPE[kind].test(value);
}

/** Keys are stored and looked up only by this hash; the key itself is shown once. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short, non-secret hint to tell keys apart in listings (`cko_AbCd…`). */
export function keyHint(key: string): string {
  const prefixLength = key.startsWith('cko_') ? 4 : 3;
  return `${key.slice(0, prefixLength + 4)}…`;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Random id for executions, instances, keys, secrets: URL-safe, never all digits (BullMQ). */
export function generateId(prefix: string, bytes = 16): string {
  return `${prefix}_${pooledRandomBytes(bytes).toString('base64url').replace(/[-_]/g, 'x')}`;
}
