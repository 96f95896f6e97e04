import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureServer } from '../../../test/helpers/ensureServers.js';
import { describeChangeFeedContract, Received } from '../../testing/contracts/changeFeedContract.js';
import { openRedis } from './openRedis.js';
import { RedisChangeFeed } from './RedisChangeFeed.js';

const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two clients, as two service instances have; each feed's subscriber is a duplicate of its client. */
const clients: Redis[] = [];
async function client(i: 0 | 1): Promise<Redis> {
  await ensureServer('redis');
  while (clients.length <= i) clients.push(await openRedis({ connection: URL }));
  return clients[i] as Redis;
}

afterAll(async () => {
  for (const c of clients) await c.quit();
});

/** Kills the connections named `name` (CLIENT KILL by id, so other runs' subscribers are untouched). */
async function killConnection(r: Redis, name: string): Promise<number> {
  const list = String(await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
  const ids = list
    .split('\n')
    .filter((line) => line.includes(` name=${name} `))
    .map((line) => /(?:^|\s)id=(\d+)/.exec(line)?.[1])
    .filter((id): id is string => id !== undefined);
  for (const id of ids) await r.client('KILL', 'ID', id);
  return ids.length;
}

/** The error ping rejects with within `withinMs` (asked every 10 ms). */
async function pingFailure(feed: RedisChangeFeed, withinMs: number): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const err = await feed.ping().then(() => undefined, (e: unknown) => e);
    if (err !== undefined) return err;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`ping kept succeeding for ${withinMs} ms`);
}

describeChangeFeedContract('redis (two clients)', async () => {
  const keyPrefix = `cdts-test:feed-${randomUUID().slice(0, 8)}:`;
  const name = `cdts-test-feed-${randomUUID().slice(0, 8)}`;
  const admin = await client(0);
  return {
    a: new RedisChangeFeed({ redis: admin, keyPrefix }),
    b: new RedisChangeFeed({ redis: await client(1), keyPrefix, connectionName: name }),
    dropSubscriber: async () => {
      expect(await killConnection(admin, name)).toBe(1);
    },
    cleanup: async () => {},
  };
});

describe('RedisChangeFeed', () => {
  it('publishes on prefixed channels another Redis client can follow, and subscribes only when asked', async () => {
    const r = await client(0);
    const keyPrefix = `cdts-test:feed-${randomUUID().slice(0, 8)}:`;
    const name = `cdts-test-feed-${randomUUID().slice(0, 8)}`;
    const feed = new RedisChangeFeed({ redis: r, keyPrefix, connectionName: name });
    const raw = r.duplicate();
    try {
      const seen = new Received();
      raw.on('message', (channel: string, message: string) => seen.handlers.onMessage(`${channel} ${message}`));
      await raw.subscribe(`${keyPrefix}cdts:changes:0:apps`);
      await feed.publish('apps', 'hello');
      await seen.count(1);
      expect(seen.messages).toEqual([`${keyPrefix}cdts:changes:0:apps hello`]);
      expect(await killConnection(r, name)).toBe(0);
      await feed.subscribe('apps', new Received().handlers);
      expect(String(await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub'))).toContain(` name=${name} `);
    } finally {
      raw.disconnect();
      await feed.close();
    }
    expect(await killConnection(r, name)).toBe(0);
  });

  it('reports its subscriber connection down in ping until it is back', async () => {
    const r = await client(0);
    // Reconnects after 300 ms, so the down state can be seen.
    const slow = new Redis(URL, { retryStrategy: () => 300 });
    const name = `cdts-test-feed-${randomUUID().slice(0, 8)}`;
    const feed = new RedisChangeFeed({ redis: slow, keyPrefix: `cdts-test:feed-${randomUUID().slice(0, 8)}:`, connectionName: name });
    try {
      const got = new Received();
      await feed.subscribe('t', got.handlers);
      await feed.ping();
      await killConnection(r, name);
      expect(String(await pingFailure(feed, 2_000))).toMatch(/subscriber connection is (close|reconnecting|connecting|connect)/);
      await got.until('onGap', () => got.gaps === 1);
      await feed.ping();
    } finally {
      await feed.close();
      slow.disconnect();
    }
  });

  it('closes while its subscriber connection is reconnecting, and it does not come back', async () => {
    const r = await client(0);
    const slow = new Redis(URL, { retryStrategy: () => 300 });
    const name = `cdts-test-feed-${randomUUID().slice(0, 8)}`;
    const feed = new RedisChangeFeed({ redis: slow, keyPrefix: `cdts-test:feed-${randomUUID().slice(0, 8)}:`, connectionName: name });
    try {
      await feed.subscribe('t', new Received().handlers);
      await killConnection(r, name);
      await pingFailure(feed, 2_000);
      await feed.close();
      // Two reconnect delays: a reconnect left scheduled would have connected by then.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await killConnection(r, name)).toBe(0);
    } finally {
      slow.disconnect();
    }
  });
});
