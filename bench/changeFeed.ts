/**
 * Change feed: publish → receive latency (p50/p99, one message in flight, another instance's
 * connection receiving) and burst throughput, per driver, each beside its same-run raw baseline:
 * a bare ioredis PUBLISH/SUBSCRIBE round trip, a bare pg NOTIFY/LISTEN round trip, a bare
 * INSERT then SELECT of the row on a second connection (MySQL, SQLite: the floor of a polled
 * table without the poll interval), a bare microtask hop (memory).
 *
 *   npm run bench:changefeed [-- iterations burst]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ensureServer } from '../test/helpers/ensureServers.js';
import { systemClock } from '../src/core/Clock.js';
import type { ChangeFeed } from '../src/core/cache/ChangeFeed.js';
import { InMemoryChangeFeed, InMemoryChangeFeedHub } from '../src/stores/memory/InMemoryChangeFeed.js';
import { openRedis } from '../src/stores/redis/openRedis.js';
import { RedisChangeFeed } from '../src/stores/redis/RedisChangeFeed.js';
import { migrate } from '../src/stores/sql/migrations.js';
import { PostgresChangeFeed } from '../src/stores/sql/PostgresChangeFeed.js';
import { SqlChangeFeed } from '../src/stores/sql/SqlChangeFeed.js';
import { openSqlClient, type SqlClient, type SqlSettings } from '../src/stores/sql/SqlClient.js';
import { openSqliteDatabase } from '../src/stores/sqlite/openSqliteDatabase.js';
import { SqliteChangeFeed } from '../src/stores/sqlite/SqliteChangeFeed.js';
import { percentile, report, round, sleep } from './lib.js';

const iterations = Number(process.argv[2] ?? '300');
const burst = Number(process.argv[3] ?? '10000');
const REDIS = 'redis://127.0.0.1:6379';
const PG = 'postgres://postgres@127.0.0.1:5432/test';
const MYSQL = 'mysql://root@127.0.0.1:3306/test';
const PAYLOAD = JSON.stringify({ account: 'prod', kind: 'replicaSet', namespace: 'web', name: 'web-v001', resourceVersion: '123456' });

/** Something that carries a message from one connection to another. */
interface Pair {
  publish(message: string): Promise<void>;
  /** Sets the one receiver; resolves once receiving. */
  receive(onMessage: (message: string) => void): Promise<void>;
  close(): Promise<void>;
}

interface Figures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  perSecond: number;
}

/** Latency of `iterations` sequential round trips (a random pause before each, up to `jitterMs`), then one burst. */
async function measure(pair: Pair, jitterMs: number): Promise<Figures> {
  const waiting = new Map<string, () => void>();
  let received = 0;
  let allIn: (() => void) | undefined;
  await pair.receive((m) => {
    received++;
    waiting.get(m)?.();
    if (received >= burst && allIn) allIn();
  });
  const latencies: number[] = [];
  for (let i = 0; i < iterations; i++) {
    if (jitterMs > 0) await sleep(Math.random() * jitterMs);
    const message = `${i} ${PAYLOAD}`;
    const arrived = new Promise<void>((resolve) => waiting.set(message, resolve));
    const t0 = performance.now();
    await pair.publish(message);
    await withDeadline(arrived, 10_000, `message ${i}`);
    latencies.push(performance.now() - t0);
    waiting.delete(message);
  }
  received = 0;
  const done = new Promise<void>((resolve) => (allIn = resolve));
  const t0 = performance.now();
  await Promise.all(Array.from({ length: burst }, (_, i) => pair.publish(`b${i} ${PAYLOAD}`)));
  await withDeadline(done, 120_000, `${burst} messages`);
  const seconds = (performance.now() - t0) / 1000;
  return { p50Ms: round(percentile(latencies, 50), 2), p99Ms: round(percentile(latencies, 99), 2), maxMs: round(Math.max(...latencies), 2), perSecond: Math.round(burst / seconds) };
}

