import { balancedOrders } from '../../../scripts/local/cpu-rounds';
import { medianInterval, outward, verdictOf } from '../../../scripts/local/stats';

describe("balancedOrders (the CPU series' rounds)", () => {
  it.each([2, 4, 6, 8])('for %i variants: every variant in every position once, every ordered pair once', (n) => {
    const rows = balancedOrders(n);
    expect(rows).toHaveLength(n);
    for (const row of rows) expect([...row].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    for (let position = 0; position < n; position++) {
      expect(new Set(rows.map((row) => row[position])).size).toBe(n);
    }
    const pairs = rows.flatMap((row) => row.slice(1).map((b, i) => `${row[i]}>${b}`));
    expect(pairs).toHaveLength(n * (n - 1));
    expect(new Set(pairs).size).toBe(n * (n - 1));
  });

  it('is the design the bench documents for its four variants', () => {
    expect(balancedOrders(4)).toEqual([
      [0, 1, 3, 2],
      [1, 2, 0, 3],
      [2, 3, 1, 0],
      [3, 0, 2, 1],
    ]);
  });

  it.each([0, 1, 3, 5, 2.5])('refuses %p variants', (n) => {
    expect(() => balancedOrders(n)).toThrow(/not an even count/);
  });
});

describe('medianInterval and verdictOf', () => {
  it('gives the whole range, and its coverage, for five readings or fewer', () => {
    expect(medianInterval([])).toEqual({ low: 0, high: 0, coverage: 0 });
    expect(medianInterval([3])).toEqual({ low: 3, high: 3, coverage: 0 });
    expect(medianInterval([2, 1])).toEqual({ low: 1, high: 2, coverage: 0.5 });
    expect(medianInterval([5, 1, 4, 2, 3])).toEqual({ low: 1, high: 5, coverage: 0.9375 });
  });

  it('narrows to the k-th lowest and highest once more readings allow 95% (21 cold runs: the 6th to the 16th)', () => {
    const values = Array.from({ length: 21 }, (_, i) => 21 - i);
    const { low, high, coverage } = medianInterval(values);
    expect([low, high]).toEqual([6, 16]);
    // 1 − 2 · P(Binomial(21, ½) ≤ 5)
    expect(coverage).toBeCloseTo(1 - (2 * (1 + 21 + 210 + 1330 + 5985 + 20349)) / 2 ** 21, 12);
    // One step narrower would fall below 95%.
    expect(1 - (2 * (1 + 21 + 210 + 1330 + 5985 + 20349 + 54264)) / 2 ** 21).toBeLessThan(0.95);
    expect(medianInterval(Array.from({ length: 9 }, (_, i) => i + 1))).toEqual({ low: 2, high: 8, coverage: 0.9609375 });
  });

  it('keeps its interval for thousands of readings (no underflow to a point)', () => {
    for (const n of [1075, 2000, 5000]) {
      const { low, high, coverage } = medianInterval(Array.from({ length: n }, (_, i) => i + 1));
      // About ±1.96 √n / 2 readings either side of the middle.
      const half = (n + 1) / 2;
      expect(low).toBeLessThan(half - 0.9 * Math.sqrt(n));
      expect(high).toBeGreaterThan(half + 0.9 * Math.sqrt(n));
      expect(coverage).toBeGreaterThanOrEqual(0.95);
      expect(coverage).toBeLessThan(0.96);
    }
  });

  it('rounds an interval outward, so that a verdict read from it is never kinder than the unrounded one', () => {
    expect(outward({ low: 1.1049, high: 1.1049 })).toEqual([1.1, 1.11]);
    expect(outward({ low: 1.1, high: 1.1 })).toEqual([1.1, 1.1]);
    expect(outward({ low: 1.18, high: 1.46 })).toEqual([1.18, 1.46]);
    expect(outward({ low: 1.05, high: 1.1049 })).toEqual([1.05, 1.11]);
    // The bench reads its verdicts from the unrounded interval: rounded, 1.1001 would read 1.10.
    expect(verdictOf({ low: 1.1001, high: 1.2 }, 1.1)).toBe('missed');
    expect(verdictOf({ low: 1.05, high: 1.1049 }, 1.1)).toBe('open');
  });

  it('calls a target met or missed only when the whole interval says so', () => {
    expect(verdictOf({ low: 1.05, high: 1.25 }, 1.3)).toBe('met');
    expect(verdictOf({ low: 1.05, high: 1.3 }, 1.3)).toBe('met');
    expect(verdictOf({ low: 1.31, high: 1.5 }, 1.3)).toBe('missed');
    expect(verdictOf({ low: 1.05, high: 1.47 }, 1.3)).toBe('open');
  });
});
