import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureServer } from '../../../test/helpers/ensureServers.js';
import { cacheData } from '../../core/cache/CacheData.js';
import { DefaultProviderCache } from '../../core/cache/DefaultProviderCache.js';
import { describeAccountDefinitionStoreContract } from '../../testing/contracts/accountDefinitionStoreContract.js';
import { describeCacheStoreContract } from '../../testing/contracts/cacheStoreContract.js';
import { describeLeaseStoreContract } from '../../testing/contracts/leaseStoreContract.js';
import { describeReplicaRegistryContract } from '../../testing/contracts/replicaRegistryContract.js';
import { RedisReplicaRegistry } from './RedisReplicaRegistry.js';
import { describeTaskRepositoryContract } from '../../testing/contracts/taskRepositoryContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { openRedis } from './openRedis.js';
import { RedisAccountDefinitionStore } from './RedisAccountDefinitionStore.js';
import { RedisCacheStoreDriver } from './RedisCacheStoreDriver.js';
import { RedisLeaseStore } from './RedisLeaseStore.js';
import { RedisTaskRepository } from './RedisTaskRepository.js';

const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Keys of this run; the creation time in the prefix lets a later run drop a crashed run's keys. */
const RUN = `cdts-test:${Math.floor(Date.now() / 1000)}-${randomUUID().slice(0, 8)}`;
const STALE_AFTER_S = 600;

let client: Redis | undefined;
async function redis(): Promise<Redis> {
  if (!client) {
    await ensureServer('redis');
    client = await openRedis({ connection: URL });
    await dropKeys(client, 'cdts-test:*', (key) => Number(key.split(':')[1]?.split('-')[0]) < Date.now() / 1000 - STALE_AFTER_S);
  }
  return client;
}

async function dropKeys(r: Redis, match: string, which: (key: string) => boolean = () => true): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await r.scan(cursor, 'MATCH', match, 'COUNT', 1000);
    cursor = next;
    const keys = found.filter(which);
    if (keys.length > 0) await r.unlink(...keys);
  } while (cursor !== '0');
}

/** A key prefix of its own for each test; its keys are dropped afterwards. */
async function isolated() {
  const r = await redis();
  const keyPrefix = `${RUN}:${randomUUID().slice(0, 8)}:`;
  return { redis: r, keyPrefix, cleanup: () => dropKeys(r, `${keyPrefix}*`) };
}

afterAll(async () => {
  if (client) {
    await dropKeys(client, `${RUN}:*`);
    await client.quit();
  }
});

describeCacheStoreContract('redis', async () => {
  const { redis: r, keyPrefix, cleanup } = await isolated();
  const clock = new ManualClock(1_000_000);
  return { driver: new RedisCacheStoreDriver({ redis: r, clock, keyPrefix }), clock, cleanup };
});

describeTaskRepositoryContract('redis', async () => {
  const { redis: r, keyPrefix, cleanup } = await isolated();
  return { repo: new RedisTaskRepository({ redis: r, keyPrefix }), cleanup };
});

describeLeaseStoreContract('redis', async () => {
  const { redis: r, keyPrefix, cleanup } = await isolated();
  const clock = new ManualClock(1_000_000);
  return { leases: new RedisLeaseStore({ redis: r, clock, keyPrefix }), clock, cleanup };
});

describeReplicaRegistryContract('redis', async () => {
  const { redis: r, keyPrefix, cleanup } = await isolated();
  const clock = new ManualClock(1_000_000);
  const ttlMs = 60_000;
  const registry = () => new RedisReplicaRegistry({ redis: r, clock, ttlMs, keyPrefix });
  return { a: registry(), b: registry(), clock, ttlMs, cleanup };
});

describeAccountDefinitionStoreContract('redis', async () => {
  const { redis: r, keyPrefix, cleanup } = await isolated();
  return { store: new RedisAccountDefinitionStore({ redis: r, keyPrefix }), reopen: () => new RedisAccountDefinitionStore({ redis: r, keyPrefix }), cleanup };
});

