import { type KeyObject, createHmac, createSecretKey, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** HMAC key bytes of a `whsec_` secret (the prefix is optional, as in the reference libraries). */
export function hmacKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The bytes a Standard Webhooks signature covers: `${id}.${timestamp}.` then the raw body, undecoded. */
export function signedContent(id: string, timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody]);
}

/**
 * HMAC keys of `whsec_` secrets decoded once (a base64 decode and a key import per message
 * otherwise). Bounded; callers hold these secrets anyway.
 */
const keyObjects = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 1000;

export function hmacKeyObject(secret: string): KeyObject {
  let key = keyObjects.get(secret);
  if (key === undefined) {
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    key = createSecretKey(hmacKey(secret));
    keyObjects.set(secret, key);
  }
  return key;
}

/** `v1,<base64>` for one message, as Sluice signs its own dispatches. */
export function signStandardWebhook(args: { secret: string; id: string; timestampSec: number; rawBody: Buffer | string }): string {
  // The same bytes as signedContent(), fed in two parts instead of copied into one buffer.
  const mac = createHmac('sha256', hmacKeyObject(args.secret)).update(`${args.id}.${args.timestampSec}.`, 'utf8').update(args.rawBody);
  return `v1,${mac.digest('base64')}`;
}

/** A fresh secret: `whsec_` + base64 of 32 random bytes (256 bits). */
export function generateStandardWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
