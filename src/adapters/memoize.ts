/**
 * Memoizes an async build per container: every caller shares one attempt, and an attempt that
 * failed is dropped, so the next caller tries again (a transient outage does not poison the container).
 */
export function memoizeUntilFailure<T>(build: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (pending === undefined) {
      const attempt = build();
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
