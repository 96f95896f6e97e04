import type { Redis } from 'ioredis';
import type { Clock } from '../../core/Clock.js';
import type { LeaseStore } from '../../core/agents/LeaseStore.js';

/*
 * KEYS[1] = lease key (value: owner), KEYS[2] = its deadline key (value: expiresAt by our clock).
 * ARGV = owner, ttlMs, now. A lease is live while the key exists (Redis PX) and, when a deadline
 * was recorded, the deadline is after `now`; keys the Java scheduler set have no deadline.
 */
const LIVE = `
local function live(now)
  if redis.call('EXISTS', KEYS[1]) == 0 then return false end
  local d = redis.call('GET', KEYS[2])
  return (not d) or tonumber(d) > now
end
`;
const ACQUIRE = `${LIVE}
local now = tonumber(ARGV[3])
if not redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if live(now) then return 0 end
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
end
redis.call('SET', KEYS[2], now + tonumber(ARGV[2]), 'PX', ARGV[2])
return 1`;
const EXTEND = `${LIVE}
local now = tonumber(ARGV[3])
if redis.call('GET', KEYS[1]) ~= ARGV[1] or not live(now) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], now + tonumber(ARGV[2]), 'PX', ARGV[2])
return 1`;
const RELEASE = `${LIVE}
if redis.call('GET', KEYS[1]) ~= ARGV[1] or not live(tonumber(ARGV[3])) then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;
const HOLDER = `${LIVE}
if not live(tonumber(ARGV[3])) then return false end
return redis.call('GET', KEYS[1])`;

/**
 * Leases as Clouddriver's ClusteredAgentScheduler keeps its agent locks: key = the lease name
 * (the agent type), value = owner, `SET key owner NX PX ttl`, owner-checked extend and release
 * in Lua, so Java and TypeScript instances contend for the same locks. A companion
 * `{key}:deadline` key records the expiry by the injected clock, so expiry is exact under a
 * test clock too; locks the Java service took have none and expire by PX alone.
 */
export class RedisLeaseStore implements LeaseStore {
  constructor(private readonly opts: { redis: Redis; clock: Clock; keyPrefix?: string }) {}

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.run(ACQUIRE, key, owner, ttlMs)) === 1;
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.run(EXTEND, key, owner, ttlMs)) === 1;
  }

  async release(key: string, owner: string): Promise<boolean> {
    return (await this.run(RELEASE, key, owner, 0)) === 1;
  }

  async holder(key: string): Promise<string | undefined> {
    return ((await this.run(HOLDER, key, '', 0)) as string | null) ?? undefined;
  }

  async close(): Promise<void> {}

  private run(script: string, key: string, owner: string, ttlMs: number): Promise<unknown> {
    const k = `${this.opts.keyPrefix ?? ''}${key}`;
    return this.opts.redis.eval(script, 2, k, `${k}:deadline`, owner, Math.max(1, Math.ceil(ttlMs)), this.opts.clock.now());
  }
}
