import { describe, expect, it } from 'vitest';
import type { CacheData } from '../../../core/cache/CacheData.js';
import { applicationKey, clusterKey, infrastructureKey } from '../keys.js';
import { StoreItemCache } from './StoreItemCache.js';

const item = (id: string): CacheData => ({ id, attributes: {}, relationships: {} });
const pod = (account: string, name: string) => infrastructureKey('pod', account, 'ns', name);

describe('StoreItemCache', () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const cache = new StoreItemCache(2);
    const [a, b, c] = [pod('x', 'a'), pod('x', 'b'), pod('x', 'c')];
    cache.put(a, item(a), cache.epoch);
    cache.put(b, null, cache.epoch);
    expect(cache.get(a)).toEqual(item(a)); // a is now the most recent
    cache.put(c, item(c), cache.epoch);
    expect(cache.size).toBe(2);
    expect(cache.get(b)).toBeUndefined();
    expect(cache.get(a)).toEqual(item(a));
    expect(cache.get(c)).toEqual(item(c));
    const none = new StoreItemCache(0);
    none.put(a, item(a), none.epoch);
    expect(none.size).toBe(0);
  });

  it('records a key the store does not have as null', () => {
    const cache = new StoreItemCache(10);
    cache.put(pod('x', 'gone'), null, cache.epoch);
    expect(cache.get(pod('x', 'gone'))).toBeNull();
    expect(cache.get(pod('x', 'never-read'))).toBeUndefined();
  });

  it('does not keep what a read found if anything was invalidated while it ran', () => {
    const cache = new StoreItemCache(10);
    const key = pod('x', 'a');
    const readBegan = cache.epoch;
    cache.invalidate([pod('x', 'other')]);
    cache.put(key, item(key), readBegan);
    expect(cache.get(key)).toBeUndefined();
    cache.putLogicalIds('clusters', ['c'], readBegan);
    expect(cache.logicalIds('clusters')).toBeUndefined();
    cache.put(key, item(key), cache.epoch);
    expect(cache.get(key)).toEqual(item(key));
  });

  it('drops announced keys and every logical identifier list', () => {
    const cache = new StoreItemCache(10);
    const [a, b] = [pod('x', 'a'), pod('x', 'b')];
    for (const k of [a, b]) cache.put(k, item(k), cache.epoch);
    cache.putLogicalIds('applications', ['app'], cache.epoch);
    cache.invalidate([a]);
    expect(cache.get(a)).toBeUndefined();
    expect(cache.get(b)).toEqual(item(b));
    expect(cache.logicalIds('applications')).toBeUndefined();
  });

  it('drops an account’s keys and every application item on an account reload, keeping other accounts', () => {
    const cache = new StoreItemCache(10);
    const keys = [pod('x', 'a'), clusterKey('x', 'app', 'c'), applicationKey('app'), pod('y', 'a'), clusterKey('y', 'app', 'c')];
    for (const k of keys) cache.put(k, item(k), cache.epoch);
    cache.invalidateAccount('x');
    expect(keys.map((k) => cache.get(k) !== undefined)).toEqual([false, false, false, true, true]);
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('refuses a capacity that is not a non-negative integer', () => {
    expect(() => new StoreItemCache(-1)).toThrow(RangeError);
    expect(() => new StoreItemCache(1.5)).toThrow(RangeError);
  });
});
