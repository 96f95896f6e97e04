import type { Clock } from '../../core/Clock.js';
import type { ReplicaRegistry } from '../../core/agents/ReplicaRegistry.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';

/** Prefix of replica rows in the `leases` table (a replica is a lease its id holds on itself). */
const PREFIX = 'replica:';

/** Replicas sharing one embedded database file, kept as expiring rows of the `leases` table. */
export class SqliteReplicaRegistry implements ReplicaRegistry {
  private readonly s;

  constructor(private readonly opts: { db: SqliteDatabase; clock: Clock; ttlMs: number }) {
    const db = opts.db;
    this.s = {
      beat: db.prepare('INSERT INTO leases (key, owner, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at'),
      live: db.prepare<[string, number], { owner: string }>("SELECT owner FROM leases WHERE key LIKE ? ESCAPE '\\' AND expires_at > ?"),
      remove: db.prepare('DELETE FROM leases WHERE key = ?'),
    };
  }

  async heartbeat(replicaId: string): Promise<void> {
    this.s.beat.run(PREFIX + replicaId, replicaId, this.opts.clock.now() + this.opts.ttlMs);
  }

  async replicas(): Promise<string[]> {
    return this.s.live.all(`${PREFIX}%`, this.opts.clock.now()).map((r) => r.owner).sort();
  }

  async remove(replicaId: string): Promise<void> {
    this.s.remove.run(PREFIX + replicaId);
  }

  async close(): Promise<void> {}
}
