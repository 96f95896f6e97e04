import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Clock } from '../../core/Clock.js';
import { applyRelationshipFilter, type CacheData, type RelationshipFilter } from '../../core/cache/CacheData.js';
import type { CacheStore, CacheStoreDriver, StoredItem } from '../../core/cache/CacheStore.js';
import { globLiteralPrefix, globMatcher } from '../../core/cache/glob.js';
import { escapeRedisGlob, execPipeline } from './openRedis.js';

/** Items per merge batch and keys per multi-key command (Clouddriver's RedisCacheOptions defaults). */
const BATCH = 200;
/** The hidden item whose relationship `{agentType}` lists the ids that agent last wrote (DefaultProviderCache). */
const ALL = '_ALL_';
const ALL_ATTRIBUTES = JSON.stringify({ id: ALL });
/** Ids per read pipeline. */
const READ_CHUNK = 2000;

export interface RedisCacheStoreOptions {
  readonly redis: Redis;
  readonly clock: Clock;
  /** Prepended to every key; empty (the default) shares keys with the Java service. */
  readonly keyPrefix?: string;
  /** Skip unchanged values by SHA-1 (Clouddriver `caching.redis.hashing`, default true). */
  readonly hashing?: boolean;
}

/**
 * The cache in Clouddriver's Redis layout (cats-redis RedisCache + AbstractRedisCache, written
 * through cats-core DefaultProviderCache), with the namespace as the key prefix `{p}`:
 * `{p}:{type}:members` SET, `{p}:{type}:attributes:{id}` JSON, `{p}:{type}:relationships:{id}:{rel}:{agentType}`
 * JSON id array, `{p}:{type}:relationships` SET of `{rel}:{agentType}` names, `{p}:{type}:hashes`
 * HASH key -> SHA-1 of the UTF-16LE value (Guava `putUnencodedChars`), `{p}:{type}:hashes.disabled`.
 * Agent ids are the `_ALL_` item's relationship named exactly `{agentType}`. Writes are pipelined
 * in batches of 200; items with a TTL get EXPIRE on every key and are never hash-skipped.
 * A cache the Java service wrote reads back as it would there.
 *
 * Where it departs from the Java writer, because the CacheStore SPI requires it:
 * - Empty attributes are written as `{}` (Java writes no attributes key, which hides the item).
 * - A write deletes the writing agent's relationship keys the item no longer has (Java leaves
 *   them), so a write replaces exactly that agent's relationships.
 * - Expiry follows the injected clock as well as Redis TTLs: `{p}:{type}:expiry` (ZSET id ->
 *   expiresAt ms, a key Java neither reads nor writes) hides items whose time has passed and lets
 *   a later write evict them, members and all. `identifiers` also drop ids whose expiry is
 *   recorded there; ids of TTL items the Java service wrote stay listed after their keys expire,
 *   as they do in Java.
 * - Keys written with a TTL have their hash field deleted, so a later identical write without a
 *   TTL is not skipped while the old key is still counting down.
 */
export class RedisCacheStoreDriver implements CacheStoreDriver {
  readonly name = 'redis';

  constructor(private readonly opts: RedisCacheStoreOptions) {}

  open(namespace: string): CacheStore {
    return new RedisCacheStore(this.opts.redis, `${this.opts.keyPrefix ?? ''}${namespace}`, this.opts.clock, this.opts.hashing ?? true);
  }

  async ping(): Promise<void> {
    await this.opts.redis.ping();
  }

  /** The connection belongs to whoever opened it (openStores shares one). */
  async close(): Promise<void> {}
}

class RedisCacheStore implements CacheStore {
  constructor(
    private readonly redis: Redis,
    private readonly base: string,
    private readonly clock: Clock,
    private readonly hashing: boolean,
  ) {}