async function withDeadline(p: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not arrive within ${ms} ms`)), ms)))]);
  clearTimeout(timer);
}

/** Two feeds (two instances): publish on one, receive on the other. */
function feedPair(a: ChangeFeed, b: ChangeFeed, topic = 'bench'): Pair {
  return {
    publish: (m) => a.publish(topic, m),
    receive: async (onMessage) => void (await b.subscribe(topic, { onMessage })),
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

/**
 * Bare INSERTs on one connection (messages queued meanwhile go in one multi-row INSERT, as the
 * feed does), each followed at once by a SELECT of what is new on another: a polled table with
 * no poll interval and no bookkeeping.
 */
function insertSelectPair(
  insertMany: (messages: string[]) => Promise<void>,
  selectNew: (after: number) => Promise<{ id: number; message: string }[]>,
  newest: () => Promise<number>,
): Pair {
  let cursor = 0;
  let deliver: (m: string) => void = () => undefined;
  const queue: { message: string; done: () => void }[] = [];
  let flushing = false;
  const flush = async () => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, 500);
      await insertMany(batch.map((q) => q.message));
      for (;;) {
        const rows = await selectNew(cursor);
        for (const r of rows) {
          cursor = Math.max(cursor, r.id);
          deliver(r.message);
        }
        if (rows.length < 1000) break;
      }
      for (const q of batch) q.done();
    }
    flushing = false;
  };
  return {
    publish: (message) =>
      new Promise<void>((done) => {
        queue.push({ message, done });
        if (!flushing) void flush();
      }),
    receive: async (onMessage) => {
      deliver = onMessage;
      cursor = await newest();
    },
    close: async () => {},
  };
}

const results: Record<string, unknown>[] = [];
async function run(driver: string, what: string, pair: Pair, jitterMs = 0): Promise<void> {
  try {
    const f = await measure(pair, jitterMs);
    const line = { driver, what, iterations, burst, ...f };
    results.push(line);
    report('changeFeed', line);
  } finally {
    await pair.close();
  }
}

// Memory.
{
  const hub = new InMemoryChangeFeedHub();
  await run('memory', 'InMemoryChangeFeed', feedPair(new InMemoryChangeFeed({ hub }), new InMemoryChangeFeed({ hub })));
  let deliver: (m: string) => void = () => undefined;
  await run('memory', 'baseline: queueMicrotask hop', { publish: async (m) => queueMicrotask(() => deliver(m)), receive: async (f) => void (deliver = f), close: async () => {} });
}

// SQLite: two connections to one file.
{
  const dir = mkdtempSync(join(tmpdir(), 'bench-feed-'));
  const path = join(dir, 'feed.db');
  const [one, two] = [openSqliteDatabase(path), openSqliteDatabase(path)];
  try {
    await run('sqlite', 'SqliteChangeFeed (poll 50 ms)', feedPair(new SqliteChangeFeed({ db: one, clock: systemClock }), new SqliteChangeFeed({ db: two, clock: systemClock })), 50);
    const insert = one.prepare('INSERT INTO cdts_change_feed (topic, message, created_at) VALUES (?, ?, ?)');
    const insertAll = one.transaction((messages: string[]) => {
      for (const m of messages) insert.run('raw', m, Date.now());
    });
    const select = two.prepare<[number], { id: number; message: string }>('SELECT id, message FROM cdts_change_feed WHERE id > ? ORDER BY id LIMIT 1000');
    await run(
      'sqlite',
      'baseline: INSERT + SELECT',
      insertSelectPair(
        async (messages) => void insertAll(messages),
        async (after) => select.all(after),
        async () => (two.prepare('SELECT MAX(id) AS id FROM cdts_change_feed').get() as { id: number | null }).id ?? 0,
      ),
    );
  } finally {
    one.close();
    two.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// Redis: two clients, as two instances.
{
  await ensureServer('redis');
  const [one, two] = [await openRedis({ connection: REDIS }), await openRedis({ connection: REDIS })];
  const keyPrefix = `cdts-bench:${randomBytes(4).toString('hex')}:`;
  try {
    await run('redis', 'RedisChangeFeed', feedPair(new RedisChangeFeed({ redis: one, keyPrefix }), new RedisChangeFeed({ redis: two, keyPrefix })));
    const sub = new Redis(REDIS);
    const channel = `${keyPrefix}raw`;
    await run('redis', 'baseline: ioredis PUBLISH/SUBSCRIBE', {
      publish: async (m) => void (await one.publish(channel, m)),
      receive: async (onMessage) => {
        sub.on('message', (_c: string, m: string) => onMessage(m));
        await sub.subscribe(channel);
      },
      close: async () => void sub.disconnect(),
    });
  } finally {
    await one.quit();
    await two.quit();
  }
}

// PostgreSQL and MySQL: a scratch schema / database each, migrated.
const scratch = `cdts_b_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
{
  await ensureServer('postgres');
  const admin = await openSqlClient({ dialect: 'postgres', url: PG, maxPoolSize: 1 });
  await admin.query(`CREATE SCHEMA ${scratch}`);
  const settings: SqlSettings = { dialect: 'postgres', url: PG, schema: scratch, maxPoolSize: 4 };
  const [one, two] = [await openSqlClient(settings), await openSqlClient(settings)];
  try {
    await migrate(one);
    await run('postgres', 'PostgresChangeFeed (LISTEN/NOTIFY)', feedPair(new PostgresChangeFeed({ client: one, settings }), new PostgresChangeFeed({ client: two, settings })));
    const [pub, sub] = [new pg.Client({ connectionString: PG }), new pg.Client({ connectionString: PG })];
    await pub.connect();
    await sub.connect();
    const channel = `bench_raw_${randomBytes(4).toString('hex')}`;
    await run('postgres', 'baseline: pg NOTIFY/LISTEN', {
      publish: async (m) => void (await pub.query('SELECT pg_notify($1, $2)', [channel, m])),
      receive: async (onMessage) => {
        sub.on('notification', (n) => onMessage(n.payload ?? ''));
        await sub.query(`LISTEN ${channel}`);
      },
      close: async () => {
        await pub.end();
        await sub.end();
      },
    });
  } finally {
    await one.close();
    await two.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${scratch} CASCADE`);
    await admin.close();
  }
}
{
  await ensureServer('mysql');
  const admin = await openSqlClient({ dialect: 'mysql', url: MYSQL, maxPoolSize: 1 });
  await admin.query(`CREATE DATABASE ${scratch} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const settings: SqlSettings = { dialect: 'mysql', url: MYSQL.replace(/\/[^/]*$/, `/${scratch}`), maxPoolSize: 4 };
  const [one, two]: SqlClient[] = [await openSqlClient(settings), await openSqlClient(settings)];
  try {
    await migrate(one as SqlClient);
    const [a, b] = [one as SqlClient, two as SqlClient];
    await run('mysql', 'SqlChangeFeed (poll 100 ms)', feedPair(new SqlChangeFeed({ client: a, clock: systemClock }), new SqlChangeFeed({ client: b, clock: systemClock })), 100);
    await run(
      'mysql',
      'baseline: INSERT + SELECT',
      insertSelectPair(
        async (messages) =>
          void (await a.query(`INSERT INTO cdts_change_feed (topic, message, created_at) VALUES ${messages.map(() => '(?, ?, ?)').join(', ')}`, messages.flatMap((m) => ['raw', m, Date.now()]))),
        async (after) => (await b.query<{ id: number; message: string }>('SELECT id, message FROM cdts_change_feed WHERE id > ? ORDER BY id LIMIT 1000', [after])).rows,
        async () => Number((await b.query<{ id: number | null }>('SELECT MAX(id) AS id FROM cdts_change_feed')).rows[0]?.id ?? 0),
      ),
    );
  } finally {
    await one?.close();
    await two?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${scratch}`);
    await admin.close();
  }
}

console.log('\n| Driver | What | p50 | p99 | max | Burst msgs/s |\n|---|---|---:|---:|---:|---:|');
for (const r of results) console.log(`| ${String(r.driver)} | ${String(r.what)} | ${String(r.p50Ms)} ms | ${String(r.p99Ms)} ms | ${String(r.maxMs)} ms | ${Number(r.perSecond).toLocaleString('en-US')} |`);
