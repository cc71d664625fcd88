import { createHmac, generateKeyPairSync, sign as signEd25519 } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { SignatureError, type SigningSecret, generateStandardWebhookSecret, verifySignature, verifyStandardWebhook } from './index';

// Signatures come from the senders' own libraries (STYLE 12), verified at an injected clock.
const secret = 'whsec_' + Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64');
const otherSecret = 'whsec_' + Buffer.from('another-32-byte-secret-for-tests').toString('base64');
const body = JSON.stringify({ type: 'user.created', data: { id: 'u_1', name: 'Ada', note: 'héllo ✓' } });
const now = new Date('2026-05-01T12:00:00Z');
const nowSec = now.getTime() / 1000;
const secrets: SigningSecret[] = [{ id: 's1', scheme: 'standard-webhooks', secret }];

type Headers = Record<string, string>;
const signers = {
  standardwebhooks: (s: string, id: string, at: Date, payload: string) => new StandardWebhook(s).sign(id, at, payload),
  svix: (s: string, id: string, at: Date, payload: string) => new SvixWebhook(s).sign(id, at, payload),
};

function headersFor(prefix: 'webhook' | 'svix', opts: { id?: string; at?: Date; signature?: string; signer?: keyof typeof signers } = {}): Headers {
  const id = opts.id ?? 'msg_1';
  const at = opts.at ?? now;
  return {
    [`${prefix}-id`]: id,
    [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
    [`${prefix}-signature`]: opts.signature ?? signers[opts.signer ?? 'standardwebhooks'](secret, id, at, body),
  };
}

function verify(headers: Headers, opts: { body?: string | Buffer; secrets?: SigningSecret[]; nowSec?: number } = {}) {
  return verifySignature({
    rawBody: Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body ?? body),
    headers,
    secrets: opts.secrets ?? secrets,
    nowSec: opts.nowSec ?? nowSec,
    toleranceSec: 300,
  });
}

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignatureError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('Standard Webhooks: accepted', () => {
  it.each([
    ['standardwebhooks', 'webhook'],
    ['standardwebhooks', 'svix'],
    ['svix', 'webhook'],
    ['svix', 'svix'],
  ] as const)('a %s signature on %s-* headers, with delivery id and timestamp', (signer, prefix) => {
    expect(verify(headersFor(prefix, { id: `msg_${signer}`, signer }))).toEqual({
      scheme: 'standard-webhooks',
      secretId: 's1',
      deliveryId: `msg_${signer}`,
      timestampSec: nowSec,
    });
  });

  it('any matching v1 among several in one header, skipping unknown versions', () => {
    const good = signers.svix(secret, 'msg_1', now, body);
    const foreign = signers.standardwebhooks(otherSecret, 'msg_1', now, body);
    const signature = `${foreign} v2,${good.slice(3)} v1,AAAA ${good} ${foreign}`;
    expect(verify(headersFor('webhook', { signature })).secretId).toBe('s1');
  });

  it('tries every secret of the scheme (rotation): the one that signed is reported', () => {
    const rotated: SigningSecret[] = [{ id: 'old', scheme: 'standard-webhooks', secret: otherSecret }, ...secrets];
    expect(verify(headersFor('webhook'), { secrets: rotated }).secretId).toBe('s1');
    const byOld = signers.standardwebhooks(otherSecret, 'msg_1', now, body);
    expect(verify(headersFor('webhook', { signature: byOld }), { secrets: rotated }).secretId).toBe('old');
  });

  it('a secret given without the whsec_ prefix is the same key', () => {
    expect(verify(headersFor('webhook'), { secrets: [{ id: 'bare', scheme: 'standard-webhooks', secret: secret.slice(6) }] }).secretId).toBe('bare');
  });

  it('the complete header set when the other set is partial', () => {
    const headers = { 'webhook-id': 'stray', ...headersFor('svix', { id: 'msg_svix' }) };
    expect(verify(headers).deliveryId).toBe('msg_svix');
  });

  it('timestamps exactly at the tolerance, both ways', () => {
    expect(verify(headersFor('webhook', { at: new Date(now.getTime() - 300_000) })).timestampSec).toBe(nowSec - 300);
    expect(verify(headersFor('webhook', { at: new Date(now.getTime() + 300_000) })).timestampSec).toBe(nowSec + 300);
  });

  it('the raw bytes, never a decoded body (a non-UTF-8 body)', () => {
    // The sender libraries decode Buffers to strings, so bytes that are not UTF-8 are signed here
    // with node:crypto as the spec defines it: HMAC over `id.ts.` + the bytes on the wire.
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    const mac = createHmac('sha256', Buffer.from(secret.slice(6), 'base64'))
      .update(Buffer.concat([Buffer.from(`msg_1.${nowSec}.`), raw]))
      .digest('base64');
    const headers = headersFor('webhook', { signature: `v1,${mac}` });
    expect(verify(headers, { body: raw }).secretId).toBe('s1');
    expect(reason(() => verify(headers, { body: Buffer.from(raw.toString('utf8')) }))).toBe('no_match');
  });

  it('the first value of a repeated header', () => {
    const headers: Record<string, string | string[]> = headersFor('webhook');
    headers['webhook-signature'] = [headers['webhook-signature'] as string, 'v1,AAAA'];
    expect(verifySignature({ rawBody: Buffer.from(body), headers, secrets, nowSec, toleranceSec: 300 }).secretId).toBe('s1');
  });
});

