import type { Clock } from '../../core/Clock.js';
import type { LeaseStore } from '../../core/agents/LeaseStore.js';

/** Leases in process memory: the single-node scheduler's locks. */
export class InMemoryLeaseStore implements LeaseStore {
  private readonly leases = new Map<string, { owner: string; expiresAt: number }>();

  constructor(private readonly opts: { clock: Clock }) {}

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.current(key)) return false;
    this.leases.set(key, { owner, expiresAt: this.opts.clock.now() + ttlMs });
    return true;
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    if (this.current(key)?.owner !== owner) return false;
    this.leases.set(key, { owner, expiresAt: this.opts.clock.now() + ttlMs });
    return true;
  }

  async release(key: string, owner: string): Promise<boolean> {
    if (this.current(key)?.owner !== owner) return false;
    this.leases.delete(key);
    return true;
  }

  async holder(key: string): Promise<string | undefined> {
    return this.current(key)?.owner;
  }

  async close(): Promise<void> {
    this.leases.clear();
  }

  private current(key: string): { owner: string; expiresAt: number } | undefined {
    const lease = this.leases.get(key);
    if (lease && lease.expiresAt <= this.opts.clock.now()) {
      this.leases.delete(key);
      return undefined;
    }
    return lease;
  }
}
