import { balancedOrders, rangeCoverage, verdictOf } from '../../../scripts/local/cpu-rounds';

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

describe('rangeCoverage and verdictOf', () => {
  it('gives the distribution-free coverage of a range of readings for their median', () => {
    expect(rangeCoverage(1)).toBe(0);
    expect(rangeCoverage(2)).toBe(0.5);
    expect(rangeCoverage(5)).toBe(0.9375);
    expect(rangeCoverage(0)).toBe(0);
  });

  it('calls a target met or missed only when the whole interval says so', () => {
    expect(verdictOf([1.05, 1.25], 1.3)).toBe('met');
    expect(verdictOf([1.05, 1.3], 1.3)).toBe('met');
    expect(verdictOf([1.31, 1.5], 1.3)).toBe('missed');
    expect(verdictOf([1.05, 1.47], 1.3)).toBe('open');
  });
});
