/**
 * Shares equal strings: `intern` hands out one copy of each value it has seen, so the copies a
 * parser made die young instead of living as long as the objects that hold them.
 *
 * Why: `JSON.parse` keeps strings of up to 10 characters unique (V8 internalizes them) and makes a
 * new copy of every longer one. A cached Kubernetes object repeats many: each pod's condition
 * types (`ContainersReady`, `PodScheduled`), their transition timestamps, the image, its owner's
 * name, the reasons of a Deployment's conditions. Measured on the simulator's 50k-object account:
 * ~10 such copies per object, ~200 characters (docs/benchmarks.md §20).
 *
 * Bounded: after `maxEntries` distinct values the table starts again empty (values already shared
 * stay shared; the ones seen from then on are shared with each other). Strings shorter than
 * `minLength` (already unique) or longer than `maxLength` (annotations, certificates: rarely
 * repeated, costly to hash) are returned as they are.
 */
export class StringInterner {
  private table = new Map<string, string>();

  constructor(
    private readonly maxEntries = 16_384,
    private readonly minLength = 11,
    private readonly maxLength = 256,
  ) {}

  intern(s: string): string {
    if (s.length < this.minLength || s.length > this.maxLength) return s;
    const shared = this.table.get(s);
    if (shared !== undefined) return shared;
    if (this.table.size >= this.maxEntries) this.table = new Map();
    this.table.set(s, s);
    return s;
  }

  /**
   * Replaces, in place, every string value inside a freshly parsed JSON value (property values
   * and array elements, at any depth) by its shared copy. Property names are left alone: V8
   * keeps one copy of each already. The value must be the caller's own (not frozen, not shared).
   */
  internValues(value: object): void {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        // Always stored: equal strings compare equal (===), so a shared copy cannot be told apart.
        if (typeof v === 'string') value[i] = this.intern(v);
        else if (typeof v === 'object' && v !== null) this.internValues(v);
      }
      return;
    }
    const record = value as Record<string, unknown>;
    for (const k in record) {
      const v = record[k];
      if (typeof v === 'string') record[k] = this.intern(v);
      else if (typeof v === 'object' && v !== null) this.internValues(v);
    }
  }

  /** Distinct values in the table now (for tests and metrics). */
  get size(): number {
    return this.table.size;
  }
}
