import { balancedOrders, verdictOf } from '../../../scripts/local/cpu-rounds';
import { medianInterval } from '../../../scripts/local/stats';

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

  it('calls a target met or missed only when the whole interval says so', () => {
    expect(verdictOf([1.05, 1.25], 1.3)).toBe('met');
    expect(verdictOf([1.05, 1.3], 1.3)).toBe('met');
    expect(verdictOf([1.31, 1.5], 1.3)).toBe('missed');
    expect(verdictOf([1.05, 1.47], 1.3)).toBe('open');
  });
});
