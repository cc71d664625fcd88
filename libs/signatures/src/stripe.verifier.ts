import { createHmac } from 'node:crypto';
import { bytesEqual } from './constant-time';
import { SignatureError, type VerifyInput, type Verified, checkTimestamp, header } from './signature.error';

/**
 * Stripe: `Stripe-Signature: t=…,v1=…[,v1=…][,v0=…]`, hex HMAC-SHA256 of `t.body` keyed by the
 * whole `whsec_…` string as text (stripe-node Webhooks.ts). Any v1 matches; v0 is ignored.
 * The delivery id is the event `id` in the body: Stripe re-signs each retry.
 */
export function verifyStripe(input: VerifyInput): Verified {
  const value = header(input.headers, 'stripe-signature');
  if (!value) throw new SignatureError('missing_header', 'No Stripe-Signature header');
  let t: string | undefined;
  const v1: Buffer[] = [];
  for (const item of value.split(',')) {
    const eq = item.indexOf('=');
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    const val = item.slice(eq + 1).trim();
    if (key === 't') t = val;
    else if (key === 'v1' && /^[0-9a-fA-F]+$/.test(val)) v1.push(Buffer.from(val, 'hex'));
  }
  if (t === undefined || v1.length === 0) throw new SignatureError('malformed_header', 'Stripe-Signature lacks t= or v1=');
  const timestampSec = checkTimestamp(t, input.nowSec, input.toleranceSec);
  const signed = Buffer.concat([Buffer.from(`${t}.`, 'utf8'), input.rawBody]);
  for (const secret of input.secrets) {
    if (secret.scheme !== 'stripe') continue;
    const expected = createHmac('sha256', Buffer.from(secret.secret, 'utf8')).update(signed).digest();
    if (v1.some((sig) => bytesEqual(sig, expected))) {
      const deliveryId = stripeEventId(input.rawBody);
      return { scheme: 'stripe', secretId: secret.id, timestampSec, ...(deliveryId ? { deliveryId } : {}) };
    }
  }
  throw new SignatureError('no_match', 'No signature matches');
}

function stripeEventId(rawBody: Buffer): string | undefined {
  try {
    const event = JSON.parse(rawBody.toString('utf8')) as { id?: unknown };
    return typeof event.id === 'string' && event.id.length > 0 ? event.id : undefined;
  } catch {
    return undefined;
  }
}
