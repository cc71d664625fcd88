import { dispatchBackoff } from './dispatch-backoff';

describe('dispatchBackoff', () => {
  it('doubles per attempt with jitter between 50% and 100%', () => {
    expect(dispatchBackoff(1, 1000, undefined, () => 0)).toBe(500);
    expect(dispatchBackoff(1, 1000, undefined, () => 0.999999)).toBe(999);
    expect(dispatchBackoff(3, 1000, undefined, () => 0)).toBe(2000);
    expect(dispatchBackoff(4, 1000, undefined, () => 1)).toBe(8000);
  });
  it('follows a target Retry-After instead, bounded to an hour', () => {
    expect(dispatchBackoff(5, 1000, { retryAfterMs: 7000 })).toBe(7000);
    expect(dispatchBackoff(1, 1000, { retryAfterMs: 10 ** 9 })).toBe(3_600_000);
  });
  it('caps the exponential growth at an hour', () => {
    expect(dispatchBackoff(40, 1000, undefined, () => 1)).toBe(3_600_000);
  });
});
