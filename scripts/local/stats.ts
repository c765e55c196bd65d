/** Statistics for the load and bench scripts: percentiles, medians, their intervals, and a target read from one. */

/** The nearest-rank percentile `p` (0–100) of values sorted ascending; 0 for none. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** The median of values in any order: the middle one, or the mean of the two middle ones; 0 for none. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return 0;
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * A distribution-free interval for the median of independent readings: the k-th lowest to the k-th
 * highest, with k the largest that still holds the median with probability `confidence` or more (each
 * reading falls below the median with probability one half, so the count below is Binomial(n, ½)).
 * Too few readings for `confidence` give their whole range, and say how sure that is (five: 94%).
 * @returns the interval and the probability it holds the median.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): { low: number; high: number; coverage: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { low: 0, high: 0, coverage: 0 };
  // below[j]: P(at most j of n readings fall below the median). Each term in logarithms, so that
  // 0.5^n does not underflow to 0 for a thousand readings or more.
  const below: number[] = [];
  let logTerm = n * Math.log(0.5);
  let sum = 0;
  for (let j = 0; j <= n; j++) {
    sum += Math.exp(logTerm);
    below.push(sum);
    logTerm += Math.log(n - j) - Math.log(j + 1);
  }
  // [x(k), x(n−k+1)] (1-based) misses the median when k−1 or fewer readings fall on one side of it.
  const coverageOf = (k: number) => 1 - 2 * (below[k - 1] as number);
  let k = 1;
  while (k + 1 <= n - k && coverageOf(k + 1) >= confidence) k++;
  return { low: sorted[k - 1] as number, high: sorted[n - k] as number, coverage: coverageOf(k) };
}

/**
 * An interval to two decimals, rounded outward (low down, high up): it still holds the unrounded one,
 * so a verdict read from it is never kinder than the unrounded interval's (1.1049 reads 1.11, not 1.10).
 */
export function outward({ low, high }: { readonly low: number; readonly high: number }): [number, number] {
  // The 1e-9 keeps a value already at two decimals (1.1, stored as 1.1000000000000000888) where it is.
  return [Math.floor(low * 100 + 1e-9) / 100, Math.ceil(high * 100 - 1e-9) / 100];
}

/**
 * A target read from a median's interval: met when the whole interval is within it, missed when the
 * whole interval is beyond it, otherwise open (the readings cannot tell).
 */
export function verdictOf(
  { low, high }: { readonly low: number; readonly high: number },
  limit: number,
): 'met' | 'missed' | 'open' {
  if (high <= limit) return 'met';
  if (low > limit) return 'missed';
  return 'open';
}
