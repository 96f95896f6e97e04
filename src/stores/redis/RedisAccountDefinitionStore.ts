import type { Redis } from 'ioredis';
import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';

/**
 * Account definitions in one Redis HASH, `accountDefinitions`: name -> definition JSON.
 * Clouddriver keeps account storage in SQL only, so this layout is our own.
 */
export class RedisAccountDefinitionStore implements AccountDefinitionStore {
  private readonly key: string;

  constructor(private readonly opts: { redis: Redis; keyPrefix?: string }) {
    this.key = `${opts.keyPrefix ?? ''}accountDefinitions`;
  }

  async list(): Promise<Record<string, unknown>[]> {
    const all = await this.opts.redis.hgetall(this.key);
    return Object.keys(all)
      .sort()
      .map((name) => JSON.parse(all[name] as string) as Record<string, unknown>);
  }

  async put(name: string, definition: Record<string, unknown>): Promise<void> {
    await this.opts.redis.hset(this.key, name, JSON.stringify(definition));
  }

  async remove(name: string): Promise<boolean> {
    return (await this.opts.redis.hdel(this.key, name)) === 1;
  }

  async close(): Promise<void> {}
}
