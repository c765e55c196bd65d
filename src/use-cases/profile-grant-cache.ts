/**
 * A short per-container memory of grants: "profile P was InService and owned by X", learnt from
 * SageMaker a moment ago. A repeat caller within the TTL costs one SageMaker call (the presign)
 * instead of three. Only grants are kept: a refusal is never cached, so it is re-checked every time
 * and can never turn into a grant. What the TTL delays: a profile whose owner tag is changed, or
 * that leaves InService, is still opened for its previous owner for up to the TTL (a deleted profile
 * is not: CreatePresignedDomainUrl then fails).
 */
import type { Clock } from './ports';

/** Grants remembered per container. */
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

/** A bounded TTL map; the oldest entries go first when it is full. */
export class TtlGrantCache implements ProfileGrantCache {
  private readonly entries = new Map<string, { owner: string; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    private readonly maxEntries = 10_000,
  ) {}

  has(profile: string, owner: string): boolean {
    const entry = this.entries.get(profile);
    if (entry === undefined) return false;
    if (entry.until <= this.clock()) {
      this.entries.delete(profile);
      return false;
    }
    return entry.owner === owner;
  }

  remember(profile: string, owner: string): void {
    this.entries.delete(profile);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(profile, { owner, until: this.clock() + this.ttlMs });
  }
}
