import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureServer } from '../../../test/helpers/ensureServers.js';
import { describeChangeFeedContract, describePollingChangeFeedContract, Received } from '../../testing/contracts/changeFeedContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { migrate } from './migrations.js';
import { PostgresChangeFeed } from './PostgresChangeFeed.js';
import { SqlChangeFeed } from './SqlChangeFeed.js';
import { openSqlClient, type SqlClient, type SqlSettings } from './SqlClient.js';
import type { SqlDialect } from './SqlDialect.js';

type Dialect = SqlDialect['name'];
const URLS: Record<Dialect, string> = {
  postgres: process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  mysql: process.env.TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test',
};

interface Scratch {
  readonly name: string;
  readonly settings: SqlSettings;
  /** Two pools on the scratch schema (PostgreSQL) or database (MySQL), as two instances have. */
  readonly clients: readonly [SqlClient, SqlClient];
  readonly admin: SqlClient;
}

/** A migrated scratch schema/database per dialect for this file's run (named like sqlStores.test.ts's, so stale ones are dropped there). */
const scratches = new Map<Dialect, Promise<Scratch>>();
function scratch(dialect: Dialect): Promise<Scratch> {
  let p = scratches.get(dialect);
  if (!p) {
    p = (async () => {
      await ensureServer(dialect);
      const admin = await openSqlClient({ dialect, url: URLS[dialect], maxPoolSize: 2 });
      const name = `cdts_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
      await admin.query(dialect === 'postgres' ? `CREATE SCHEMA ${name}` : `CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
      const settings: SqlSettings =
        dialect === 'postgres' ? { dialect, url: URLS.postgres, schema: name, maxPoolSize: 4 } : { dialect, url: URLS.mysql.replace(/\/[^/]*$/, `/${name}`), maxPoolSize: 4 };
      const clients = [await openSqlClient(settings), await openSqlClient(settings)] as const;
      await migrate(clients[0]);
      return { name, settings, clients, admin };
    })();
    scratches.set(dialect, p);
  }
  return p;
}

afterAll(async () => {
  for (const [dialect, p] of scratches) {
    const s = await p;
    for (const c of s.clients) await c.close();
    await s.admin.query(dialect === 'postgres' ? `DROP SCHEMA IF EXISTS ${s.name} CASCADE` : `DROP DATABASE IF EXISTS ${s.name}`);
    await s.admin.close();
  }
});

describeChangeFeedContract('postgres LISTEN/NOTIFY (two pools)', async () => {
  const { clients, settings, admin } = await scratch('postgres');
  const applicationName = `cdts-test-feed-${randomBytes(4).toString('hex')}`;
  return {
    a: new PostgresChangeFeed({ client: clients[0], settings }),
    b: new PostgresChangeFeed({ client: clients[1], settings, applicationName, reconnectMs: { initial: 20, max: 200 } }),
    dropSubscriber: async () => {
      const { rows } = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = ?', [applicationName]);
      expect(rows.map((r) => r.ok)).toEqual([true]);
    },
    cleanup: async () => {},
  };
});

for (const dialect of ['mysql', 'postgres'] as const) {
  describeChangeFeedContract(`${dialect} polled (two pools)`, async () => {
    const { clients } = await scratch(dialect);
    const clock = new ManualClock(Date.now());
    return { a: new SqlChangeFeed({ client: clients[0], clock }), b: new SqlChangeFeed({ client: clients[1], clock }), cleanup: async () => {} };
  });

  describePollingChangeFeedContract(dialect, async () => {
    const { clients } = await scratch(dialect);
    await clients[0].query('DELETE FROM cdts_change_feed');
    const clock = new ManualClock(Date.now());
    return {
      a: new SqlChangeFeed({ client: clients[0], clock }),
      b: new SqlChangeFeed({ client: clients[1], clock, pollIntervalMs: 3_600_000 }),
      clock,
      rowCount: async () => Number((await clients[0].query<{ n: number | string }>('SELECT COUNT(*) AS n FROM cdts_change_feed')).rows[0]?.n),
      insertUncommitted: (topic, message) => insertUncommitted(clients[0], topic, message, clock.now()),
      cleanup: async () => {},
    };
  });
}

