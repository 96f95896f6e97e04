import { beforeEach, describe, expect, it } from 'vitest';
import { InMemoryCacheStoreDriver } from '../../stores/memory/InMemoryCacheStoreDriver.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { cacheData } from './CacheData.js';
import { CompositeCache, DefaultProviderCache } from './DefaultProviderCache.js';

describe('DefaultProviderCache', () => {
  let clock: ManualClock;
  let cache: DefaultProviderCache;
  let driver: InMemoryCacheStoreDriver;

  beforeEach(() => {
    clock = new ManualClock(1_000_000);
    driver = new InMemoryCacheStoreDriver({ clock });
    cache = new DefaultProviderCache('test', driver.open('test'), clock);
  });

  const ids = async (type: string) => (await cache.getIdentifiers(type)).sort();

  it('moves its local generation once each write has ended, failed writes included', async () => {
    const g0 = cache.localGeneration();
    const writing = cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', {})] } });
    // An answer built while the write runs is remembered under the generation before it.
    expect(cache.localGeneration()).toBe(g0);
    await writing;
    expect(cache.localGeneration()).toBe(g0 + 1);
    await cache.putCacheData('pods', cacheData('p2', {}));
    await cache.evictDeletedItems('pods', ['p2']);
    await cache.evictDeletedItems('pods', []);
    expect(cache.localGeneration()).toBe(g0 + 3);
    await expect(cache.putCacheResult('a1', [], { cacheResults: { 'bad:type': [] } })).rejects.toThrow(/may not contain/);
    expect(cache.localGeneration()).toBe(g0 + 4);
  });

  it('evicts authoritative items the agent wrote before and did not write now', async () => {
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', {}), cacheData('p2', {})] } });
    const stats = await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p2', {})] } });
    expect(await ids('pods')).toEqual(['p2']);
    expect(stats).toEqual({ additions: 1, evictions: 1 });
  });

  it('evicts everything of an authoritative type missing from the result', async () => {
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', {})] } });
    await cache.putCacheResult('a1', ['pods'], { cacheResults: {} });
    expect(await ids('pods')).toEqual([]);
  });

  it('keeps the unchanged ids of an authoritative write without rewriting them, and evicts them once no longer provided', async () => {
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', { v: 1 }), cacheData('p2', { v: 1 })] } });
    // The incremental write the agent vouches for (its own, not authoritative).
    await cache.addCacheResult('a1', [], { cacheResults: { pods: [cacheData('p3', { v: 1 })] } });
    const stats = await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', { v: 2 })] }, unchanged: { pods: ['p3'] } });
    expect(stats).toEqual({ additions: 1, evictions: 1 });
    expect(await ids('pods')).toEqual(['p1', 'p3']);
    expect((await cache.get('pods', 'p1'))?.attributes).toEqual({ v: 2 });
    expect((await cache.get('pods', 'p3'))?.attributes).toEqual({ v: 1 });
    // p3 is now among the agent's authoritative ids: a result without it evicts it.
    await cache.putCacheResult('a1', ['pods'], { cacheResults: {}, unchanged: { pods: ['p1'] } });
    expect(await ids('pods')).toEqual(['p1']);
  });

  it('never evicts informative types implicitly', async () => {
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [cacheData('app1', {})] } });
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [] } });
    expect(await ids('apps')).toEqual(['app1']);
  });

  it("leaves other agents' authoritative items alone", async () => {
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', {})] } });
    await cache.putCacheResult('a2', ['pods'], { cacheResults: { pods: [cacheData('p2', {})] } });
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [] } });
    expect(await ids('pods')).toEqual(['p2']);
  });

  it('keeps relationships per agent and unions them on read', async () => {
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [cacheData('app', { v: 1 }, { pods: ['p1'] })] } });
    await cache.putCacheResult('a2', [], { cacheResults: { apps: [cacheData('app', { v: 2 }, { pods: ['p2'], svc: ['s'] })] } });
    const item = await cache.get('apps', 'app');
    expect(item?.attributes).toEqual({ v: 2 });
    expect([...(item?.relationships.pods ?? [])].sort()).toEqual(['p1', 'p2']);
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [cacheData('app', { v: 3 }, { pods: [] })] } });
    expect((await cache.get('apps', 'app'))?.relationships.pods).toEqual(['p2']);
    expect((await cache.get('apps', 'app', ['sv']))?.relationships).toEqual({ svc: ['s'] });
    expect((await cache.get('apps', 'app', []))?.relationships).toEqual({});
  });

  it('applies explicit evictions, even of ids written in the same result', async () => {
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [cacheData('x', {}), cacheData('y', {})] } });
    await cache.putCacheResult('a2', ['pods'], {
      cacheResults: { pods: [cacheData('p', {})] },
      evictions: { apps: ['x'], pods: ['p'] },
    });
    expect(await ids('apps')).toEqual(['y']);
    expect(await ids('pods')).toEqual([]);
  });

  it('adds without evicting for partial results, and a later full result evicts what was added', async () => {
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', {})] } });
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p2', {})] }, partialResult: true });
    expect(await ids('pods')).toEqual(['p1', 'p2']);
    await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p3', {})] } });
    expect(await ids('pods')).toEqual(['p3']);
  });

  it('expires items with a ttl and stamps cacheExpiry', async () => {
    await cache.putCacheResult('a1', [], { cacheResults: { apps: [cacheData('app', { n: 1 }, {}, 600)] } });
    expect((await cache.get('apps', 'app'))?.attributes).toEqual({ n: 1, cacheExpiry: 1_000_000 + 600_000 });
    clock.advance(600_001);
    expect(await cache.get('apps', 'app')).toBeUndefined();
  });

  it('rejects types containing a colon', async () => {
    await expect(cache.putCacheResult('a1', [], { cacheResults: { 'a:b': [cacheData('x', {})] } })).rejects.toThrow(/may not contain/);
  });
});

describe('CompositeCache', () => {
  it('merges attributes and unions relationships of the same id across providers', async () => {
    const clock = new ManualClock(0);
    const driver = new InMemoryCacheStoreDriver({ clock });
    const a = new DefaultProviderCache('a', driver.open('a'), clock);
    const b = new DefaultProviderCache('b', driver.open('b'), clock);
    await a.putCacheResult('x', [], { cacheResults: { apps: [cacheData('app', { p: 'a', only: 1 }, { clusters: ['c1'] })] } });
    await b.putCacheResult('y', [], { cacheResults: { apps: [cacheData('app', { p: 'b' }, { clusters: ['c2'] })] } });
    const composite = new CompositeCache(() => [a, b]);
    const app = await composite.get('apps', 'app');
    expect(app?.attributes).toEqual({ p: 'b', only: 1 });
    expect(app?.relationships.clusters).toEqual(['c1', 'c2']);
    expect(await composite.getIdentifiers('apps')).toEqual(['app']);
  });
});
