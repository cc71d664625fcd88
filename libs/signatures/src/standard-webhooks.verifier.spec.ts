import { generateKeyPairSync, sign as signEd25519 } from 'node:crypto';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import {
  SignatureError,
  type SigningSecret,
  detectScheme,
  generateStandardWebhookSecret,
  signStandardWebhook,
  verifySignature,
} from './index';

const secret = 'whsec_' + Buffer.from('a-32-byte-secret-for-the-tests!!').toString('base64');
const body = JSON.stringify({ type: 'user.created', data: { id: 'u_1', name: 'Ada' } });
const now = new Date('2026-05-01T12:00:00Z');
const nowSec = Math.floor(now.getTime() / 1000);
const secrets: SigningSecret[] = [{ id: 's1', scheme: 'standard-webhooks', secret }];

function verify(headers: Record<string, string>, opts: { body?: string; secrets?: SigningSecret[]; nowSec?: number } = {}) {
  return verifySignature({
    rawBody: Buffer.from(opts.body ?? body),
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

const standardHeaders = (id = 'msg_1', at = now, sig?: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
  'webhook-signature': sig ?? new StandardWebhook(secret).sign(id, at, body),
});

describe('Standard Webhooks, signed by the senders\' libraries', () => {
  it('accepts the standardwebhooks library signature and returns the delivery id', () => {
    expect(verify(standardHeaders())).toEqual({ scheme: 'standard-webhooks', secretId: 's1', deliveryId: 'msg_1', timestampSec: nowSec });
  });

  it('accepts svix signatures on the svix-* twins', () => {
    const sig = new SvixWebhook(secret).sign('msg_svix', now, body);
    expect(verify({ 'svix-id': 'msg_svix', 'svix-timestamp': String(nowSec), 'svix-signature': sig }).deliveryId).toBe('msg_svix');
  });

  it('accepts any matching v1 among several (rotation) and any of several secrets', () => {
    const other = generateStandardWebhookSecret();
    const good = new StandardWebhook(secret).sign('msg_1', now, body);
    const stale = new StandardWebhook(other).sign('msg_1', now, body);
    expect(verify(standardHeaders('msg_1', now, `${stale} v2,xyz ${good}`)).secretId).toBe('s1');
    const two: SigningSecret[] = [{ id: 'old', scheme: 'standard-webhooks', secret: other }, ...secrets];
    expect(verify(standardHeaders(), { secrets: two }).secretId).toBe('s1');
  });

  it.each([
    ['tampered body', () => verify(standardHeaders(), { body: body.replace('Ada', 'Eve') }), 'no_match'],
    ['wrong secret', () => verify(standardHeaders(), { secrets: [{ id: 'x', scheme: 'standard-webhooks', secret: generateStandardWebhookSecret() }] }), 'no_match'],
    ['stale timestamp', () => verify(standardHeaders('m', new Date(now.getTime() - 301_000))), 'stale_timestamp'],
    ['future timestamp', () => verify(standardHeaders('m', new Date(now.getTime() + 301_000))), 'future_timestamp'],
    ['partial headers', () => verify({ 'webhook-id': 'm', 'webhook-signature': 'v1,abc' }), 'missing_header'],
    ['malformed timestamp', () => verify({ ...standardHeaders(), 'webhook-timestamp': '12.5' }), 'malformed_header'],
    ['no version,signature entries', () => verify({ ...standardHeaders(), 'webhook-signature': 'garbage' }), 'malformed_header'],
    ['no secret of the scheme', () => verify(standardHeaders(), { secrets: [{ id: 'g', scheme: 'github', secret: 'x' }] }), 'no_secret'],
  ])('refuses %s', (_name, fn, expected) => {
    expect(reason(fn)).toBe(expected);
  });

  it('verifies v1a ed25519 signatures with a whpk_ public key', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    const signed = Buffer.from(`msg_ed.${nowSec}.${body}`);
    const sig = `v1a,${signEd25519(null, signed, privateKey).toString('base64')}`;
    const pk: SigningSecret[] = [{ id: 'pk', scheme: 'standard-webhooks', secret: `whpk_${raw.toString('base64')}` }];
    const headers = { 'webhook-id': 'msg_ed', 'webhook-timestamp': String(nowSec), 'webhook-signature': sig };
    expect(verify(headers, { secrets: pk }).secretId).toBe('pk');
    expect(reason(() => verify(headers, { secrets: pk, body: `${body} ` }))).toBe('no_match');
    // An HMAC secret never verifies a v1a signature, and a public key never a v1.
    expect(reason(() => verify(headers))).toBe('no_match');
    expect(reason(() => verify(standardHeaders(), { secrets: pk }))).toBe('no_match');
  });

  it('signs as the reference library verifies (dispatch signatures)', () => {
    const signature = signStandardWebhook({ secret, id: 'exec_1', timestampSec: Math.floor(Date.now() / 1000), rawBody: body });
    const headers = { 'webhook-id': 'exec_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': signature };
    expect(new StandardWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('detects schemes from headers', () => {
    expect(detectScheme({ 'webhook-id': 'x' })).toBe('standard-webhooks');
    expect(detectScheme({ 'svix-signature': 'x' })).toBe('standard-webhooks');
    expect(detectScheme({ 'stripe-signature': 'x' })).toBe('stripe');
    expect(detectScheme({ 'x-hub-signature-256': 'x' })).toBe('github');
    expect(detectScheme({ 'x-hub-signature': 'x' })).toBe('github');
    expect(detectScheme({ 'content-type': 'application/json', 'x-api-key': 'ck_' })).toBeUndefined();
  });
});
