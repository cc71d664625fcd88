export type SignatureScheme = 'standard-webhooks' | 'stripe' | 'github';

/** Why a signed request was refused; goes to logs and metrics, never with the secret or body. */
export type SignatureFailureReason =
  | 'missing_header' // some but not all required headers of the scheme
  | 'malformed_header' // present but unparsable
  | 'stale_timestamp' // older than the tolerance
  | 'future_timestamp' // newer than the tolerance
  | 'no_match' // well-formed, no signature matched any secret
  | 'no_secret'; // no secret configured for the scheme

export interface SigningSecret {
  id: string;
  scheme: SignatureScheme;
  /**
   * Plaintext. standard-webhooks: `whsec_…` (HMAC, base64 key; prefix optional) or `whpk_…`
   * (base64 raw ed25519 public key); stripe: the whole `whsec_…` string; github: any string.
   */
  secret: string;
}

/** Node `IncomingMessage.headers` style: lower-case names. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface VerifyInput {
  /** The exact bytes received; never re-serialised. */
  rawBody: Buffer;
  headers: HeaderBag;
  /** Several per scheme allowed (rotation, several senders): each is tried. */
  secrets: readonly SigningSecret[];
  /** Injected clock, Unix seconds. */
  nowSec: number;
  /** Accepted clock difference either way, seconds. */
  toleranceSec: number;
}

export interface Verified {
  scheme: SignatureScheme;
  secretId: string;
  deliveryId?: string;
  timestampSec?: number;
}
