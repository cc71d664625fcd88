import { SignatureError } from './signature.error';

const INTEGER_SECONDS = /^\d{1,12}$/;

/**
 * Parses an integer-seconds timestamp and rejects one outside ±toleranceSec of nowSec, too old
 * and too new alike (a clock far ahead would otherwise extend a signature's replay window).
 */
export function checkTimestamp(raw: string, nowSec: number, toleranceSec: number): number {
  if (!INTEGER_SECONDS.test(raw)) throw new SignatureError('malformed_header', 'Timestamp is not an integer number of seconds');
  const timestampSec = Number(raw);
  if (nowSec - timestampSec > toleranceSec) throw new SignatureError('stale_timestamp', 'Timestamp is older than the tolerance');
  if (timestampSec - nowSec > toleranceSec) throw new SignatureError('future_timestamp', 'Timestamp is newer than the tolerance');
  return timestampSec;
}
