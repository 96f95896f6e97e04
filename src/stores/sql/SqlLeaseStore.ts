import type { Clock } from '../../core/Clock.js';
import type { LeaseStore } from '../../core/agents/LeaseStore.js';
import { withRetries, type SqlClient } from './SqlClient.js';

/**
 * Leases in clouddriver-sql's `cats_agent_locks` table (SqlAgentScheduler): agent_name, owner_id,
 * lock_acquired, lock_expiry (ms by the injected clock). Every operation is one statement on one
 * row (PostgreSQL acquires with a conditional upsert; MySQL takes over an expired row with a
 * conditional UPDATE, else inserts if absent), so concurrent instances never deadlock on a
 * multi-row lock order; a deadlock the server reports anyway is retried.
 */
export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly opts: { client: SqlClient; clock: Clock }) {}

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const { client } = this.opts;
    const now = this.opts.clock.now();
    const expiry = now + ttlMs;
    return withRetries(client.dialect, async () => {
      if (client.dialect.name === 'postgres') {
        const r = await client.query(
          `INSERT INTO cats_agent_locks (agent_name, owner_id, lock_acquired, lock_expiry) VALUES (?, ?, ?, ?)
           ON CONFLICT (agent_name) DO UPDATE SET owner_id = EXCLUDED.owner_id, lock_acquired = EXCLUDED.lock_acquired,
           lock_expiry = EXCLUDED.lock_expiry WHERE cats_agent_locks.lock_expiry <= ?`,
          [key, owner, now, expiry, now],
        );
        return r.affected === 1;
      }
      const takeover = await client.query('UPDATE cats_agent_locks SET owner_id = ?, lock_acquired = ?, lock_expiry = ? WHERE agent_name = ? AND lock_expiry <= ?', [
        owner,
        now,
        expiry,
        key,
        now,
      ]);
      if (takeover.affected === 1) return true;
      const insert = await client.query(client.dialect.insertIgnore('cats_agent_locks', ['agent_name', 'owner_id', 'lock_acquired', 'lock_expiry'], ['agent_name'], 1), [
        key,
        owner,
        now,
        expiry,
      ]);
      return insert.affected === 1;
    });
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.opts.clock.now();
    const r = await withRetries(this.opts.client.dialect, () =>
      this.opts.client.query('UPDATE cats_agent_locks SET lock_expiry = ? WHERE agent_name = ? AND owner_id = ? AND lock_expiry > ?', [now + ttlMs, key, owner, now]),
    );
    return r.affected === 1;
  }

  async release(key: string, owner: string): Promise<boolean> {
    const now = this.opts.clock.now();
    const r = await withRetries(this.opts.client.dialect, () =>
      this.opts.client.query('DELETE FROM cats_agent_locks WHERE agent_name = ? AND owner_id = ? AND lock_expiry > ?', [key, owner, now]),
    );
    return r.affected === 1;
  }

  async holder(key: string): Promise<string | undefined> {
    const { rows } = await this.opts.client.query<{ owner_id: string }>('SELECT owner_id FROM cats_agent_locks WHERE agent_name = ? AND lock_expiry > ?', [
      key,
      this.opts.clock.now(),
    ]);
    return rows[0]?.owner_id;
  }

  async close(): Promise<void> {}
}
