import { type JWTVerifyGetKey, errors as joseErrors, jwtVerify } from 'jose';
import { headerValue } from './header-value';
import { SignatureError } from './signature.error';
import type { HeaderBag } from './signature.types';

export const GOOGLE_ISSUERS = ['https://accounts.google.com', 'accounts.google.com'];

/** A `gcp-pubsub-oidc` secret: which push subscription identity may call this endpoint. */
export interface PubSubOidcSecret {
  id: string;
  audience: string;
  serviceAccountEmail: string;
}

export interface PubSubOidcInput {
  headers: HeaderBag;
  secrets: readonly PubSubOidcSecret[];
  /** Google's JWKS (jose's createRemoteJWKSet: cached, refetched on an unknown `kid`). */
  keys: JWTVerifyGetKey;
  nowSec: number;
  toleranceSec: number;
}

/** Whether the request carries a bearer token (the Pub/Sub push OIDC scheme). */
export function hasBearerToken(headers: HeaderBag): boolean {
  return /^bearer\s/i.test(headerValue(headers, 'authorization') ?? '');
}

/**
 * GCP Pub/Sub push: `Authorization: Bearer <Google-signed OIDC JWT>`. RS256 against Google's
 * keys, issuer Google, `aud` one of the configured audiences, `email` that audience's service
 * account with `email_verified`, not expired (clock skew within toleranceSec).
 */
export async function verifyPubSubOidc(input: PubSubOidcInput): Promise<{ secretId: string; email: string }> {
  const value = headerValue(input.headers, 'authorization') ?? '';
  const match = /^bearer\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\s*$/i.exec(value);
  if (!match?.[1]) throw new SignatureError('malformed_header', 'Authorization is not a Bearer JWT');
  if (input.secrets.length === 0) throw new SignatureError('no_secret', 'No gcp-pubsub-oidc secret configured');
  const token = match[1];
  let lastFailure: SignatureError = new SignatureError('no_match', 'Token matches no configured audience');
  for (const secret of input.secrets) {
    try {
      const { payload } = await jwtVerify(token, input.keys, {
        algorithms: ['RS256'],
        issuer: GOOGLE_ISSUERS,
        audience: secret.audience,
        clockTolerance: input.toleranceSec,
        currentDate: new Date(input.nowSec * 1000),
        requiredClaims: ['exp', 'iat', 'email'],
      });
      if (payload.email !== secret.serviceAccountEmail || payload.email_verified !== true) {
        lastFailure = new SignatureError('no_match', 'Token is not from the configured service account');
        continue;
      }
      return { secretId: secret.id, email: String(payload.email) };
    } catch (err) {
      lastFailure = toSignatureError(err);
      if (lastFailure.reason === 'malformed_header' || lastFailure.reason === 'stale_timestamp') throw lastFailure;
    }
  }
  throw lastFailure;
}

function toSignatureError(err: unknown): SignatureError {
  if (err instanceof joseErrors.JWTExpired) return new SignatureError('stale_timestamp', 'Token expired');
  if (err instanceof joseErrors.JWTClaimValidationFailed && err.claim === 'iat') {
    return new SignatureError('future_timestamp', 'Token issued in the future');
  }
  if (err instanceof joseErrors.JWTInvalid || err instanceof joseErrors.JWSInvalid) {
    return new SignatureError('malformed_header', 'Token is malformed');
  }
  return new SignatureError('no_match', 'Token does not verify');
}
