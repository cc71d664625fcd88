import { type CryptoKey, SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { SignatureError, verifyPubSubOidc } from './index';

// Tokens made with jose as Google signs push tokens; keys served as a local JWKS.
describe('GCP Pub/Sub push OIDC', () => {
  const nowSec = 1_780_000_000;
  const secrets = [{ id: 'g1', audience: 'https://sluice.example/webhook/pi/w', serviceAccountEmail: 'push@proj.iam.gserviceaccount.com' }];
  let keys: ReturnType<typeof createLocalJWKSet>;
  let privateKey: CryptoKey;
  let otherKey: CryptoKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    otherKey = (await generateKeyPair('RS256')).privateKey;
    keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
  });

  const token = (claims: Record<string, unknown> = {}, opts: { key?: CryptoKey; iat?: number; exp?: number; iss?: string; aud?: string } = {}) =>
    new SignJWT({ email: secrets[0]!.serviceAccountEmail, email_verified: true, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(opts.iss ?? 'https://accounts.google.com')
      .setAudience(opts.aud ?? secrets[0]!.audience)
      .setIssuedAt(opts.iat ?? nowSec - 10)
      .setExpirationTime(opts.exp ?? nowSec + 3600)
      .sign(opts.key ?? privateKey);

  const verify = async (jwt: string) =>
    verifyPubSubOidc({ headers: { authorization: `Bearer ${jwt}` }, secrets, keys, nowSec, toleranceSec: 300 });

  const reason = async (jwt: string | Promise<string>) => {
    try {
      await verify(await jwt);
      return 'accepted';
    } catch (err) {
      if (err instanceof SignatureError) return err.reason;
      throw err;
    }
  };

  it('accepts a Google-shaped token for the configured audience and account', async () => {
    await expect(verify(await token())).resolves.toEqual({ secretId: 'g1', email: secrets[0]!.serviceAccountEmail });
  });

  it.each([
    ['another audience', () => token({}, { aud: 'https://elsewhere' }), 'no_match'],
    ['another service account', () => token({ email: 'evil@proj.iam.gserviceaccount.com' }), 'no_match'],
    ['an unverified email', () => token({ email_verified: false }), 'no_match'],
    ['another issuer', () => token({}, { iss: 'https://evil.example' }), 'no_match'],
    ['another signing key', () => token({}, { key: otherKey }), 'no_match'],
    ['an expired token', () => token({}, { iat: nowSec - 7200, exp: nowSec - 3600 }), 'stale_timestamp'],
    ['garbage', async () => 'not.a.jwt', 'malformed_header'],
  ])('refuses %s', async (_name, make, expected) => {
    expect(await reason(make())).toBe(expected);
  });

  it('refuses a bearer header that is no JWT, and a missing secret', async () => {
    await expect(verifyPubSubOidc({ headers: { authorization: 'Bearer ck_x' }, secrets, keys, nowSec, toleranceSec: 300 })).rejects.toMatchObject({ reason: 'malformed_header' });
    await expect(verifyPubSubOidc({ headers: { authorization: `Bearer ${await token()}` }, secrets: [], keys, nowSec, toleranceSec: 300 })).rejects.toMatchObject({ reason: 'no_secret' });
  });
});
