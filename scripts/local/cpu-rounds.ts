/** The order the variants of the bench's CPU series (scripts/bench.ts) run in, round by round. */

/**
 * Williams' design for an even number of variants: `n` rows (rounds), each an order of 0…n-1, such
 * that every variant takes every position once and every ordered pair of variants (a, then b) occurs
 * once, back to back, within the rows. What one block leaves to the next (garbage, a cold cache)
 * then falls on every variant alike.
 * @throws for an odd or non-positive `n` (an odd count needs twice the rows).
 */
export function balancedOrders(n: number): number[][] {
  if (!Number.isInteger(n) || n < 2 || n % 2 !== 0) throw new Error(`balancedOrders: ${n} is not an even count of two or more`);
  // First row 0, 1, n-1, 2, n-2, …; row r adds r to each (mod n).
  const first = [0];
  for (let low = 1, high = n - 1; first.length < n; low++, high--) {
    first.push(low);
    if (first.length < n) first.push(high);
  }
  return Array.from({ length: n }, (_, r) => first.map((v) => (v + r) % n));
}
