import { sign as githubSign } from '@octokit/webhooks-methods';
import { SignatureError, type SigningSecret, verifyGithub, verifySignature } from './index';

// Signatures come from @octokit/webhooks-methods, GitHub's own signer.
const nowSec = 1_780_000_000;
const secret = "It's a Secret to Everybody";
const secrets: SigningSecret[] = [{ id: 'gh', scheme: 'github', secret }];
const payload = JSON.stringify({ action: 'opened', number: 1, title: 'héllo ✓' });
const verify = (headers: Record<string, string>, body = payload, s = secrets) =>
  verifySignature({ rawBody: Buffer.from(body), headers, secrets: s, nowSec, toleranceSec: 300 });

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignatureError) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('GitHub, signed by @octokit/webhooks-methods', () => {
  let sig: string;
  beforeAll(async () => {
    sig = await githubSign(secret, payload);
  });

  it('accepts and takes X-GitHub-Delivery as the delivery id; no timestamp', () => {
    expect(verify({ 'x-hub-signature-256': sig, 'x-github-delivery': 'd-1', 'x-github-event': 'pull_request' })).toEqual({
      scheme: 'github',
      secretId: 'gh',
      deliveryId: 'd-1',
    });
  });

  it('has no delivery id without X-GitHub-Delivery, and ignores the legacy sha1 header beside sha256', () => {
    const result = verify({ 'x-hub-signature-256': sig, 'x-hub-signature': 'sha1=00' });
    expect(result.secretId).toBe('gh');
    expect(result.deliveryId).toBeUndefined();
  });

  it('tries every github secret (rotation)', async () => {
    const rotated: SigningSecret[] = [{ id: 'old', scheme: 'github', secret: 'old-secret' }, ...secrets];
    expect(verify({ 'x-hub-signature-256': sig }, payload, rotated).secretId).toBe('gh');
    expect(verify({ 'x-hub-signature-256': await githubSign('old-secret', payload) }, payload, rotated).secretId).toBe('old');
  });

  it.each<[string, () => Record<string, string>, string?, SigningSecret[]?, string?]>([
    ['a tampered body', () => ({ 'x-hub-signature-256': sig }), `${payload} `, undefined, 'no_match'],
    ['a wrong secret', () => ({ 'x-hub-signature-256': sig }), undefined, [{ id: 'x', scheme: 'github', secret: 'nope' }], 'no_match'],
    ['a missing sha256= prefix', () => ({ 'x-hub-signature-256': sig.replace('sha256=', '') }), undefined, undefined, 'malformed_header'],
    ['a truncated digest', () => ({ 'x-hub-signature-256': sig.slice(0, -2) }), undefined, undefined, 'malformed_header'],
    ['a sha1= value in the sha256 header', () => ({ 'x-hub-signature-256': 'sha1=' + 'a'.repeat(40) }), undefined, undefined, 'malformed_header'],
    ['a sha1-only request', () => ({ 'x-hub-signature': 'sha1=' + 'a'.repeat(40) }), undefined, undefined, 'malformed_header'],
    ['no github secret', () => ({ 'x-hub-signature-256': sig }), undefined, [{ id: 's', scheme: 'stripe', secret }], 'no_secret'],
  ])('refuses %s', (_name, headers, body, s, expected) => {
    expect(reason(() => verify(headers(), body, s))).toBe(expected);
  });

  it('verifyGithub alone: no header is missing_header', () => {
    expect(reason(() => verifyGithub({ rawBody: Buffer.from(payload), headers: {}, secrets, nowSec, toleranceSec: 300 }))).toBe('missing_header');
  });

  it('never names the secret or the signature in the error message', () => {
    try {
      verify({ 'x-hub-signature-256': sig }, 'tampered');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(SignatureError);
      expect((err as Error).message).not.toContain(secret);
      expect((err as Error).message).not.toContain(sig.slice(7));
    }
  });
});