describe('Standard Webhooks: refused, each with its reason', () => {
  const sw = (s: string): SigningSecret[] => [{ id: 'x', scheme: 'standard-webhooks', secret: s }];
  it.each<[string, () => unknown, string]>([
    ['a tampered body', () => verify(headersFor('webhook'), { body: body.replace('Ada', 'Eve') }), 'no_match'],
    ['a tampered id', () => verify({ ...headersFor('webhook'), 'webhook-id': 'msg_2' }), 'no_match'],
    ['a wrong secret', () => verify(headersFor('svix', { signer: 'svix' }), { secrets: sw(generateStandardWebhookSecret()) }), 'no_match'],
    ['a truncated signature', () => verify(headersFor('webhook', { signature: 'v1,g0hM9' })), 'no_match'],
    ['only unknown versions', () => verify(headersFor('webhook', { signature: `v2,${signers.svix(secret, 'msg_1', now, body).slice(3)}` })), 'no_match'],
    ['a stale timestamp', () => verify(headersFor('webhook', { at: new Date(now.getTime() - 301_000) })), 'stale_timestamp'],
    ['a future timestamp', () => verify(headersFor('svix', { at: new Date(now.getTime() + 301_000), signer: 'svix' })), 'future_timestamp'],
    ['partial webhook-* headers', () => verify({ 'webhook-id': 'm', 'webhook-signature': 'v1,abc' }), 'missing_header'],
    ['partial svix-* headers', () => verify({ 'svix-id': 'm', 'svix-timestamp': String(nowSec) }), 'missing_header'],
    ['an empty header of the set', () => verify({ ...headersFor('webhook'), 'webhook-id': '' }), 'missing_header'],
    ['a signature header with no version,signature entry', () => verify(headersFor('webhook', { signature: 'garbage' })), 'malformed_header'],
    ['no standard-webhooks secret', () => verify(headersFor('webhook'), { secrets: [{ id: 'g', scheme: 'github', secret }] }), 'no_secret'],
  ])('%s', (_name, fn, expected) => {
    expect(reason(fn)).toBe(expected);
  });

  it.each(['hello', '12.5', '-1', '1e9', ' 1777636800', '0x10', '17776368001234'])('a malformed timestamp %j', (timestamp) => {
    expect(reason(() => verify({ ...headersFor('webhook'), 'webhook-timestamp': timestamp }))).toBe('malformed_header');
  });

  it('verifyStandardWebhook alone: no headers at all is missing_header', () => {
    expect(reason(() => verifyStandardWebhook({ rawBody: Buffer.from(body), headers: {}, secrets, nowSec, toleranceSec: 300 }))).toBe('missing_header');
  });

  it('never names the secret or a signature in the error message', () => {
    const signature = signers.standardwebhooks(secret, 'msg_1', now, body);
    const attempts = [
      () => verify(headersFor('webhook', { signature }), { body: 'x' }),
      () => verify(headersFor('webhook', { signature: 'garbage' })),
      () => verify(headersFor('webhook', { at: new Date(0), signature })),
    ];
    for (const attempt of attempts) {
      try {
        attempt();
        throw new Error('accepted');
      } catch (err) {
        expect(err).toBeInstanceOf(SignatureError);
        const { message } = err as SignatureError;
        for (const leak of [secret, secret.slice(6), signature, signature.slice(3)]) expect(message).not.toContain(leak);
      }
    }
  });
});

describe('Standard Webhooks v1a: ed25519 with whpk_ public keys', () => {
  const pair = () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    return { privateKey, whpk: `whpk_${raw.toString('base64')}` };
  };
  const a = pair();
  const b = pair();
  const v1a = (key: typeof a, id = 'msg_ed', payload = body) =>
    `v1a,${signEd25519(null, Buffer.from(`${id}.${nowSec}.${payload}`), key.privateKey).toString('base64')}`;
  const headers = (signature: string) => ({ 'webhook-id': 'msg_ed', 'webhook-timestamp': String(nowSec), 'webhook-signature': signature });
  const keys: SigningSecret[] = [
    { id: 'pk_a', scheme: 'standard-webhooks', secret: a.whpk },
    { id: 'pk_b', scheme: 'standard-webhooks', secret: b.whpk },
  ];

  it('accepts a v1a signature of any configured key, beside v1 entries', () => {
    expect(verify(headers(v1a(a)), { secrets: keys })).toMatchObject({ secretId: 'pk_a', deliveryId: 'msg_ed' });
    expect(verify(headers(`v1,AAAA ${v1a(b)}`), { secrets: keys }).secretId).toBe('pk_b');
  });

  it('accepts mixed HMAC and ed25519 secrets, each checking its own version', () => {
    const mixed = [...secrets, ...keys];
    const hmac = signers.standardwebhooks(secret, 'msg_ed', now, body);
    expect(verify(headers(`${v1a(b)} ${hmac}`), { secrets: mixed }).secretId).toBe('s1');
    expect(verify(headers(v1a(b)), { secrets: mixed }).secretId).toBe('pk_b');
  });

  it.each<[string, () => unknown]>([
    ['a tampered body', () => verify(headers(v1a(a)), { secrets: keys, body: `${body} ` })],
    ['an unconfigured key', () => verify(headers(v1a(pair())), { secrets: keys })],
    ['an HMAC secret against a v1a signature', () => verify(headers(v1a(a)))],
    ['a public key against a v1 signature', () => verify(headersFor('webhook'), { secrets: keys })],
    ['a v1a signature of the wrong length', () => verify(headers(`v1a,${Buffer.alloc(32).toString('base64')}`), { secrets: keys })],
    ['a whpk_ key of the wrong length', () => verify(headers(v1a(a)), { secrets: [{ id: 'bad', scheme: 'standard-webhooks', secret: 'whpk_AAAA' }] })],
  ])('refuses %s with no_match', (_name, fn) => {
    expect(reason(fn)).toBe('no_match');
  });
});
