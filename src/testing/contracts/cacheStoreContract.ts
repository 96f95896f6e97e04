import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CacheStore, CacheStoreDriver, StoredItem } from '../../core/cache/CacheStore.js';
import type { ManualClock } from '../ManualClock.js';

export interface CacheStoreFixture {
  readonly driver: CacheStoreDriver;
  /** Drives expiry; the driver was built with it. */
  readonly clock: ManualClock;
  cleanup(): Promise<void>;
}

const item = (id: string, attributes: Record<string, unknown> = {}, relationships: Record<string, string[]> = {}, expiresAt?: number): StoredItem =>
  expiresAt === undefined ? { id, attributes, relationships } : { id, attributes, relationships, expiresAt };

const sorted = (ids: string[]) => [...ids].sort();

/**
 * The behaviour every `CacheStore` driver must have (see CacheStore.ts). Each test gets a fresh,
 * isolated driver from `factory`.
 */
export function describeCacheStoreContract(name: string, factory: () => Promise<CacheStoreFixture>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let fx: CacheStoreFixture;
    let store: CacheStore;

    beforeEach(async () => {
      fx = await factory();
      store = fx.driver.open('ns');
    });
    afterEach(async () => {
      await fx.driver.close();
      await fx.cleanup();
    });

    it('stores and reads items with attributes and relationships', async () => {
      await store.put('pods', 'a1', [item('p1', { name: 'p1', nested: { n: [1, 2] } }, { services: ['s1'] })]);
      expect(await store.get('pods', ['p1'])).toEqual([{ id: 'p1', attributes: { name: 'p1', nested: { n: [1, 2] } }, relationships: { services: ['s1'] } }]);
      expect(await store.get('pods', ['missing'])).toEqual([]);
      expect(await store.get('nosuchtype', ['p1'])).toEqual([]);
    });

    it("replaces only the writing agent's relationships and keeps other agents'", async () => {
      await store.put('apps', 'a1', [item('app', {}, { pods: ['p1'], svc: ['s1'] })]);
      await store.put('apps', 'a2', [item('app', {}, { pods: ['p2'] })]);
      await store.put('apps', 'a1', [item('app', {}, { pods: ['p3'] })]);
      const [app] = await store.get('apps', ['app']);
      expect(sorted([...(app?.relationships.pods ?? [])])).toEqual(['p2', 'p3']);
      expect(app?.relationships.svc).toBeUndefined();
    });

    it('unions relationships across agents without duplicates', async () => {
      await store.put('apps', 'a1', [item('app', {}, { pods: ['p1', 'p2'] })]);
      await store.put('apps', 'a2', [item('app', {}, { pods: ['p2', 'p3'] })]);
      const [app] = await store.getAll('apps');
      expect(sorted([...(app?.relationships.pods ?? [])])).toEqual(['p1', 'p2', 'p3']);
    });

    it('filters relationships by prefix: undefined keeps all, [] keeps none', async () => {
      await store.put('apps', 'a1', [item('app', {}, { serverGroups: ['sg'], services: ['s'], pods: ['p'] })]);
      expect(Object.keys((await store.get('apps', ['app']))[0]?.relationships ?? {}).sort()).toEqual(['pods', 'serverGroups', 'services']);
      expect(Object.keys((await store.get('apps', ['app'], ['serv']))[0]?.relationships ?? {}).sort()).toEqual(['serverGroups', 'services']);
      expect((await store.get('apps', ['app'], []))[0]?.relationships).toEqual({});
      expect((await store.getAll('apps', ['pods']))[0]?.relationships).toEqual({ pods: ['p'] });
    });

    it('keeps the last written attributes whichever agent wrote them', async () => {
      await store.put('apps', 'a1', [item('app', { v: 1, only1: true })]);
      await store.put('apps', 'a2', [item('app', { v: 2 })]);
      expect((await store.get('apps', ['app']))[0]?.attributes).toEqual({ v: 2 });
    });

    it('hides items once they expire', async () => {
      const now = fx.clock.now();
      await store.put('logical', 'a1', [item('soon', {}, {}, now + 1_000), item('never')]);
      expect(sorted(await store.identifiers('logical'))).toEqual(['never', 'soon']);
      fx.clock.advance(1_000);
      expect(await store.identifiers('logical')).toEqual(['never']);
      expect(await store.get('logical', ['soon'])).toEqual([]);
      expect(await store.existingIdentifiers('logical', ['soon', 'never'])).toEqual(['never']);
      await store.put('logical', 'a1', [item('soon', { back: true })]);
      expect((await store.get('logical', ['soon']))[0]?.attributes).toEqual({ back: true });
    });

    it("evicts whole items including every agent's relationships", async () => {
      await store.put('apps', 'a1', [item('app', {}, { pods: ['p1'] }), item('other')]);
      await store.put('apps', 'a2', [item('app', {}, { pods: ['p2'] })]);
      await store.evict('apps', ['app', 'unknown']);
      expect(await store.identifiers('apps')).toEqual(['other']);
      await store.put('apps', 'a3', [item('app', {}, { pods: ['p3'] })]);
      expect((await store.get('apps', ['app']))[0]?.relationships).toEqual({ pods: ['p3'] });
    });

    it('returns items in the order of the ids asked for, duplicates collapsed', async () => {
      await store.put('t', 'a', [item('a'), item('b'), item('c')]);
      expect((await store.get('t', ['c', 'a', 'c', 'x', 'b'])).map((i) => i.id)).toEqual(['c', 'a', 'b']);
    });

    it('filters identifiers by glob, treating other characters literally', async () => {
      const ids = ['k:pod:acct:ns:web-1', 'k:pod:acct:ns:web-2', 'k:pod:acct:ns:api-1', 'k:pod:other:ns:web-1', 'a%b', 'a_b', 'axb', 'a.b', 'a[b'];
      await store.put('pods', 'a', ids.map((id) => item(id)));
      expect(sorted(await store.filterIdentifiers('pods', 'k:pod:acct:*'))).toEqual(['k:pod:acct:ns:api-1', 'k:pod:acct:ns:web-1', 'k:pod:acct:ns:web-2']);
      expect(sorted(await store.filterIdentifiers('pods', '*:web-?'))).toEqual(['k:pod:acct:ns:web-1', 'k:pod:acct:ns:web-2', 'k:pod:other:ns:web-1']);
      expect(sorted(await store.filterIdentifiers('pods', '*web-[2]'))).toEqual(['k:pod:acct:ns:web-2']);
      expect(await store.filterIdentifiers('pods', 'a%b')).toEqual(['a%b']);
      expect(await store.filterIdentifiers('pods', 'a_b')).toEqual(['a_b']);
      expect(await store.filterIdentifiers('pods', 'a.b')).toEqual(['a.b']);
      expect(sorted(await store.filterIdentifiers('pods', 'a?b'))).toEqual(['a%b', 'a.b', 'a[b', 'a_b', 'axb']);
      expect(await store.filterIdentifiers('pods', '*')).toHaveLength(ids.length);
      expect(await store.filterIdentifiers('pods', 'nomatch*')).toEqual([]);
    });

    it('reports which identifiers exist', async () => {
      await store.put('t', 'a', [item('x'), item('y')]);
      expect(sorted(await store.existingIdentifiers('t', ['x', 'y', 'z']))).toEqual(['x', 'y']);
      expect(await store.existingIdentifiers('t', [])).toEqual([]);
    });

    it('keeps the ids each agent last wrote, apart from items', async () => {
      expect(await store.agentIds('pods', 'a1')).toEqual([]);
      await store.setAgentIds('pods', 'a1', ['p1', 'p2']);
      await store.setAgentIds('pods', 'a2', ['p3']);
      expect(sorted(await store.agentIds('pods', 'a1'))).toEqual(['p1', 'p2']);
      await store.setAgentIds('pods', 'a1', []);
      expect(await store.agentIds('pods', 'a1')).toEqual([]);
      expect(await store.agentIds('pods', 'a2')).toEqual(['p3']);
      expect(await store.identifiers('pods')).toEqual([]);
    });

    it('lists the types that hold items', async () => {
      await store.put('pods', 'a', [item('p')]);
      await store.put('services', 'a', [item('s')]);
      await store.setAgentIds('ghosts', 'a', ['g']);
      expect(sorted(await store.types())).toEqual(['pods', 'services']);
    });

    it('isolates namespaces from each other', async () => {
      const other = fx.driver.open('other');
      await store.put('pods', 'a', [item('p', { ns: 'ns' })]);
      await other.put('pods', 'a', [item('p', { ns: 'other' })]);
      await other.setAgentIds('pods', 'a', ['p']);
      expect((await store.get('pods', ['p']))[0]?.attributes).toEqual({ ns: 'ns' });
      expect(await store.agentIds('pods', 'a')).toEqual([]);
      await other.evict('pods', ['p']);
      expect(await store.identifiers('pods')).toEqual(['p']);
    });

    it('handles long unicode ids and large batches', async () => {
      const long = `k:${'é'.repeat(200)}:${'x'.repeat(148)}`;
      expect(long.length).toBe(351);
      const many = Array.from({ length: 5_000 }, (_, i) => item(`id-${i}`, { i }, { rel: [`r-${i}`] }));
      await store.put('bulk', 'a', [...many, item(long, { ok: true })]);
      expect((await store.get('bulk', [long]))[0]?.attributes).toEqual({ ok: true });
      const all = await store.getAll('bulk');
      expect(all).toHaveLength(5_001);
      expect(all.find((i) => i.id === 'id-4999')?.relationships).toEqual({ rel: ['r-4999'] });
      const some = await store.get('bulk', many.slice(1_000, 2_500).map((i) => i.id));
      expect(some).toHaveLength(1_500);
    });

    it('is not corrupted when callers mutate what they passed in or got back', async () => {
      const attrs: Record<string, unknown> = { list: [1] };
      const rels = { pods: ['p1'] };
      await store.put('t', 'a', [item('x', attrs, rels)]);
      (attrs.list as number[]).push(2);
      rels.pods.push('p2');
      const [read] = await store.get('t', ['x']);
      expect(read?.attributes).toEqual({ list: [1] });
      expect(read?.relationships).toEqual({ pods: ['p1'] });
      try {
        ((read?.attributes as Record<string, unknown>).list as number[]).push(3);
      } catch {
        // frozen results are fine too
      }
      expect((await store.get('t', ['x']))[0]?.attributes).toEqual({ list: [1] });
    });
  });
}
