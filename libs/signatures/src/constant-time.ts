import { timingSafeEqual } from 'node:crypto';

/** Length check first: timingSafeEqual throws on different lengths. */
export function bytesEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