  private members = (type: string) => `${this.base}:${type}:members`;
  private attributesKey = (type: string, id: string) => `${this.base}:${type}:attributes:${id}`;
  private relKey = (type: string, id: string, rel: string) => `${this.base}:${type}:relationships:${id}:${rel}`;
  private relNames = (type: string) => `${this.base}:${type}:relationships`;
  private hashes = (type: string) => `${this.base}:${type}:hashes`;
  private hashesDisabled = (type: string) => `${this.base}:${type}:hashes.disabled`;
  private expiry = (type: string) => `${this.base}:${type}:expiry`;

  async put(type: string, agent: string, items: readonly StoredItem[]): Promise<void> {
    if (items.length === 0) return;
    const now = this.clock.now();
    const [names, disabled, expired] = (await execPipeline(
      this.redis.pipeline().smembers(this.relNames(type)).exists(this.hashesDisabled(type)).zrangebyscore(this.expiry(type), '-inf', now),
    )) as [string[], number, string[]];
    const agentRels = names.filter((n) => agentOf(n) === agent);
    const hashing = this.hashing && disabled === 0;
    // Batches go out back to back on the one connection (replies come in order), not one round trip each.
    const batches: Promise<void>[] = [];
    for (let i = 0; i < items.length; i += BATCH) batches.push(this.mergeBatch(type, agent, items.slice(i, i + BATCH), agentRels, hashing, now));
    await Promise.all(batches);
    if (expired.length > 0) {
      const writing = new Set(items.map((i) => i.id));
      await this.evict(type, expired.filter((id) => !writing.has(id)));
    }
  }

  private async mergeBatch(type: string, agent: string, items: readonly StoredItem[], agentRels: readonly string[], hashing: boolean, now: number): Promise<void> {
    const values = new Map<string, string>();
    const hashable: string[] = [];
    const expiring: [key: string, seconds: number][] = [];
    const stale: string[] = [];
    const written = new Set<string>();
    const expiries: (string | number)[] = [];
    const persistent: string[] = [];
    for (const item of items) {
      const keys = [this.attributesKey(type, item.id)];
      values.set(keys[0] as string, JSON.stringify(item.attributes));
      const names = new Set<string>();
      for (const [rel, ids] of Object.entries(item.relationships)) {
        const name = `${rel}:${agent}`;
        names.add(name);
        const key = this.relKey(type, item.id, name);
        keys.push(key);
        values.set(key, JSON.stringify([...new Set(ids)]));
      }
      for (const n of agentRels) if (!names.has(n)) stale.push(this.relKey(type, item.id, n));
      for (const n of names) written.add(n);
      if (item.expiresAt === undefined) {
        hashable.push(...keys);
        persistent.push(item.id);
      } else {
        const seconds = Math.max(1, Math.ceil((item.expiresAt - now) / 1000));
        for (const key of keys) expiring.push([key, seconds]);
        expiries.push(item.expiresAt, item.id);
      }
    }
    const newHashes: Record<string, string> = {};
    if (hashing && hashable.length > 0) {
      const current = await this.redis.hmget(this.hashes(type), ...hashable);
      hashable.forEach((key, i) => {
        const hash = sha1(values.get(key) as string);
        if (current[i] === hash) values.delete(key);
        else newHashes[key] = hash;
      });
    }
    const p = this.redis.pipeline();
    p.sadd(this.members(type), ...items.map((i) => i.id));
    const flat = [...values].flat();
    for (let i = 0; i < flat.length; i += BATCH * 2) p.mset(...flat.slice(i, i + BATCH * 2));
    if (written.size > 0) p.sadd(this.relNames(type), ...written);
    if (Object.keys(newHashes).length > 0) p.hset(this.hashes(type), newHashes);
    const unhashed = [...stale, ...expiring.map(([key]) => key)];
    for (let i = 0; i < unhashed.length; i += BATCH) p.hdel(this.hashes(type), ...unhashed.slice(i, i + BATCH));
    for (let i = 0; i < stale.length; i += BATCH) p.del(...stale.slice(i, i + BATCH));
    if (expiries.length > 0) p.zadd(this.expiry(type), ...expiries);
    if (persistent.length > 0) p.zrem(this.expiry(type), ...persistent);
    for (const [key, seconds] of expiring) p.expire(key, seconds);
    await execPipeline(p);
  }

