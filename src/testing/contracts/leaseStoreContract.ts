import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LeaseStore } from '../../core/agents/LeaseStore.js';
import type { ManualClock } from '../ManualClock.js';

export interface LeaseStoreFixture {
  readonly leases: LeaseStore;
  /** Drives expiry; the store was built with it. */
  readonly clock: ManualClock;
  cleanup(): Promise<void>;
}

/** The behaviour every `LeaseStore` driver must have (see LeaseStore.ts). */
export function describeLeaseStoreContract(name: string, factory: () => Promise<LeaseStoreFixture>): void {
  describe(`LeaseStore contract: ${name}`, () => {
    let fx: LeaseStoreFixture;
    let leases: LeaseStore;

    beforeEach(async () => {
      fx = await factory();
      leases = fx.leases;
    });
    afterEach(async () => {
      await leases.close();
      await fx.cleanup();
    });

    it('grants a free key and refuses a held one', async () => {
      expect(await leases.tryAcquire('agent', 'n1', 10_000)).toBe(true);
      expect(await leases.holder('agent')).toBe('n1');
      expect(await leases.tryAcquire('agent', 'n2', 10_000)).toBe(false);
      expect(await leases.tryAcquire('agent', 'n1', 10_000)).toBe(false);
      expect(await leases.tryAcquire('other', 'n2', 10_000)).toBe(true);
    });

    it('lets exactly one of many concurrent acquirers win', async () => {
      const wins = await Promise.all(Array.from({ length: 20 }, (_, i) => leases.tryAcquire('hot', `n${i}`, 10_000)));
      expect(wins.filter(Boolean)).toHaveLength(1);
    });

    it('frees a lease when it expires', async () => {
      await leases.tryAcquire('agent', 'n1', 1_000);
      fx.clock.advance(999);
      expect(await leases.holder('agent')).toBe('n1');
      fx.clock.advance(1);
      expect(await leases.holder('agent')).toBeUndefined();
      expect(await leases.tryAcquire('agent', 'n2', 1_000)).toBe(true);
      expect(await leases.holder('agent')).toBe('n2');
    });

    it('extends only for the holder, from now', async () => {
      await leases.tryAcquire('agent', 'n1', 1_000);
      fx.clock.advance(800);
      expect(await leases.extend('agent', 'n2', 5_000)).toBe(false);
      expect(await leases.extend('agent', 'n1', 5_000)).toBe(true);
      fx.clock.advance(4_999);
      expect(await leases.holder('agent')).toBe('n1');
      fx.clock.advance(1);
      expect(await leases.holder('agent')).toBeUndefined();
      expect(await leases.extend('agent', 'n1', 5_000)).toBe(false);
    });

    it('releases only for the holder', async () => {
      await leases.tryAcquire('agent', 'n1', 10_000);
      expect(await leases.release('agent', 'n2')).toBe(false);
      expect(await leases.holder('agent')).toBe('n1');
      expect(await leases.release('agent', 'n1')).toBe(true);
      expect(await leases.holder('agent')).toBeUndefined();
      expect(await leases.release('agent', 'n1')).toBe(false);
    });
  });
}
