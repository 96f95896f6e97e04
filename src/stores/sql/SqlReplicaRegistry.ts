import type { Clock } from '../../core/Clock.js';
import type { ReplicaRegistry } from '../../core/agents/ReplicaRegistry.js';
import { withRetries, type SqlClient } from './SqlClient.js';

/**
 * Replicas in clouddriver-sql's `caching_replicas` table (`SqlCachingPodsObserver`): pod_id and
 * last_heartbeat_time (ms by the injected clock); a replica is live while its heartbeat is
 * younger than the time to live; stale rows are deleted by whoever reads.
 */
export class SqlReplicaRegistry implements ReplicaRegistry {
  constructor(private readonly opts: { client: SqlClient; clock: Clock; ttlMs: number }) {}

  async heartbeat(replicaId: string): Promise<void> {
    const { client } = this.opts;
    const now = this.opts.clock.now();
    await withRetries(client.dialect, async () => {
      const updated = await client.query('UPDATE caching_replicas SET last_heartbeat_time = ? WHERE pod_id = ?', [now, replicaId]);
      if (updated.affected === 0) await client.query(client.dialect.insertIgnore('caching_replicas', ['pod_id', 'last_heartbeat_time'], ['pod_id'], 1), [replicaId, now]);
    });
  }

  async replicas(): Promise<string[]> {
    const { client } = this.opts;
    const oldest = this.opts.clock.now() - this.opts.ttlMs;
    await withRetries(client.dialect, () => client.query('DELETE FROM caching_replicas WHERE last_heartbeat_time <= ?', [oldest]));
    const { rows } = await client.query<{ pod_id: string }>('SELECT pod_id FROM caching_replicas WHERE last_heartbeat_time > ?', [oldest]);
    return rows.map((r) => r.pod_id).sort();
  }

  async remove(replicaId: string): Promise<void> {
    await withRetries(this.opts.client.dialect, () => this.opts.client.query('DELETE FROM caching_replicas WHERE pod_id = ?', [replicaId]));
  }

  async close(): Promise<void> {}
}
