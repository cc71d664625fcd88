import { OriginGate, originLimitFor } from './origin-gate';

describe('OriginGate', () => {
  it('admits up to the limit per origin, independently of other origins', async () => {
    const gate = new OriginGate(2, 0);
    expect(await gate.enter('http://slow')).toBe(true);
    expect(await gate.enter('http://slow')).toBe(true);
    expect(await gate.enter('http://slow')).toBe(false);
    expect(await gate.enter('http://fast')).toBe(true);
    gate.leave('http://slow');
    expect(await gate.enter('http://slow')).toBe(true);
  });
  it('hands a freed place to the longest-waiting run, first come first served', async () => {
    const gate = new OriginGate(1, 200);
    expect(await gate.enter('http://t')).toBe(true);
    const admitted: string[] = [];
    const first = gate.enter('http://t').then((ok) => ok && admitted.push('first'));
    const second = gate.enter('http://t').then((ok) => ok && admitted.push('second'));
    gate.leave('http://t');
    await first;
    expect(admitted).toEqual(['first']);
    gate.leave('http://t');
    await second;
    expect(admitted).toEqual(['first', 'second']);
    // The place was passed along, never doubled: 'second' holds it, so the origin is still full.
    expect(await gate.enter('http://t')).toBe(false);
  });
  it('gives up after maxWaitMs when the origin stays full, and the place count stays right', async () => {
    const gate = new OriginGate(1, 20);
    expect(await gate.enter('http://slow')).toBe(true);
    const started = Date.now();
    expect(await gate.enter('http://slow')).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(15);
    gate.leave('http://slow');
    expect(await gate.enter('http://slow')).toBe(true);
    expect(await gate.enter('http://slow')).toBe(false);
  });
  it('gives an origin half the worker, at least one slot', () => {
    expect(originLimitFor(50)).toBe(25);
    expect(originLimitFor(1)).toBe(1);
    expect(originLimitFor(3)).toBe(1);
  });
});
