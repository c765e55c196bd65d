/**
 * Allow-lists that fail closed: an empty list allows nothing, and allowing anything takes the
 * explicit value `*` (docs/architecture.md, trust rule 3). Parsing the text form lives in src/config.ts.
 */

/** Either every value (`*`, written out by the operator) or only the listed ones. */
export type AllowList<T = string> = { readonly kind: 'any' } | { readonly kind: 'only'; readonly values: readonly T[] };

/** The allow-list that allows anything; only ever built from an explicit `*`. */
export const ALLOW_ANY: AllowList<never> = Object.freeze({ kind: 'any' });

/** An allow-list of exactly these values (none: allows nothing). */
export function allowOnly<T>(values: readonly T[]): AllowList<T> {
  return Object.freeze({ kind: 'only', values: Object.freeze([...values]) });
}

/** True when `value` is allowed by a list of plain strings (exact, case-sensitive match). */
export function allowsValue(list: AllowList<string>, value: string): boolean {
  return list.kind === 'any' || list.values.includes(value);
}
