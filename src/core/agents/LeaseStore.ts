/**
 * Named, expiring, owner-tokened leases: the per-agent lock of the scheduler, which doubles as
 * the schedule (a finished run keeps its lease until the next run is due).
 *
 * Invariants (checked by `describeLeaseStoreContract`):
 * - `tryAcquire` succeeds only when the key is free or its lease has expired; exactly one of
 *   concurrent callers wins.
 * - `extend` and `release` act only when `owner` holds the key (owner-checked), returning false
 *   otherwise; `extend` sets the remaining time to `ttlMs` from now.
 * - An expired lease reads as free (`holder` undefined).
 */
export interface LeaseStore {
  tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean>;
  extend(key: string, owner: string, ttlMs: number): Promise<boolean>;
  release(key: string, owner: string): Promise<boolean>;
  holder(key: string): Promise<string | undefined>;
  close(): Promise<void>;
}
