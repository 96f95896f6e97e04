import type { LeaseStore } from '../agents/LeaseStore.js';
import type { Logger } from '../Logger.js';

export interface InstanceLivenessOptions {
  readonly leases: LeaseStore;
  /** This process's task owner id (`{uuid}@{hostname}`). */
  readonly ownerId: string;
  /**
   * Whether other instances share `leases` (Redis, SQL, a shared SQLite file). When they do not
   * (in-memory leases: one instance by design), every other owner is a process that is gone.
   */
  readonly shared: boolean;
  readonly ttlMs?: number;
  readonly logger: Logger;
}

/**
 * Which task owners are alive, for finding orphaned tasks cluster-wide whatever the host names:
 * each instance holds the lease `instance:{ownerId}` and renews it every third of its time to
 * live; an owner whose lease is free has stopped (or stalled past the TTL). A rescheduled pod
 * with a new host name therefore recovers what its predecessor left running.
 */
export class InstanceLiveness {
  private timer: NodeJS.Timeout | undefined;
  private readonly ttlMs: number;

  constructor(private readonly opts: InstanceLivenessOptions) {
    this.ttlMs = opts.ttlMs ?? 30_000;
  }

  static keyOf(ownerId: string): string {
    return `instance:${ownerId}`;
  }

  async start(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), Math.max(1_000, Math.floor(this.ttlMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.opts.leases.release(InstanceLiveness.keyOf(this.opts.ownerId), this.opts.ownerId).catch(() => undefined);
  }

  /** True when `owner` is another instance that no longer holds its lease. */
  async isGone(owner: string): Promise<boolean> {
    if (owner === this.opts.ownerId) return false;
    if (!this.opts.shared) return true;
    return (await this.opts.leases.holder(InstanceLiveness.keyOf(owner))) === undefined;
  }

  private async beat(): Promise<void> {
    const key = InstanceLiveness.keyOf(this.opts.ownerId);
    try {
      if (!(await this.opts.leases.extend(key, this.opts.ownerId, this.ttlMs))) await this.opts.leases.tryAcquire(key, this.opts.ownerId, this.ttlMs);
    } catch (err) {
      this.opts.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'could not renew this instance’s liveness lease');
    }
  }
}
