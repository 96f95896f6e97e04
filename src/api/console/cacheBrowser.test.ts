import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/Clock.js';
import { cacheData } from '../../core/cache/CacheData.js';
import { DefaultProviderCache } from '../../core/cache/DefaultProviderCache.js';
import { InMemoryCacheStoreDriver } from '../../stores/memory/InMemoryCacheStoreDriver.js';
import { itemView, keyPage, typeCounts } from './cacheBrowser.js';

async function cache() {
  const c = new DefaultProviderCache('t', new InMemoryCacheStoreDriver({ clock: systemClock }).open('t'), systemClock);
  await c.putCacheResult('agent', ['things', 'parts'], {
    cacheResults: {
      things: [cacheData('t:a', { name: 'a', password: 'p' }, { parts: ['p:1', 'p:2', 'p:gone'] }), cacheData('t:b', { name: 'b' }), cacheData('t:hidden', { name: 'h' })],
      parts: [cacheData('p:1', {}, { things: ['t:a'] }), cacheData('p:2', {}), cacheData('p:3', {}, { things: ['t:a'] })],
    },
  });
  return c;
}
const everything = () => true;

describe('cache browser', () => {
  it('counts types and pages searched keys among those readable', async () => {
    const c = await cache();
    expect(await typeCounts(c, ['declared'])).toEqual([{ type: 'declared', count: 0 }, { type: 'parts', count: 3 }, { type: 'things', count: 3 }]);
    expect(await typeCounts(c, [], (_t, id) => id !== 't:hidden')).toContainEqual({ type: 'things', count: 2 });
    expect(await keyPage(c, 'things', { q: 'T:', offset: 1, limit: 1 }, (id) => id !== 't:hidden')).toEqual({ type: 'things', total: 2, offset: 1, limit: 1, keys: ['t:b'] });
  });

  it('shows an item redacted, its relationships marked cached and linking back, and on request what points to it', async () => {
    const c = await cache();
    const redact = (item: ReturnType<typeof cacheData>) => ({ ...item, attributes: { ...item.attributes, password: '[redacted]' } });
    const view = await itemView(c, 'things', 't:a', { redact, readable: (id) => id !== 'p:2', inbound: false, types: [] });
    expect(view?.attributes).toEqual({ name: 'a', password: '[redacted]' });
    expect(view?.relationships).toEqual({ parts: [{ id: 'p:1', cached: true, pointsBack: true }, { id: 'p:gone', cached: false, pointsBack: false }] });
    expect(view?.referencedBy).toBeNull();
    const inbound = await itemView(c, 'things', 't:a', { redact, readable: everything, inbound: true, types: ['parts', 'things'] });
    expect(inbound?.referencedBy).toEqual({ parts: ['p:1', 'p:3'] });
    expect(await itemView(c, 'things', 't:none', { redact, readable: everything, inbound: false, types: [] })).toBeUndefined();
  });
});
