import { afterEach, describe, expect, it } from 'vitest';
import type { ReplicaRegistry } from '../../core/agents/ReplicaRegistry.js';
import type { ManualClock } from '../ManualClock.js';

/** What each test gets: two registries over one backend (two instances), the clock they share, and the time to live. */
export interface ReplicaRegistryFixture {
  readonly a: ReplicaRegistry;
  readonly b: ReplicaRegistry;
  readonly clock: ManualClock;
  readonly ttlMs: number;
  cleanup(): Promise<void>;
}

/** The invariants of `ReplicaRegistry`, run against every driver on its real backend. */
export function describeReplicaRegistryContract(name: string, setUp: () => Promise<ReplicaRegistryFixture>): void {
  describe(`ReplicaRegistry contract: ${name}`, () => {
    let current: ReplicaRegistryFixture | undefined;
    const setUpOne = async (): Promise<ReplicaRegistryFixture> => (current = await setUp());
    afterEach(async () => {
      await current?.a.close();
      await current?.b.close();
      await current?.cleanup();
      current = undefined;
    });
    it('lists the live replicas of every instance, sorted, once each', async () => {
      const { a, b } = await setUpOne();
      await a.heartbeat('replica-b');
      await b.heartbeat('replica-a');
      await a.heartbeat('replica-b');
      expect(await a.replicas()).toEqual(['replica-a', 'replica-b']);
      expect(await b.replicas()).toEqual(['replica-a', 'replica-b']);
    });

    it('drops a replica whose heartbeat is older than the time to live, and keeps one that renewed', async () => {
      const { a, b, clock, ttlMs } = await setUpOne();
      await a.heartbeat('alive');
      await b.heartbeat('stalled');
      clock.advance(ttlMs - 1);
      await a.heartbeat('alive');
      expect(await b.replicas()).toEqual(['alive', 'stalled']);
      clock.advance(2);
      expect(await b.replicas()).toEqual(['alive']);
      await b.heartbeat('stalled');
      expect(await a.replicas()).toEqual(['alive', 'stalled']);
    });

    it('drops a removed replica at once', async () => {
      const { a, b } = await setUpOne();
      await a.heartbeat('leaving');
      await a.heartbeat('staying');
      await b.remove('leaving');
      expect(await a.replicas()).toEqual(['staying']);
    });
  });
}