/** The error ping rejects with within `withinMs` (asked every 10 ms). */
async function pingFailure(feed: PostgresChangeFeed, withinMs: number): Promise<unknown> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    const err = await feed.ping().then(() => undefined, (e: unknown) => e);
    if (err !== undefined) return err;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`ping kept succeeding for ${withinMs} ms`);
}

/** Inserts a feed row in a transaction held open on its own connection until commit or rollback. */
async function insertUncommitted(client: SqlClient, topic: string, message: string, createdAt: number) {
  let decide!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (decide = resolve));
  let inserted!: () => void;
  const ready = new Promise<void>((resolve) => (inserted = resolve));
  const done = client.session(async (conn) => {
    await conn.query(client.dialect.name === 'postgres' ? 'BEGIN' : 'START TRANSACTION');
    await conn.query('INSERT INTO cdts_change_feed (topic, message, created_at) VALUES (?, ?, ?)', [topic, message, createdAt]);
    inserted();
    await conn.query((await decided) ? 'COMMIT' : 'ROLLBACK');
  });
  await Promise.race([ready, done]);
  return {
    commit: async () => (decide(true), await done),
    rollback: async () => (decide(false), await done),
  };
}

describe('PostgresChangeFeed', () => {
  it('keeps installs in different schemas of one database apart, and LISTENs only once subscribed', async () => {
    const { clients, settings, admin } = await scratch('postgres');
    const applicationName = `cdts-test-feed-${randomBytes(4).toString('hex')}`;
    const here = new PostgresChangeFeed({ client: clients[0], settings, applicationName });
    const otherSchema = new PostgresChangeFeed({ client: admin, settings: { dialect: 'postgres', url: URLS.postgres } });
    const otherNamespace = new PostgresChangeFeed({ client: clients[1], settings, namespace: 'blue' });
    const listeners = async () => (await admin.query('SELECT pid FROM pg_stat_activity WHERE application_name = ?', [applicationName])).rows.length;
    try {
      const got = new Received();
      await here.publish('apps', 'not yet listening');
      expect(await listeners()).toBe(0);
      await here.subscribe('apps', got.handlers);
      expect(await listeners()).toBe(1);
      await otherSchema.publish('apps', 'other schema');
      await otherNamespace.publish('apps', 'other namespace');
      await here.publish('apps', 'mine');
      await got.count(1);
      expect(got.messages).toEqual(['mine']);
    } finally {
      await here.close();
      await otherSchema.close();
      await otherNamespace.close();
    }
    expect(await listeners()).toBe(0);
  });

  it('reports its LISTEN connection down in ping until it is back, and closes while reconnecting', async () => {
    const { clients, settings, admin } = await scratch('postgres');
    const applicationName = `cdts-test-feed-${randomBytes(4).toString('hex')}`;
    const feed = new PostgresChangeFeed({ client: clients[0], settings, applicationName, reconnectMs: { initial: 300, max: 300 } });
    const terminate = async () =>
      (await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = ?', [applicationName])).rows.length;
    try {
      const got = new Received();
      await feed.subscribe('t', got.handlers);
      await feed.ping();
      expect(await terminate()).toBe(1);
      expect(String(await pingFailure(feed, 2_000))).toMatch(/LISTEN connection is down/);
      await got.until('onGap', () => got.gaps === 1);
      await feed.ping();
      expect(await terminate()).toBe(1);
      await pingFailure(feed, 2_000);
      await feed.close();
      // Two reconnect delays: a reconnect left scheduled would have connected by then.
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(await terminate()).toBe(0);
    } finally {
      await feed.close();
    }
  });

  it('caps messages below the 8000 bytes PostgreSQL allows a NOTIFY payload', async () => {
    const { clients, settings } = await scratch('postgres');
    const feed = new PostgresChangeFeed({ client: clients[0], settings, maxMessageBytes: 100_000 });
    expect(feed.maxMessageBytes).toBe(7999);
    await feed.close();
  });
});
