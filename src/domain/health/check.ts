/**
 * The vocabulary of the health checks: every check ends in pass, warn or fail, with a one-line
 * reason and, unless it passed, a one-line fix to try. A summary is healthy when nothing failed
 * (a warning is worth reading, not worth paging anyone).
 */

export type CheckStatus = 'pass' | 'warn' | 'fail';

/** What one check found. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  /** One line: what was found. */
  readonly reason: string;
  /** One line: what to try (absent when the check passed). */
  readonly fix?: string;
}

/** A finished check. */
export interface CheckResult extends CheckOutcome {
  readonly name: string;
  readonly durationMs: number;
}

/** One run of every check. */
export interface HealthSummary {
  /** Milliseconds since the epoch, when the run started. */
  readonly checkedAt: number;
  readonly healthy: boolean;
  readonly status: CheckStatus;
  readonly checks: readonly CheckResult[];
}

export const pass = (reason: string): CheckOutcome => ({ status: 'pass', reason });
export const warn = (reason: string, fix: string): CheckOutcome => ({ status: 'warn', reason, fix });
export const fail = (reason: string, fix: string): CheckOutcome => ({ status: 'fail', reason, fix });

const RANK: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

/** The worst of the statuses (`pass` for none). */
export function worstStatus(statuses: readonly CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus>((worst, s) => (RANK[s] > RANK[worst] ? s : worst), 'pass');
}

/** The outcome of several findings of one check: the worst one decides, and says why. */
export function combine(outcomes: readonly CheckOutcome[], allPassed: string): CheckOutcome {
  const status = worstStatus(outcomes.map((o) => o.status));
  if (status === 'pass') return pass(allPassed);
  const first = outcomes.find((o) => o.status === status) as CheckOutcome;
  const more = outcomes.filter((o) => o.status !== 'pass').length - 1;
  return { ...first, reason: more > 0 ? `${first.reason} (and ${more} more)` : first.reason };
}

/** The summary of a run; results keep the order of the plan. */
export function summarize(checks: readonly CheckResult[], checkedAt: number): HealthSummary {
  const status = worstStatus(checks.map((c) => c.status));
  return { checkedAt, healthy: status !== 'fail', status, checks };
}

/** How a stored summary reads now: `stale` once it is older than two schedule intervals. */
export type HealthState = 'healthy' | 'unhealthy' | 'stale' | 'unknown';

export function healthState(summary: HealthSummary | undefined, now: number, intervalMs: number): HealthState {
  if (summary === undefined) return 'unknown';
  if (now - summary.checkedAt > 2 * intervalMs) return 'stale';
  return summary.healthy ? 'healthy' : 'unhealthy';
}