describe('Redis layout shared with the Java service', () => {
  const agent = 'prod/KubernetesCoreCachingAgent[0/1]';
  const pod = 'kubernetes.v2:infrastructure:pod:prod:web:web-1';
  let r: Redis;
  let keyPrefix: string;
  let cleanup: () => Promise<void>;
  const k = (suffix: string) => `${keyPrefix}kubernetes:pods:${suffix}`;

  beforeAll(async () => {
    ({ redis: r, keyPrefix, cleanup } = await isolated());
  });
  afterAll(async () => cleanup());

  it('reads a cache the Java service wrote: attributes, per-agent relationships, _ALL_ bookkeeping', async () => {
    await r.sadd(k('members'), '_ALL_', pod, 'relationship-only');
    await r.mset(
      k('attributes:_ALL_'), '{"id":"_ALL_"}',
      k(`attributes:${pod}`), '{"name":"web-1","namespace":"web"}',
      k(`relationships:${pod}:replicaSets:${agent}`), '["kubernetes.v2:infrastructure:replicaSet:prod:web:web-1a"]',
      k(`relationships:${pod}:replicaSets:other/Agent`), '["rs-2","kubernetes.v2:infrastructure:replicaSet:prod:web:web-1a"]',
      k(`relationships:relationship-only:replicaSets:${agent}`), '["x"]',
      k(`relationships:_ALL_:${agent}`), JSON.stringify([pod, 'relationship-only']),
    );
    await r.sadd(k('relationships'), `replicaSets:${agent}`, 'replicaSets:other/Agent', agent);
    const store = new RedisCacheStoreDriver({ redis: r, clock: new ManualClock(Date.now()), keyPrefix }).open('kubernetes');

    const [item] = await store.get('pods', [pod, 'relationship-only', '_ALL_']);
    expect(item?.attributes).toEqual({ name: 'web-1', namespace: 'web' });
    expect([...(item?.relationships.replicaSets ?? [])].sort()).toEqual(['kubernetes.v2:infrastructure:replicaSet:prod:web:web-1a', 'rs-2']);
    expect((await store.getAll('pods')).map((i) => i.id)).toEqual([pod]);
    expect(await store.existingIdentifiers('pods', [pod, 'relationship-only', '_ALL_'])).toEqual([pod]);
    expect((await store.identifiers('pods')).sort()).toEqual([pod, 'relationship-only'].sort());
    expect(await store.filterIdentifiers('pods', 'kubernetes.v2:infrastructure:pod:prod:*')).toEqual([pod]);
    expect(await store.agentIds('pods', agent)).toEqual([pod, 'relationship-only']);
    expect(await store.types()).toEqual(['pods']);
  });

  it('writes what the Java reader expects and evicts every agent key of an item', async () => {
    const store = new RedisCacheStoreDriver({ redis: r, clock: new ManualClock(Date.now()), keyPrefix }).open('kubernetes');
    await store.put('pods', agent, [{ id: 'p2', attributes: { name: 'p2' }, relationships: { services: ['s1', 's1', 's2'] } }]);
    await store.setAgentIds('pods', agent, ['p2']);
    expect(await r.get(k('attributes:p2'))).toBe('{"name":"p2"}');
    expect(await r.get(k(`relationships:p2:services:${agent}`))).toBe('["s1","s2"]');
    expect(await r.sismember(k('relationships'), `services:${agent}`)).toBe(1);
    expect(await r.get(k(`relationships:_ALL_:${agent}`))).toBe('["p2"]');
    expect(await r.sismember(k('members'), 'p2')).toBe(1);
    await store.evict('pods', ['p2']);
    expect(await r.exists(k('attributes:p2'), k(`relationships:p2:services:${agent}`))).toBe(0);
    expect(await r.hexists(k('hashes'), k('attributes:p2'))).toBe(0);
    expect(await r.sismember(k('members'), 'p2')).toBe(0);
  });

  it('skips values whose SHA-1 (of the UTF-16 code units, as Guava hashes) is unchanged', async () => {
    const store = new RedisCacheStoreDriver({ redis: r, clock: new ManualClock(Date.now()), keyPrefix }).open('kubernetes');
    await store.put('pods', agent, [{ id: 'h', attributes: { a: 'é' }, relationships: {} }]);
    // SHA-1 over the UTF-16LE bytes of {"a":"é"}, as Guava's putUnencodedChars computes it.
    expect(await r.hget(k('hashes'), k('attributes:h'))).toBe('2c47959b5fecb078966272efaebeb691eb9fbf84');
    await r.set(k('attributes:h'), '{"a":"tampered"}');
    await store.put('pods', agent, [{ id: 'h', attributes: { a: 'é' }, relationships: {} }]);
    expect(await r.get(k('attributes:h'))).toBe('{"a":"tampered"}');
    await r.set(k('hashes.disabled'), 'true');
    await store.put('pods', agent, [{ id: 'h', attributes: { a: 'é' }, relationships: {} }]);
    expect(await r.get(k('attributes:h'))).toBe('{"a":"é"}');
    await r.del(k('hashes.disabled'));
  });

  it('sets EXPIRE on every key of an item with a TTL and keeps no hash for them', async () => {
    const clock = new ManualClock(Date.now());
    const store = new RedisCacheStoreDriver({ redis: r, clock, keyPrefix }).open('kubernetes');
    await store.put('pods', agent, [{ id: 't', attributes: { a: 1 }, relationships: { r: ['x'] }, expiresAt: clock.now() + 600_000 }]);
    const ttl = await r.ttl(k('attributes:t'));
    expect(ttl).toBeGreaterThan(590);
    expect(ttl).toBeLessThanOrEqual(600);
    expect(await r.ttl(k(`relationships:t:r:${agent}`))).toBeGreaterThan(590);
    expect(await r.hexists(k('hashes'), k('attributes:t'))).toBe(0);
    await store.put('pods', agent, [{ id: 't', attributes: { a: 1 }, relationships: { r: ['x'] } }]);
    expect(await r.ttl(k('attributes:t'))).toBe(-1);
  });

  it("contends for the Java scheduler's agent locks", async () => {
    const leases = new RedisLeaseStore({ redis: r, clock: new ManualClock(Date.now()), keyPrefix });
    await r.set(`${keyPrefix}${agent}`, 'java-node', 'PX', 60_000, 'NX');
    expect(await leases.holder(agent)).toBe('java-node');
    expect(await leases.tryAcquire(agent, 'ts-node', 10_000)).toBe(false);
    expect(await leases.release(agent, 'ts-node')).toBe(false);
    expect(await leases.tryAcquire('free-agent', 'ts-node', 10_000)).toBe(true);
    expect(await r.get(`${keyPrefix}free-agent`)).toBe('ts-node');
    expect(await r.pttl(`${keyPrefix}free-agent`)).toBeGreaterThan(9_000);
  });

  it('reads a task the Java RedisTaskRepository wrote', async () => {
    await r.hset(`${keyPrefix}task:java-1`, { id: 'java-1', startTimeMs: '1700000000000', ownerId: 'abc@host' });
    await r.rpush(`${keyPrefix}taskHistory:java-1`, '{"phase":"ORCHESTRATION","status":"Initializing","state":"STARTED"}', '{"state":"COMPLETED","phase":"ORCHESTRATION","status":"done"}');
    await r.rpush(`${keyPrefix}taskResult:java-1`, '{"type":"x"}');
    await r.set(`${keyPrefix}kato:taskmap:req-1`, 'java-1');
    const repo = new RedisTaskRepository({ redis: r, keyPrefix });
    const task = await repo.getByRequestId('req-1');
    expect(task).toMatchObject({ id: 'java-1', startTimeMs: 1700000000000, ownerId: 'abc@host', resultObjects: [{ type: 'x' }], sagaIds: [] });
    expect(task?.history.map((h) => h.state)).toEqual(['STARTED', 'COMPLETED']);
    const again = await repo.create({ requestId: 'req-1', ownerId: 'o@h', startTimeMs: 1, first: { phase: 'P', status: 's', state: 'STARTED' } });
    expect(again).toMatchObject({ created: false, task: { id: 'java-1' } });
  });
});

describe('Redis cache under the cache engine', () => {
  it("evicts what an agent no longer reports and keeps the _ALL_ list the Java service reads", async () => {
    const { redis: r, keyPrefix, cleanup } = await isolated();
    try {
      const clock = new ManualClock(Date.now());
      const cache = new DefaultProviderCache('kubernetes', new RedisCacheStoreDriver({ redis: r, clock, keyPrefix }).open('kubernetes'), clock);
      await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p1', { n: 1 }, { services: ['s1'] }), cacheData('p2', { n: 2 })] } });
      await cache.putCacheResult('a1', ['pods'], { cacheResults: { pods: [cacheData('p2', { n: 2 })] } });
      expect((await cache.getAll('pods')).map((i) => i.id)).toEqual(['p2']);
      expect(await r.get(`${keyPrefix}kubernetes:pods:relationships:_ALL_:a1`)).toBe('["p2"]');
      expect(await r.exists(`${keyPrefix}kubernetes:pods:attributes:p1`, `${keyPrefix}kubernetes:pods:relationships:p1:services:a1`)).toBe(0);
    } finally {
      await cleanup();
    }
  });
});
