import type { Clock } from '../../core/Clock.js';
import { PollingChangeFeed, type ChangeFeedRow, type ChangeFeedTable } from '../PollingChangeFeed.js';
import type { SqlClient } from './SqlClient.js';

export interface SqlChangeFeedOptions {
  readonly client: SqlClient;
  readonly clock: Clock;
  /** Default 100 ms: one primary-key range read per instance and interval. */
  readonly pollIntervalMs?: number;
  readonly retentionMs?: number;
  readonly purgeIntervalMs?: number;
  readonly holeGraceMs?: number;
  readonly maxMessageBytes?: number;
}

/** A MySQL `text` column holds 65,535 bytes. */
export const SQL_MAX_MESSAGE_BYTES = 65_535;
/** Rows deleted per statement when purging, so a purge never holds long locks. */
const DELETE_CHUNK = 5_000;

/**
 * The change feed of MySQL/MariaDB (no notifications) over the polled `cdts_change_feed` table
 * (migration 4; see PollingChangeFeed). It runs on PostgreSQL too, where LISTEN is unavailable
 * (a transaction-pooling proxy such as PgBouncer), though PostgresChangeFeed is the default there.
 */
export class SqlChangeFeed extends PollingChangeFeed {
  constructor(opts: SqlChangeFeedOptions) {
    super({
      name: opts.client.dialect.name,
      table: sqlTable(opts.client),
      clock: opts.clock,
      pollIntervalMs: opts.pollIntervalMs ?? 100,
      maxMessageBytes: Math.min(opts.maxMessageBytes ?? SQL_MAX_MESSAGE_BYTES, SQL_MAX_MESSAGE_BYTES),
      ...(opts.retentionMs === undefined ? {} : { retentionMs: opts.retentionMs }),
      ...(opts.purgeIntervalMs === undefined ? {} : { purgeIntervalMs: opts.purgeIntervalMs }),
      ...(opts.holeGraceMs === undefined ? {} : { holeGraceMs: opts.holeGraceMs }),
    });
  }
}

function sqlTable(client: SqlClient): ChangeFeedTable {
  const maxId = async () => {
    const { rows } = await client.query<{ id: number | string | null }>('SELECT MAX(id) AS id FROM cdts_change_feed');
    return Number(rows[0]?.id ?? 0);
  };
  const asRows = (rows: { id: number | string; topic: string; message: string }[]): ChangeFeedRow[] =>
    rows.map((r) => ({ id: Number(r.id), topic: r.topic, message: r.message }));
  return {
    async insert(rows) {
      await client.query(
        `INSERT INTO cdts_change_feed (topic, message, created_at) VALUES ${rows.map(() => '(?, ?, ?)').join(', ')}`,
        rows.flatMap((r) => [r.topic, r.message, r.createdAt]),
      );
    },
    maxId,
    async readFrom(from, limit) {
      const { rows } = await client.query<{ id: number; topic: string; message: string }>(
        `SELECT id, topic, message FROM cdts_change_feed WHERE id >= ? ORDER BY id LIMIT ${Math.trunc(limit)}`,
        [from],
      );
      return asRows(rows);
    },
    async readIds(ids) {
      const out: ChangeFeedRow[] = [];
      for (let i = 0; i < ids.length; i += 500) {
        const chunk = ids.slice(i, i + 500);
        const { rows } = await client.query<{ id: number; topic: string; message: string }>(
          `SELECT id, topic, message FROM cdts_change_feed WHERE id IN (${chunk.map(() => '?').join(', ')})`,
          chunk,
        );
        out.push(...asRows(rows));
      }
      return out;
    },
    async purge(cutoff) {
      const { rows } = await client.query<{ id: number }>('SELECT id FROM cdts_change_feed WHERE created_at >= ? ORDER BY id LIMIT 1', [cutoff]);
      const keepFrom = rows[0] === undefined ? await maxId() : Number(rows[0].id);
      if (client.dialect.name === 'mysql') {
        while ((await client.query(`DELETE FROM cdts_change_feed WHERE id < ? ORDER BY id LIMIT ${DELETE_CHUNK}`, [keepFrom])).affected === DELETE_CHUNK);
        return;
      }
      await client.query('DELETE FROM cdts_change_feed WHERE id < ?', [keepFrom]);
    },
    async ping() {
      await client.query('SELECT 1');
    },
  };
}
