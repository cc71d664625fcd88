import { sign as githubSign } from '@octokit/webhooks-methods';
import Stripe from 'stripe';
import { SignatureError, type SigningSecret, verifySignature } from './index';

const stripe = new Stripe('sk_test_unused');
const nowSec = 1_780_000_000;

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
  const secret = 'whsec_test_' + 'k'.repeat(24);
  const secrets: SigningSecret[] = [{ id: 'st', scheme: 'stripe', secret }];
  const payload = JSON.stringify({ id: 'evt_1ABC', object: 'event', type: 'invoice.paid' });
  const header = (opts: { timestamp?: number; secret?: string; payload?: string } = {}) =>
    stripe.webhooks.generateTestHeaderString({ payload: opts.payload ?? payload, secret: opts.secret ?? secret, timestamp: opts.timestamp ?? nowSec });
  const verify = (sig: string, body = payload) =>
    verifySignature({ rawBody: Buffer.from(body), headers: { 'stripe-signature': sig }, secrets, nowSec, toleranceSec: 300 });

  it('accepts and takes the event id as the delivery id', () => {
    expect(verify(header())).toEqual({ scheme: 'stripe', secretId: 'st', deliveryId: 'evt_1ABC', timestampSec: nowSec });
  });

  it('accepts any v1 among several and ignores v0', () => {
    const good = header();
    const [t, v1] = good.split(',');
    expect(verify(`${t},v1=${'0'.repeat(64)},v0=${'1'.repeat(64)},${v1}`).secretId).toBe('st');
  });

  it('makes retries of one event (fresh timestamp and signature) carry one delivery id', () => {
    const first = verify(header({ timestamp: nowSec - 100 }));
    const retry = verify(header({ timestamp: nowSec }));
    expect(retry.deliveryId).toBe(first.deliveryId);
  });

  it.each([
    ['tampered body', () => verify(header(), payload.replace('paid', 'void')), 'no_match'],
    ['wrong secret', () => verify(header({ secret: 'whsec_other' })), 'no_match'],
    ['stale t', () => verify(header({ timestamp: nowSec - 301 })), 'stale_timestamp'],
    ['future t', () => verify(header({ timestamp: nowSec + 301 })), 'future_timestamp'],
    ['no t', () => verify(`v1=${'a'.repeat(64)}`), 'malformed_header'],
    ['no v1', () => verify(`t=${nowSec},v0=${'a'.repeat(64)}`), 'malformed_header'],
  ])('refuses %s', (_name, fn, expected) => {
    expect(reason(fn)).toBe(expected);
  });
});

describe('GitHub, signed by @octokit/webhooks-methods', () => {
  const secret = "It's a Secret to Everybody";
  const secrets: SigningSecret[] = [{ id: 'gh', scheme: 'github', secret }];
  const payload = JSON.stringify({ action: 'opened', number: 1 });
  const verify = (headers: Record<string, string>, body = payload, s = secrets) =>
    verifySignature({ rawBody: Buffer.from(body), headers, secrets: s, nowSec, toleranceSec: 300 });

  it('accepts and takes X-GitHub-Delivery as the delivery id', async () => {
    const sig = await githubSign(secret, payload);
    expect(verify({ 'x-hub-signature-256': sig, 'x-github-delivery': 'd-1', 'x-github-event': 'pull_request' })).toEqual({
      scheme: 'github',
      secretId: 'gh',
      deliveryId: 'd-1',
    });
  });

  it('refuses tampering, wrong secrets, a missing sha256= prefix and sha1-only requests', async () => {
    const sig = await githubSign(secret, payload);
    expect(reason(() => verify({ 'x-hub-signature-256': sig }, `${payload} `))).toBe('no_match');
    expect(reason(() => verify({ 'x-hub-signature-256': sig }, payload, [{ id: 'x', scheme: 'github', secret: 'nope' }]))).toBe('no_match');
    expect(reason(() => verify({ 'x-hub-signature-256': sig.replace('sha256=', '') }))).toBe('malformed_header');
    expect(reason(() => verify({ 'x-hub-signature': 'sha1=abc' }))).toBe('malformed_header');
  });
});
