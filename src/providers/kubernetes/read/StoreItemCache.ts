import type { CacheData } from '../../../core/cache/CacheData.js';
import { APPLICATIONS, parseKey } from '../keys.js';

/** The logical types whose identifier lists are kept (few: one per application and cluster). */
export type LogicalType = 'applications' | 'clusters';

/**
 * Items read from the cache store, shared by the requests of store-backed reads and bounded:
 * at most `capacity` items, the least recently used dropped first. `null` records a key the store
 * did not have. The identifier lists of the logical types are kept too.
 *
 * Invalidation comes from the change feed: the keys a leader announced it wrote, a whole account
 * (a reload message), or everything (a feed gap). Every invalidation moves `epoch`; what a read
 * fetched is kept only if no invalidation happened while it ran (`put(..., epoch)` with the
 * epoch taken before the read), so a slow read never stores what a newer write replaced.
 */
export class StoreItemCache {
  private readonly items = new Map<string, CacheData | null>();
  private readonly logical = new Map<LogicalType, readonly string[]>();
  private epochValue = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`store read cache capacity must be a non-negative integer, got ${capacity}`);
  }

  /** Moves on every invalidation. */
  get epoch(): number {
    return this.epochValue;
  }

  get size(): number {
    return this.items.size;
  }

  /** The item (null: the store has none), or undefined when not kept; marks it recently used. */
  get(key: string): CacheData | null | undefined {
    const value = this.items.get(key);
    if (value !== undefined) {
      this.items.delete(key);
      this.items.set(key, value);
    }
    return value;
  }

  /** Keeps what a read that began at `epoch` found, unless something was invalidated since. */
  put(key: string, value: CacheData | null, epoch: number): void {
    if (epoch !== this.epochValue || this.capacity === 0) return;
    this.items.delete(key);
    this.items.set(key, value);
    for (const oldest of this.items.keys()) {
      if (this.items.size <= this.capacity) break;
      this.items.delete(oldest);
    }
  }

  logicalIds(type: LogicalType): readonly string[] | undefined {
    return this.logical.get(type);
  }

  putLogicalIds(type: LogicalType, ids: readonly string[], epoch: number): void {
    if (epoch === this.epochValue) this.logical.set(type, ids);
  }

  /** Keys a leader wrote (infrastructure and logical). Logical identifier lists are dropped too. */
  invalidate(keys: Iterable<string>): void {
    this.epochValue++;
    for (const key of keys) this.items.delete(key);
    this.logical.clear();
  }

  /** Everything of one account, and every application item (they span accounts). */
  invalidateAccount(account: string): void {
    this.epochValue++;
    for (const key of [...this.items.keys()]) {
      const p = parseKey(key);
      if (p === undefined || p.type === APPLICATIONS || ('account' in p && p.account === account)) this.items.delete(key);
    }
    this.logical.clear();
  }

  clear(): void {
    this.epochValue++;
    this.items.clear();
    this.logical.clear();
  }
}
