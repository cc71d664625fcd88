import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignatureError, type SignatureScheme, verifySignature } from './index';

interface Vector {
  id: string;
  scheme: string;
  secret: string;
  headers: Record<string, string>;
  body: string;
  now_unix_seconds: number;
  tolerance_seconds: number;
  expect: 'valid' | 'invalid';
  error_code?: string;
}

// shared/ sits beside the repo, in development and in CI alike.
const file = resolve(__dirname, '../../../../shared/vectors/signatures.official.json');
const SCHEMES: Record<string, SignatureScheme> = {
  'standard-webhooks': 'standard-webhooks',
  svix: 'standard-webhooks',
  stripe: 'stripe',
  github: 'github',
};
const REASONS: Record<string, string> = {
  signature_mismatch: 'no_match',
  missing_header: 'missing_header',
  malformed_header: 'malformed_header',
  stale_timestamp: 'stale_timestamp',
  future_timestamp: 'future_timestamp',
};

const vectors = (JSON.parse(readFileSync(file, 'utf8')) as Vector[]).filter((v) => v.scheme in SCHEMES);

describe('published signature vectors (../shared/vectors)', () => {
  it('are present and cover every in-scope scheme', () => {
    expect(existsSync(file)).toBe(true);
    expect(new Set(vectors.map((v) => v.scheme))).toEqual(new Set(['standard-webhooks', 'svix', 'stripe', 'github']));
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s', (_id, v) => {
    const run = () =>
      verifySignature({
        rawBody: Buffer.from(v.body, 'utf8'),
        headers: v.headers,
        secrets: [{ id: 'sec_1', scheme: SCHEMES[v.scheme]!, secret: v.secret }],
        nowSec: v.now_unix_seconds,
        toleranceSec: v.tolerance_seconds,
      });
    if (v.expect === 'valid') {
      expect(run()).toMatchObject({ scheme: SCHEMES[v.scheme], secretId: 'sec_1' });
    } else {
      expect(run).toThrow(SignatureError);
      try {
        run();
      } catch (err) {
        expect((err as SignatureError).reason).toBe(REASONS[v.error_code ?? 'signature_mismatch']);
      }
    }
  });
});
