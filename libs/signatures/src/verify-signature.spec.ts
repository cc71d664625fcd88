import { SignatureError, type SigningSecret, verifySignature } from './index';

// Dispatch rules only; each scheme's own cases live in its verifier's spec.
describe('verifySignature', () => {
  const nowSec = 1_780_000_000;
  const run = (headers: Record<string, string>, secrets: SigningSecret[]) =>
    verifySignature({ rawBody: Buffer.from('{}'), headers, secrets, nowSec, toleranceSec: 300 });
  const reason = (fn: () => unknown) => {
    try {
      fn();
      return 'accepted';
    } catch (err) {
      if (err instanceof SignatureError) return err.reason;
      throw err;
    }
  };

  it('refuses a request without signature headers as missing_header', () => {
    expect(reason(() => run({ 'x-api-key': 'ck_x' }, [{ id: 'a', scheme: 'github', secret: 's' }]))).toBe('missing_header');
  });

  it('refuses with no_secret when only other schemes have secrets, before parsing headers', () => {
    const others: SigningSecret[] = [
      { id: 'a', scheme: 'github', secret: 's' },
      { id: 'b', scheme: 'stripe', secret: 'whsec_x' },
    ];
    expect(reason(() => run({ 'webhook-id': 'only-one-header' }, others))).toBe('no_secret');
    expect(reason(() => run({ 'x-hub-signature-256': 'sha256=00' }, []))).toBe('no_secret');
  });

  it('passes only the detected scheme\'s secrets to its verifier', () => {
    // The same string as a github secret must not verify a Standard Webhooks request.
    const secret = 'whsec_' + Buffer.alloc(32, 1).toString('base64');
    expect(reason(() => run({ 'webhook-id': 'm', 'webhook-timestamp': String(nowSec), 'webhook-signature': 'v1,AAAA' }, [{ id: 'g', scheme: 'github', secret }]))).toBe('no_secret');
  });

  it('is a SignatureError with a reason and a name', () => {
    const err = new SignatureError('no_match');
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ name: 'SignatureError', reason: 'no_match', message: 'no_match' });
    expect(new SignatureError('stale_timestamp', 'too old').message).toBe('too old');
  });
});
