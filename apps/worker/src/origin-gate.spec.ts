import { OriginGate, originLimitFor } from './origin-gate';

describe('OriginGate', () => {
  it('admits up to the limit per origin, independently of other origins', () => {
    const gate = new OriginGate(2);
    expect(gate.tryEnter('http://slow')).toBe(true);
    expect(gate.tryEnter('http://slow')).toBe(true);
    expect(gate.tryEnter('http://slow')).toBe(false);
    expect(gate.tryEnter('http://fast')).toBe(true);
    gate.leave('http://slow');
    expect(gate.tryEnter('http://slow')).toBe(true);
  });
  it('gives an origin half the worker, at least one slot', () => {
    expect(originLimitFor(50)).toBe(25);
    expect(originLimitFor(1)).toBe(1);
    expect(originLimitFor(3)).toBe(1);
  });
});
