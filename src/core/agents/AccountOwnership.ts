import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import type { LeaseStore } from './LeaseStore.js';
import { shardOf, type ReplicaRegistry } from './ReplicaRegistry.js';

export type ReleaseReason = 'lost' | 'handoff' | 'removed' | 'stopping';

export interface AccountOwnershipOptions {
  readonly leases: LeaseStore;
  readonly replicas: ReplicaRegistry;
  /** This instance's id (the lease owner and replica id). */
  readonly replicaId: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Lease key prefix: the lease of account `a` is `{prefix}:{a}`. */
  readonly keyPrefix: string;
  /** An owner renews every third of this; another instance takes over this long after it stops. */
  readonly leaseTtlMs: number;
  /** False on instances that never cache (`caching.write-enabled: false`): they own nothing. */
  readonly caching: boolean;
  /** This instance now owns `account` (start watching it). */
  onAcquired(account: string): void;
  /**
   * This instance no longer owns `account`. For `handoff`, `removed` and `stopping` the lease is
   * released after the returned promise settles (write what is pending first); for `lost` it has
   * already passed to another instance or expired: write nothing more.
   */
  onReleased(account: string, reason: ReleaseReason): Promise<void>;
}

interface Owned {
  /** Local deadline of the lease: past it, the instance must assume the lease is gone. */
  deadlineMs: number;
}

/**
 * Which instance of a cluster keeps each account's live cache (one watcher per account): the
 * replicas heartbeat into the `ReplicaRegistry`; an account is assigned, as Clouddriver's cache
 * sharding assigns it (`CachingPodsObserver`), to the replica at `abs(javaHashCode(account)) %
 * count` among the live ones, sorted; the assignee holds the lease `{prefix}:{account}` and
 * renews it every tick, so that at most one instance writes an account even while membership
 * changes. An instance that is no longer the assignee hands the account off (writes what it has,
 * then releases); one whose lease lapsed (a pause past the time to live) stops at once. With a
 * single instance (in-memory leases) every account is its own.
 *
 * Time comes from `tick()`: `start()` runs it every third of the lease time to live; tests call
 * it directly under a manual clock.
 */
export class AccountOwnership {
  private readonly accounts = new Set<string>();
  private readonly owned = new Map<string, Owned>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: AccountOwnershipOptions) {}

  /** Accounts this instance owns now. */
  ownedAccounts(): string[] {
    return [...this.owned.keys()];
  }

  /** Whether this instance owns `account` and its lease has not passed its local deadline. */
  owns(account: string): boolean {
    const o = this.owned.get(account);
    return o !== undefined && this.opts.clock.now() < o.deadlineMs;
  }

  /** The instance that holds `account`'s lease, if any. */
  holder(account: string): Promise<string | undefined> {
    return this.opts.leases.holder(this.key(account));
  }

  add(account: string): void {
    this.accounts.add(account);
    this.kick();
  }

  async remove(account: string): Promise<void> {
    this.accounts.delete(account);
    if (this.owned.has(account)) await this.giveUp(account, 'removed');
  }

  start(): void {
    this.stopped = false;
    this.kick();
    this.timer = setInterval(() => this.kick(), Math.max(100, Math.floor(this.opts.leaseTtlMs / 3)));
    this.timer.unref();
  }

  /** Stops ticking, hands every owned account off and leaves the replica set. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.ticking;
    for (const account of [...this.owned.keys()]) await this.giveUp(account, 'stopping');
    if (this.opts.caching) await this.opts.replicas.remove(this.opts.replicaId).catch(() => undefined);
  }

  /** One round: heartbeat, renew what is still assigned here, hand off the rest, take up new assignments. */
  tick(): Promise<void> {
    this.ticking ??= this.round().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private kick(): void {
    if (!this.stopped) void this.tick();
  }

  private key(account: string): string {
    return `${this.opts.keyPrefix}:${account}`;
  }

  private async round(): Promise<void> {
    const { replicas, replicaId, leases, leaseTtlMs, clock } = this.opts;
    let members: string[] = [];
    try {
      if (this.opts.caching) await replicas.heartbeat(replicaId);
      members = await replicas.replicas();
    } catch (err) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not read the caching replicas; keeping current ownership');
      members = [...this.owned.keys()].length > 0 ? [replicaId] : [];
    }
    const assigned = (account: string): boolean => this.opts.caching && members.length > 0 && members[shardOf(account, members.length)] === replicaId;
    for (const account of [...this.owned.keys()]) {
      if (this.stopped) return;
      if (!this.accounts.has(account)) continue;
      if (!assigned(account)) {
        await this.giveUp(account, 'handoff');
        continue;
      }
      const renewedAt = clock.now();
      const kept = await leases.extend(this.key(account), replicaId, leaseTtlMs).catch(() => false);
      if (kept) this.owned.set(account, { deadlineMs: renewedAt + leaseTtlMs });
      else await this.lose(account);
    }
    for (const account of this.accounts) {
      if (this.stopped) return;
      if (this.owned.has(account) || !assigned(account)) continue;
      const acquiredAt = clock.now();
      if (!(await leases.tryAcquire(this.key(account), replicaId, leaseTtlMs).catch(() => false))) continue;
      if (!this.accounts.has(account)) {
        await leases.release(this.key(account), replicaId).catch(() => false);
        continue;
      }
      this.owned.set(account, { deadlineMs: acquiredAt + leaseTtlMs });
      this.opts.logger.info({ account }, 'this instance now keeps the account’s live cache');
      this.opts.onAcquired(account);
    }
  }

  private async lose(account: string): Promise<void> {
    this.owned.delete(account);
    this.opts.logger.warn({ account }, 'lost the account’s lease; another instance keeps its cache now');
    await this.opts.onReleased(account, 'lost').catch(() => undefined);
  }

  private async giveUp(account: string, reason: Exclude<ReleaseReason, 'lost'>): Promise<void> {
    try {
      await this.opts.onReleased(account, reason);
    } finally {
      this.owned.delete(account);
      await this.opts.leases.release(this.key(account), this.opts.replicaId).catch(() => false);
    }
  }
}
