import type { Redis } from 'ioredis';
import type { Clock } from '../../core/Clock.js';
import type { ReplicaRegistry } from '../../core/agents/ReplicaRegistry.js';

/** Clouddriver's key (`CachingPodsObserver`): a ZSET of replica ids scored by their expiry in ms. */
export const REPLICAS_KEY = 'clouddriver:caching:replicas';

/**
 * Replicas as Clouddriver's Redis `CachingPodsObserver` keeps them: `ZADD` with score = now +
 * time to live, expired members dropped with `ZREMRANGEBYSCORE` before reading, so Java and
 * TypeScript replicas see the same membership.
 */
export class RedisReplicaRegistry implements ReplicaRegistry {
  private readonly key: string;

  constructor(private readonly opts: { redis: Redis; clock: Clock; ttlMs: number; keyPrefix?: string }) {
    this.key = `${opts.keyPrefix ?? ''}${REPLICAS_KEY}`;
  }

  async heartbeat(replicaId: string): Promise<void> {
    await this.opts.redis.zadd(this.key, this.opts.clock.now() + this.opts.ttlMs, replicaId);
  }

  async replicas(): Promise<string[]> {
    const now = this.opts.clock.now();
    const [, live] = (await this.opts.redis.multi().zremrangebyscore(this.key, '-inf', now).zrangebyscore(this.key, `(${now}`, '+inf').exec()) ?? [];
    return ((live?.[1] ?? []) as string[]).sort();
  }

  async remove(replicaId: string): Promise<void> {
    await this.opts.redis.zrem(this.key, replicaId);
  }

  async close(): Promise<void> {}
}
