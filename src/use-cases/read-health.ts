/**
 * GET /health's use case: the caller's network source is checked exactly as for GET /studio-url,
 * then the latest stored summary is read and judged (healthy, unhealthy, stale after two schedule
 * intervals, unknown when nothing was stored or it does not read as a summary).
 */

import { InvalidParameterError } from '../domain/errors';
import { type CheckStatus, type HealthState, healthState } from '../domain/health/check';
import { assertSourceAllowed, type RequestSource, type SourcePolicy } from '../domain/network-source';
import type { HealthStore } from './health-ports';
import type { Clock } from './ports';

/** What an operator sees: per check its name and status, and the summary's age. No reasons or addresses. */
export interface HealthView {
  readonly state: HealthState;
  readonly checkedAt?: number;
  readonly ageSeconds?: number;
  readonly checks: readonly { readonly name: string; readonly status: CheckStatus }[];
}

export interface ReadHealthDeps {
  readonly source: SourcePolicy;
  readonly store: HealthStore;
  readonly intervalMinutes: number;
  readonly clock: Clock;
}

/**
 * @param request where the call came from, and the names of any query parameters (it takes none)
 * @throws ForbiddenError for a source outside the policy, then InvalidParameterError for any
 *   parameter (so an outsider learns nothing); a store failure propagates (a 5xx).
 */
export async function readHealth(
  request: { readonly source: RequestSource; readonly parameterNames: readonly string[] },
  deps: ReadHealthDeps,
): Promise<HealthView> {
  assertSourceAllowed(request.source, deps.source);
  const unknown = request.parameterNames[0];
  if (unknown !== undefined) throw new InvalidParameterError(unknown, 'parameter-unknown');
  const summary = await deps.store.latest();
  const now = deps.clock();
  const state = healthState(summary, now, deps.intervalMinutes * 60_000);
  if (summary === undefined) return { state, checks: [] };
  return {
    state,
    checkedAt: summary.checkedAt,
    ageSeconds: Math.max(0, Math.round((now - summary.checkedAt) / 1000)),
    checks: withoutDomainIds(summary.checks.map(({ name, status }) => ({ name, status }))),
  };
}

/** A check about one of several domains: `domain.<id>`, `canary.<id>`, `assume-role.<id>`. */
const DOMAIN_CHECK = /^([a-z-]+)\.(d-[a-z0-9-]+)$/;

/**
 * The checks with each domain's id replaced by its place in the run (`domain.1`, `assume-role.2`):
 * GET /health answers anyone on an allowed network, unauthenticated, and must not list the domains
 * (which ones exist is for entitled callers to learn). The run's own log and the doctor keep the ids.
 */
function withoutDomainIds<T extends { readonly name: string }>(checks: readonly T[]): T[] {
  const places = new Map<string, number>();
  return checks.map((check) => {
    const match = DOMAIN_CHECK.exec(check.name);
    if (match === null) return check;
    const id = match[2] as string;
    if (!places.has(id)) places.set(id, places.size + 1);
    return { ...check, name: `${match[1]}.${places.get(id)}` };
  });
}
