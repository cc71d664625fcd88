import { createHmac } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { headerValue } from './header-value';
import { SignatureError } from './signature.error';
import type { VerifyInput, Verified } from './signature.types';
import { checkTimestamp } from './timestamp-window';

const HEX = /^[0-9a-fA-F]+$/;

/** `t=…,v1=…[,v1=…][,v0=…]`: the timestamp and the decoded v1 signatures (v0 and others ignored). */
function readStripeHeader(value: string): { t: string; v1: Buffer[] } {
  let t: string | undefined;
  const v1: Buffer[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') t = val;
    else if (key === 'v1' && HEX.test(val)) v1.push(Buffer.from(val, 'hex'));
  }
  if (t === undefined || v1.length === 0) throw new SignatureError('malformed_header', 'Stripe-Signature lacks t= or a hex v1=');
  return { t, v1 };
}

/** The event `id` in the body: Stripe re-signs each retry, so this is the stable delivery id. */
function stripeEventId(rawBody: Buffer): string | undefined {
  try {
    const event: unknown = JSON.parse(rawBody.toString('utf8'));
    if (typeof event !== 'object' || event === null) return undefined;
    const id = (event as { id?: unknown }).id;
    return typeof id === 'string' && id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Stripe: hex HMAC-SHA256 of `t.body` keyed by the whole `whsec_…` string as UTF-8 text
 * (stripe-node Webhooks.ts). Any v1 matches; `t` must be within ±toleranceSec.
 */
export function verifyStripe(input: VerifyInput): Verified {
  const value = headerValue(input.headers, 'stripe-signature');
  if (value === undefined) throw new SignatureError('missing_header', 'No Stripe-Signature header');
  const { t, v1 } = readStripeHeader(value);
  const timestampSec = checkTimestamp(t, input.nowSec, input.toleranceSec);
  const signed = Buffer.concat([Buffer.from(`${t}.`, 'utf8'), input.rawBody]);
  for (const secret of input.secrets) {
    if (secret.scheme !== 'stripe') continue;
    const expected = createHmac('sha256', Buffer.from(secret.secret, 'utf8')).update(signed).digest();
    if (v1.some((sig) => bytesEqual(sig, expected))) {
      const deliveryId = stripeEventId(input.rawBody);
      return { scheme: 'stripe', secretId: secret.id, timestampSec, ...(deliveryId !== undefined ? { deliveryId } : {}) };
    }
  }
  throw new SignatureError('no_match', 'No signature matches a configured secret');
}