  async evict(type: string, ids: readonly string[]): Promise<void> {
    const unique = [...new Set(ids)].filter((id) => id !== ALL);
    if (unique.length === 0) return;
    const names = await this.redis.smembers(this.relNames(type));
    for (let i = 0; i < unique.length; i += BATCH) {
      const part = unique.slice(i, i + BATCH);
      const keys = part.flatMap((id) => [this.attributesKey(type, id), ...names.map((n) => this.relKey(type, id, n))]);
      const p = this.redis.pipeline();
      for (let k = 0; k < keys.length; k += BATCH) {
        p.del(...keys.slice(k, k + BATCH));
        p.hdel(this.hashes(type), ...keys.slice(k, k + BATCH));
      }
      p.srem(this.members(type), ...part);
      p.zrem(this.expiry(type), ...part);
      await execPipeline(p);
    }
  }

  async get(type: string, ids: readonly string[], filter?: RelationshipFilter): Promise<CacheData[]> {
    const [names, expired] = (await execPipeline(
      this.redis.pipeline().smembers(this.relNames(type)).zrangebyscore(this.expiry(type), '-inf', this.clock.now()),
    )) as [string[], string[]];
    const gone = new Set(expired);
    const unique = [...new Set(ids)].filter((id) => id !== ALL && !gone.has(id));
    if (unique.length === 0) return [];
    const known = names.filter((n) => {
      const rel = relTypeOf(n);
      return rel !== undefined && (filter === undefined || filter.some((prefix) => rel.startsWith(prefix)));
    });
    const out: CacheData[] = [];
    // A bounded number of ids per pipeline keeps memory flat for very large reads.
    for (let i = 0; i < unique.length; i += READ_CHUNK) out.push(...(await this.getChunk(type, unique.slice(i, i + READ_CHUNK), known, filter)));
    return out;
  }

  private async getChunk(type: string, unique: readonly string[], known: readonly string[], filter: RelationshipFilter): Promise<CacheData[]> {
    const keys = unique.flatMap((id) => [this.attributesKey(type, id), ...known.map((n) => this.relKey(type, id, n))]);
    const p = this.redis.pipeline();
    for (let i = 0; i < keys.length; i += BATCH) p.mget(...keys.slice(i, i + BATCH));
    const values = ((await execPipeline(p)) as (string | null)[][]).flat();
    const out: CacheData[] = [];
    const width = known.length + 1;
    unique.forEach((id, i) => {
      const attributes = values[i * width];
      if (attributes === null || attributes === undefined) return;
      const merged = new Map<string, Set<string>>();
      known.forEach((name, r) => {
        const json = values[i * width + 1 + r];
        if (json === null || json === undefined) return;
        const rel = relTypeOf(name) as string;
        let set = merged.get(rel);
        if (!set) merged.set(rel, (set = new Set()));
        for (const rid of JSON.parse(json) as string[]) set.add(rid);
      });
      const relationships = Object.fromEntries([...merged].map(([rel, set]) => [rel, [...set]]));
      out.push({ id, attributes: JSON.parse(attributes) as Record<string, unknown>, relationships: applyRelationshipFilter(relationships, filter) });
    });
    return out;
  }

  async getAll(type: string, filter?: RelationshipFilter): Promise<CacheData[]> {
    return this.get(type, await this.scanMembers(type), filter);
  }

  async identifiers(type: string): Promise<string[]> {
    return this.live(type, await this.scanMembers(type));
  }

  async filterIdentifiers(type: string, glob: string): Promise<string[]> {
    const matches = globMatcher(glob);
    const ids = await this.scanMembers(type, `${escapeRedisGlob(globLiteralPrefix(glob))}*`);
    return this.live(type, ids.filter(matches));
  }

