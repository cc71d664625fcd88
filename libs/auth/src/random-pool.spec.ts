import { pooledRandomBytes } from './random-pool';

describe('pooledRandomBytes', () => {
  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 16 bytes × 2,000 draws crosses several 8 KiB refills.
    for (let i = 0; i < 2000; i++) seen.add(pooledRandomBytes(16).toString('hex'));
    expect(seen.size).toBe(2000);
  });

  it('keeps earlier slices intact when the pool is refilled', () => {
    const first = pooledRandomBytes(32);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1000; i++) pooledRandomBytes(64);
    expect(first.equals(copy)).toBe(true);
  });

  it('serves requests larger than the pool', () => {
    expect(pooledRandomBytes(20_000)).toHaveLength(20_000);
  });
});
