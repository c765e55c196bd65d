/**
 * A short per-container memory of grants: "profile P was InService and owned by X", learnt from
 * SageMaker a moment ago. A repeat caller within the TTL costs one SageMaker call (the presign)
 * instead of three. Only grants are kept: a refusal is never cached, so it is re-checked every time
 * and can never turn into a grant. What the TTL delays: a profile whose owner tag is changed, or
 * that leaves InService, is still opened for its previous owner for up to the TTL (a deleted profile
 * is not: CreatePresignedDomainUrl then fails).
 */
import { TtlMap } from '../domain/ttl-map';
import type { Clock } from './ports';

/** Grants remembered per container, by profile: `<domain id>/<profile name>`. */
export interface ProfileGrantCache {
  /** True when `profile` was recently seen InService and owned by `owner`. */
  has(profile: string, owner: string): boolean;
  /** Remembers a grant just checked against SageMaker. */
  remember(profile: string, owner: string): void;
}

/** Remembers nothing (TTL 0). */
export const NO_GRANT_CACHE: ProfileGrantCache = Object.freeze({
  has: () => false,
  remember: () => undefined,
});

/** Grants kept for a fixed TTL in a bounded {@link TtlMap}, by profile. */
export class TtlGrantCache implements ProfileGrantCache {
  private readonly owners: TtlMap<string>;

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    maxEntries = 10_000,
  ) {
    this.owners = new TtlMap(maxEntries);
  }

  has(profile: string, owner: string): boolean {
    return this.owners.get(profile, this.clock()) === owner;
  }

  remember(profile: string, owner: string): void {
    this.owners.set(profile, owner, this.clock() + this.ttlMs);
  }
}
