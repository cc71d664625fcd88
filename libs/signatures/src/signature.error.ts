export type SignatureScheme = 'standard-webhooks' | 'stripe' | 'github';

/** Why a signed request was refused; goes to logs and metrics, never with the secret or body. */
export type SignatureFailureReason =
  | 'missing_header'
  | 'malformed_header'
  | 'stale_timestamp'
  | 'future_timestamp'
  | 'no_match'
  | 'no_secret';

export class SignatureError extends Error {
  constructor(
    readonly reason: SignatureFailureReason,
    message: string = reason,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

export interface SigningSecret {
  id: string;
  scheme: SignatureScheme;
  /** Plaintext: `whsec_…` (HMAC) or `whpk_…` (ed25519 public key) for standard-webhooks; the whole `whsec_…` string for stripe; any string for github. */
  secret: string;
}

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface VerifyInput {
  rawBody: Buffer;
  headers: HeaderBag;
  secrets: readonly SigningSecret[];
  nowSec: number;
  toleranceSec: number;
}

export interface Verified {
  scheme: SignatureScheme;
  secretId: string;
  deliveryId?: string;
  timestampSec?: number;
}

/** A header's single value (first of a repeated header), or undefined. */
export function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Integer seconds within ±tolerance of now, else the matching failure. */
export function checkTimestamp(raw: string, nowSec: number, toleranceSec: number): number {
  if (!/^\d{1,12}$/.test(raw)) throw new SignatureError('malformed_header', 'Timestamp is not an integer');
  const ts = Number(raw);
  if (nowSec - ts > toleranceSec) throw new SignatureError('stale_timestamp', 'Timestamp too old');
  if (ts - nowSec > toleranceSec) throw new SignatureError('future_timestamp', 'Timestamp in the future');
  return ts;
}