  async existingIdentifiers(type: string, ids: readonly string[]): Promise<string[]> {
    const unique = [...new Set(ids)].filter((id) => id !== ALL);
    if (unique.length === 0) return [];
    const p = this.redis.pipeline().zrangebyscore(this.expiry(type), '-inf', this.clock.now());
    for (const id of unique) p.exists(this.attributesKey(type, id));
    const [expired, ...exists] = (await execPipeline(p)) as [string[], ...number[]];
    const gone = new Set(expired);
    return unique.filter((id, i) => exists[i] === 1 && !gone.has(id));
  }

  async agentIds(type: string, agent: string): Promise<string[]> {
    const json = await this.redis.get(this.relKey(type, ALL, agent));
    return json === null ? [] : (JSON.parse(json) as string[]);
  }

  async setAgentIds(type: string, agent: string, ids: readonly string[]): Promise<void> {
    const attributesKey = this.attributesKey(type, ALL);
    const relKey = this.relKey(type, ALL, agent);
    const value = JSON.stringify([...new Set(ids)]);
    await execPipeline(
      this.redis
        .pipeline()
        .sadd(this.members(type), ALL)
        .mset(attributesKey, ALL_ATTRIBUTES, relKey, value)
        .sadd(this.relNames(type), agent)
        .hset(this.hashes(type), { [attributesKey]: sha1(ALL_ATTRIBUTES), [relKey]: sha1(value) }),
    );
  }

  /** SCANs the keyspace for `{p}:*:members` (the Java layout keeps no index of types): for introspection, not hot paths. */
  async types(): Promise<string[]> {
    const suffix = ':members';
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${escapeRedisGlob(this.base)}:*${suffix}`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        const type = key.slice(this.base.length + 1, -suffix.length);
        if (!type.includes(':')) found.add(type);
      }
    } while (cursor !== '0');
    const candidates = [...found];
    const now = this.clock.now();
    const p = this.redis.pipeline();
    for (const type of candidates) p.scard(this.members(type)).sismember(this.members(type), ALL).zcount(this.expiry(type), '-inf', now);
    const counts = (await execPipeline(p)) as number[];
    return candidates.filter((_, i) => (counts[i * 3] as number) - (counts[i * 3 + 1] as number) - (counts[i * 3 + 2] as number) > 0);
  }

  private async scanMembers(type: string, match?: string): Promise<string[]> {
    const out = new Set<string>();
    let cursor = '0';
    do {
      const [next, ids] = match === undefined
        ? await this.redis.sscan(this.members(type), cursor, 'COUNT', 1000)
        : await this.redis.sscan(this.members(type), cursor, 'MATCH', match, 'COUNT', 1000);
      cursor = next;
      for (const id of ids) if (id !== ALL) out.add(id);
    } while (cursor !== '0');
    return [...out];
  }

  /** Drops ids whose recorded expiry has passed. */
  private async live(type: string, ids: string[]): Promise<string[]> {
    const expired = await this.redis.zrangebyscore(this.expiry(type), '-inf', this.clock.now());
    if (expired.length === 0) return ids;
    const gone = new Set(expired);
    return ids.filter((id) => !gone.has(id));
  }
}

/** A relationship name is `{relType}:{agentType}`; `_ALL_`'s are bare agent types. */
function relTypeOf(name: string): string | undefined {
  const i = name.indexOf(':');
  return i < 0 ? undefined : name.slice(0, i);
}

function agentOf(name: string): string | undefined {
  const i = name.indexOf(':');
  return i < 0 ? undefined : name.slice(i + 1);
}

/** Guava's `Hashing.sha1().putUnencodedChars(s)`: SHA-1 over the UTF-16LE code units, hex. */
function sha1(value: string): string {
  return createHash('sha1').update(value, 'utf16le').digest('hex');
}
