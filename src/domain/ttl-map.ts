/**
 * A bounded map whose entries expire: what the per-container memories (recent grants, recently
 * verified tokens) are made of. Time is passed in, so it stays pure and testable; when full, the
 * oldest entry goes first.
 */
export class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly maxEntries: number) {}

  /** The value of `key` while `now` is before its expiry; an expired entry is dropped. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.until <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  /** Keeps `value` under `key` until `until` (same unit as `now` in {@link get}). */
  set(key: string, value: V, until: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until });
  }
}
