import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignatureError, type SignatureFailureReason, type SignatureScheme, verifySignature } from './index';

interface Vector {
  id: string;
  scheme: string;
  secret: string;
  headers: Record<string, string>;
  body: string;
  now_unix_seconds: number;
  tolerance_seconds?: number; // absent for schemes without a timestamp (github)
  expect: 'valid' | 'invalid';
  error_code?: string;
}

// shared/ sits beside the repo root (libs/signatures/src → ../../../../shared), locally and in CI.
const file = resolve(__dirname, '../../../../shared/vectors/signatures.official.json');
const SCHEMES: Record<string, SignatureScheme> = {
  'standard-webhooks': 'standard-webhooks',
  svix: 'standard-webhooks',
  stripe: 'stripe',
  github: 'github',
};
/** The vectors' error codes in our reasons. */
const REASONS: Record<string, SignatureFailureReason> = {
  signature_mismatch: 'no_match',
  missing_header: 'missing_header',
  malformed_header: 'malformed_header',
  stale_timestamp: 'stale_timestamp',
  future_timestamp: 'future_timestamp',
};
const DELIVERY_HEADERS = ['webhook-id', 'svix-id', 'x-github-delivery'];

const vectors = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Vector[]).filter((v) => v.scheme in SCHEMES) : [];

describe('published signature vectors (../shared/vectors)', () => {
  it('are present and cover every in-scope scheme', () => {
    expect(existsSync(file)).toBe(true);
    expect(new Set(vectors.map((v) => v.scheme))).toEqual(new Set(Object.keys(SCHEMES)));
  });

  it.each(vectors.map((v) => [v.id, v.expect, v] as const))('%s is %s', (_id, _expect, v) => {
    const scheme = SCHEMES[v.scheme]!;
    const run = () =>
      verifySignature({
        rawBody: Buffer.from(v.body, 'utf8'),
        headers: v.headers,
        secrets: [{ id: 'sec_1', scheme, secret: v.secret }],
        nowSec: v.now_unix_seconds,
        toleranceSec: v.tolerance_seconds ?? 300,
      });
    if (v.expect === 'valid') {
      const deliveryHeader = DELIVERY_HEADERS.find((name) => v.headers[name] !== undefined);
      expect(run()).toMatchObject({ scheme, secretId: 'sec_1', ...(deliveryHeader ? { deliveryId: v.headers[deliveryHeader] } : {}) });
      return;
    }
    const expected = REASONS[v.error_code ?? ''];
    expect(expected).toBeDefined(); // a new error code in the vectors needs a mapping here
    let thrown: unknown;
    try {
      run();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(SignatureError);
    expect((thrown as SignatureError).reason).toBe(expected);
  });
});
