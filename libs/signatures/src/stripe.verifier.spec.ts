import Stripe from 'stripe';
import { SignatureError, type SigningSecret, verifySignature, verifyStripe } from './index';

// Headers come from stripe-node's own signer (generateTestHeaderString), verified at an injected clock.
const stripe = new Stripe('sk_test_unused');
const nowSec = 1_780_000_000;
const secret = 'whsec_test_' + 'k'.repeat(24);
const secrets: SigningSecret[] = [{ id: 'st', scheme: 'stripe', secret }];
const payload = JSON.stringify({ id: 'evt_1ABC', object: 'event', type: 'invoice.paid', data: { note: 'héllo ✓' } });

const header = (opts: { timestamp?: number; secret?: string; payload?: string } = {}) =>
  stripe.webhooks.generateTestHeaderString({ payload: opts.payload ?? payload, secret: opts.secret ?? secret, timestamp: opts.timestamp ?? nowSec });
const verify = (sig: string, body = payload, s = secrets) =>
  verifySignature({ rawBody: Buffer.from(body), headers: { 'stripe-signature': sig }, secrets: s, nowSec, toleranceSec: 300 });

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignatureError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('Stripe, signed by stripe-node', () => {
  it('accepts and takes the event id from the body as the delivery id', () => {
    expect(verify(header())).toEqual({ scheme: 'stripe', secretId: 'st', deliveryId: 'evt_1ABC', timestampSec: nowSec });
  });

  it('keys the HMAC with the whole whsec_ string as text (stripe-node agrees)', () => {
    const sig = header();
    expect(stripe.webhooks.constructEvent(payload, sig, secret, 1e9)).toMatchObject({ id: 'evt_1ABC' });
    expect(reason(() => verify(sig, payload, [{ id: 'b64', scheme: 'stripe', secret: secret.slice(6) }]))).toBe('no_match');
  });

  it('accepts any v1 among several and ignores v0', () => {
    const [t, v1] = header().split(',');
    expect(verify(`${t},v1=${'0'.repeat(64)},v0=${'1'.repeat(64)},${v1}`).secretId).toBe('st');
  });

  it('tries every stripe secret (rotation)', () => {
    const rotated: SigningSecret[] = [{ id: 'old', scheme: 'stripe', secret: 'whsec_old' }, ...secrets];
    expect(verify(header(), payload, rotated).secretId).toBe('st');
    expect(verify(header({ secret: 'whsec_old' }), payload, rotated).secretId).toBe('old');
  });

  it('gives retries of one event (fresh timestamp and signature) one delivery id', () => {
    expect(verify(header({ timestamp: nowSec - 100 })).deliveryId).toBe(verify(header()).deliveryId);
  });

  it.each(['not json', '[1,2]', '{"id":42}', '{"object":"event"}', 'null'])('has no delivery id for the body %j', (body) => {
    const result = verify(header({ payload: body }), body);
    expect(result.secretId).toBe('st');
    expect(result.deliveryId).toBeUndefined();
  });

  it.each<[string, () => unknown, string]>([
    ['a tampered body', () => verify(header(), payload.replace('paid', 'void')), 'no_match'],
    ['a wrong secret', () => verify(header({ secret: 'whsec_other' })), 'no_match'],
    ['a tampered t', () => verify(header().replace(`t=${nowSec}`, `t=${nowSec - 1}`)), 'no_match'],
    ['a stale t', () => verify(header({ timestamp: nowSec - 301 })), 'stale_timestamp'],
    ['a future t', () => verify(header({ timestamp: nowSec + 301 })), 'future_timestamp'],
    ['a non-integer t', () => verify(header().replace(`t=${nowSec}`, 't=soon')), 'malformed_header'],
    ['no t', () => verify(`v1=${'a'.repeat(64)}`), 'malformed_header'],
    ['no v1', () => verify(`t=${nowSec},v0=${'a'.repeat(64)}`), 'malformed_header'],
    ['a non-hex v1 only', () => verify(`t=${nowSec},v1=zz`), 'malformed_header'],
    ['an empty header', () => verify(''), 'malformed_header'],
    ['no stripe secret', () => verify(header(), payload, [{ id: 'g', scheme: 'github', secret }]), 'no_secret'],
  ])('refuses %s', (_name, fn, expected) => {
    expect(reason(fn)).toBe(expected);
  });

  it('verifyStripe alone: no header is missing_header', () => {
    expect(reason(() => verifyStripe({ rawBody: Buffer.from(payload), headers: {}, secrets, nowSec, toleranceSec: 300 }))).toBe('missing_header');
  });

  it('never names the secret or the signature in the error message', () => {
    const sig = header();
    try {
      verify(sig, `${payload} `);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureError);
      expect((err as Error).message).not.toContain(secret);
      expect((err as Error).message).not.toContain(sig.split('v1=')[1]);
    }
  });
});
