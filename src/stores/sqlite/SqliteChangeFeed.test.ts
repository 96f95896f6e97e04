import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeChangeFeedContract, describePollingChangeFeedContract, Received } from '../../testing/contracts/changeFeedContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { openSqliteDatabase } from './openSqliteDatabase.js';
import { SqliteChangeFeed } from './SqliteChangeFeed.js';

/** One database file opened twice, as two processes sharing it would. */
function twoConnections() {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-feed-'));
  const path = join(dir, 'feed.db');
  const dbs = [openSqliteDatabase(path), openSqliteDatabase(path)] as const;
  return {
    dbs,
    cleanup: async () => {
      for (const db of dbs) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describeChangeFeedContract('sqlite (two connections to one file)', async () => {
  const { dbs, cleanup } = twoConnections();
  const clock = new ManualClock(Date.now());
  return { a: new SqliteChangeFeed({ db: dbs[0], clock }), b: new SqliteChangeFeed({ db: dbs[1], clock }), cleanup };
});

describePollingChangeFeedContract('sqlite', async () => {
  const { dbs, cleanup } = twoConnections();
  const clock = new ManualClock(Date.now());
  return {
    a: new SqliteChangeFeed({ db: dbs[0], clock }),
    b: new SqliteChangeFeed({ db: dbs[1], clock, pollIntervalMs: 3_600_000 }),
    clock,
    rowCount: async () => (dbs[0].prepare('SELECT COUNT(*) AS n FROM cdts_change_feed').get() as { n: number }).n,
    cleanup,
  };
});

describe('SqliteChangeFeed', () => {
  it('polls on its own every pollIntervalMs while subscribed, and not after the last unsubscribe', async () => {
    const { dbs, cleanup } = twoConnections();
    const clock = new ManualClock(Date.now());
    const a = new SqliteChangeFeed({ db: dbs[0], clock });
    const b = new SqliteChangeFeed({ db: dbs[1], clock, pollIntervalMs: 20 });
    try {
      const got = new Received();
      const unsubscribe = await b.subscribe('t', got.handlers);
      const t0 = performance.now();
      await a.publish('t', 'm1');
      await got.count(1);
      expect(performance.now() - t0).toBeLessThan(1_000);
      await unsubscribe();
      await a.publish('t', 'm2');
      // Subscribing again starts from the newest row: m2 was published while nobody listened.
      const again = new Received();
      await b.subscribe('t', again.handlers);
      await a.publish('t', 'm3');
      await again.count(1);
      expect(again.messages).toEqual(['m3']);
      expect(got.messages).toEqual(['m1']);
    } finally {
      await a.close();
      await b.close();
      await cleanup();
    }
  });
});
