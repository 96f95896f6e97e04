import type { Clock } from '../../core/Clock.js';
import type { LeaseStore } from '../../core/agents/LeaseStore.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';

/** Leases in the embedded database: shared by processes that use the same file. */
export class SqliteLeaseStore implements LeaseStore {
  private readonly s;

  constructor(private readonly opts: { db: SqliteDatabase; clock: Clock }) {
    const db = opts.db;
    this.s = {
      acquire: db.prepare(
        `INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at WHERE leases.expires_at <= ?`,
      ),
      extend: db.prepare('UPDATE leases SET expires_at = ? WHERE key = ? AND owner = ? AND expires_at > ?'),
      release: db.prepare('DELETE FROM leases WHERE key = ? AND owner = ? AND expires_at > ?'),
      holder: db.prepare<[string, number], { owner: string }>('SELECT owner FROM leases WHERE key = ? AND expires_at > ?'),
    };
  }

  async tryAcquire(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.opts.clock.now();
    return this.s.acquire.run(key, owner, now + ttlMs, now).changes === 1;
  }

  async extend(key: string, owner: string, ttlMs: number): Promise<boolean> {
    const now = this.opts.clock.now();
    return this.s.extend.run(now + ttlMs, key, owner, now).changes === 1;
  }

  async release(key: string, owner: string): Promise<boolean> {
    return this.s.release.run(key, owner, this.opts.clock.now()).changes === 1;
  }

  async holder(key: string): Promise<string | undefined> {
    return this.s.holder.get(key, this.opts.clock.now())?.owner;
  }

  async close(): Promise<void> {}
}
