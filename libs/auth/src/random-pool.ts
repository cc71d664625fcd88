import { randomFillSync } from 'node:crypto';

const POOL_BYTES = 8192;
let pool = Buffer.alloc(0);
let offset = 0;

/**
 * Bytes from the CSPRNG, drawn from a pool refilled 8 KiB at a time: one getrandom call per few
 * hundred ids instead of one per id (ids are made on every trigger). Each byte is handed out
 * once; a refill allocates a new pool, so earlier slices are never overwritten. Callers use the
 * slice at once (encode it) and must not keep it.
 */
export function pooledRandomBytes(size: number): Buffer {
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_BYTES, size)));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
