/**
 * One thing per Lambda container, built on first use (normally at init) from process.env. A broken
 * configuration is logged once, in full, and then every use throws the same error: the function
 * fails closed (a 500 for HTTP functions, a failed run for the scheduled one) instead of half-working.
 */
import { ConfigurationError, plainErrorName } from './domain/errors';
import type { AuditLog } from './use-cases/ports';

export interface Container<T> {
  /** Builds now (at Lambda init); a broken configuration is logged, not thrown. */
  init(): void;
  /** @throws the same ConfigurationError on every call when the configuration is invalid. */
  get(): T;
}

export function container<T>(build: () => T, log: AuditLog, what: string): Container<T> {
  let built: { value: T } | { error: unknown } | undefined;
  const get = (): T => {
    if (built === undefined) {
      try {
        built = { value: build() };
      } catch (error) {
        built = { error };
        const problems = error instanceof ConfigurationError ? error.problems : [plainErrorName(error)];
        log.problem(`${what} configuration is invalid; every request will fail`, { problems });
      }
    }
    if ('error' in built) throw built.error;
    return built.value;
  };
  return {
    init() {
      try {
        get();
      } catch {
        // Logged once above; each use then fails.
      }
    },
    get,
  };
}
