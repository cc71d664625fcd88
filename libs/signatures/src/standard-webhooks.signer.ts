import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/** HMAC key bytes of a `whsec_` secret (the prefix is optional, as in the reference libraries). */
export function hmacKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
}

/** The bytes a Standard Webhooks signature covers: `${id}.${timestamp}.` then the raw body, undecoded. */
export function signedContent(id: string, timestamp: string, rawBody: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), rawBody]);
}

/** `v1,<base64>` for one message, as Sluice signs its own dispatches. */
export function signStandardWebhook(args: { secret: string; id: string; timestampSec: number; rawBody: Buffer | string }): string {
  const body = typeof args.rawBody === 'string' ? Buffer.from(args.rawBody, 'utf8') : args.rawBody;
  const mac = createHmac('sha256', hmacKey(args.secret)).update(signedContent(args.id, String(args.timestampSec), body));
  return `v1,${mac.digest('base64')}`;
}

/** A fresh secret: `whsec_` + base64 of 32 random bytes (256 bits). */
export function generateStandardWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}
