import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { generateStandardWebhookSecret, signStandardWebhook, verifySignature } from './index';

// Sluice signs its own dispatches; the reference libraries must accept them.
describe('signStandardWebhook / generateStandardWebhookSecret', () => {
  const body = JSON.stringify({ executionId: 'exec_1', note: 'héllo ✓' });

  it('generates whsec_ + base64 of 32 random bytes, distinct each time', () => {
    const a = generateStandardWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), 'base64')).toHaveLength(32);
    expect(generateStandardWebhookSecret()).not.toBe(a);
  });

  it.each([
    ['standardwebhooks', (s: string) => new StandardWebhook(s)],
    ['svix', (s: string) => new SvixWebhook(s)],
  ])('round-trips through the %s library (verify and sign)', (_name, make) => {
    const secret = generateStandardWebhookSecret();
    const timestampSec = Math.floor(Date.now() / 1000); // the libraries verify against the real clock
    const signature = signStandardWebhook({ secret, id: 'exec_1', timestampSec, rawBody: body });
    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const headers = { 'webhook-id': 'exec_1', 'webhook-timestamp': String(timestampSec), 'webhook-signature': signature };
    expect(make(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(make(secret).sign('exec_1', new Date(timestampSec * 1000), body)).toBe(signature);
  });

  it('signs a Buffer body exactly as the same string, and verifies with verifySignature', () => {
    const secret = generateStandardWebhookSecret();
    const args = { secret, id: 'exec_2', timestampSec: 1_780_000_000 };
    const signature = signStandardWebhook({ ...args, rawBody: Buffer.from(body) });
    expect(signStandardWebhook({ ...args, rawBody: body })).toBe(signature);
    const headers = { 'webhook-id': 'exec_2', 'webhook-timestamp': String(args.timestampSec), 'webhook-signature': signature };
    const secrets = [{ id: 'mine', scheme: 'standard-webhooks' as const, secret }];
    expect(verifySignature({ rawBody: Buffer.from(body), headers, secrets, nowSec: args.timestampSec, toleranceSec: 300 }).secretId).toBe('mine');
  });
});
