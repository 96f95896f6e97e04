import type { Clock } from '../../core/Clock.js';
import { PollingChangeFeed, type ChangeFeedRow, type ChangeFeedTable } from '../PollingChangeFeed.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';

export interface SqliteChangeFeedOptions {
  readonly db: SqliteDatabase;
  readonly clock: Clock;
  /** Default 50 ms: a poll is one indexed read of the local file. */
  readonly pollIntervalMs?: number;
  /** Default 500 ms: the back-off while nothing arrives (see `PollingChangeFeedOptions`). */
  readonly idlePollIntervalMs?: number;
  readonly retentionMs?: number;
  readonly purgeIntervalMs?: number;
  readonly holeGraceMs?: number;
  readonly maxMessageBytes?: number;
}

/**
 * The change feed of processes sharing one SQLite file: the polled `cdts_change_feed` table
 * (see PollingChangeFeed). SQLite has a single writer, so ids commit in order; AUTOINCREMENT
 * keeps ids from being reused.
 */
export class SqliteChangeFeed extends PollingChangeFeed {
  constructor(opts: SqliteChangeFeedOptions) {
    super({
      name: 'sqlite',
      table: sqliteTable(opts.db),
      clock: opts.clock,
      pollIntervalMs: opts.pollIntervalMs ?? 50,
      idlePollIntervalMs: opts.idlePollIntervalMs ?? Math.max(opts.pollIntervalMs ?? 50, 500),
      maxMessageBytes: opts.maxMessageBytes ?? 1024 * 1024,
      ...(opts.retentionMs === undefined ? {} : { retentionMs: opts.retentionMs }),
      ...(opts.purgeIntervalMs === undefined ? {} : { purgeIntervalMs: opts.purgeIntervalMs }),
      ...(opts.holeGraceMs === undefined ? {} : { holeGraceMs: opts.holeGraceMs }),
    });
  }
}

const DELETE_CHUNK = 5_000;

function sqliteTable(db: SqliteDatabase): ChangeFeedTable {
  const s = {
    insert: db.prepare('INSERT INTO cdts_change_feed (topic, message, created_at) VALUES (?, ?, ?)'),
    maxId: db.prepare<[], { id: number | null }>('SELECT MAX(id) AS id FROM cdts_change_feed'),
    readFrom: db.prepare<[number, number], ChangeFeedRow>('SELECT id, topic, message FROM cdts_change_feed WHERE id >= ? ORDER BY id LIMIT ?'),
    firstSince: db.prepare<[number], { id: number }>('SELECT id FROM cdts_change_feed WHERE created_at >= ? ORDER BY id LIMIT 1'),
    // In chunks, yielding between them: the database calls block the event loop.
    deleteBelow: db.prepare(`DELETE FROM cdts_change_feed WHERE id IN (SELECT id FROM cdts_change_feed WHERE id < ? ORDER BY id LIMIT ${DELETE_CHUNK})`),
  };
  const insertAll = db.transaction((rows: Parameters<ChangeFeedTable['insert']>[0]) => {
    for (const r of rows) s.insert.run(r.topic, r.message, r.createdAt);
  });
  const maxId = () => s.maxId.get()?.id ?? 0;
  return {
    insert: async (rows) => void insertAll(rows),
    maxId: async () => maxId(),
    readFrom: async (from, limit) => s.readFrom.all(from, limit),
    readIds: async (ids) => {
      const out: ChangeFeedRow[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        out.push(...db.prepare<number[], ChangeFeedRow>(`SELECT id, topic, message FROM cdts_change_feed WHERE id IN (${chunk.map(() => '?').join(', ')})`).all(...chunk));
      }
      return out;
    },
    purge: async (cutoff) => {
      const keepFrom = s.firstSince.get(cutoff)?.id ?? maxId();
      while (s.deleteBelow.run(keepFrom).changes === DELETE_CHUNK) await new Promise((resolve) => setImmediate(resolve));
    },
    ping: async () => void maxId(),
  };
}
