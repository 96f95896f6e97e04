import type { SqlClient } from './SqlClient.js';
import type { SqlDialect } from './SqlDialect.js';

/**
 * Versioned schema migrations for the fixed tables, applied in order at start under a database
 * lock (so instances starting together do not race); `cdts_schema_migrations` records the
 * versions applied. Never edit a shipped migration: append one. Cache tables are created per
 * type when first written (as Clouddriver's SqlCache does), not here.
 *
 * Tables follow clouddriver-sql's Liquibase changelog: `tasks`, `task_states`, `task_results`,
 * `task_outputs` (SqlTaskRepository), `cats_agent_locks` (SqlAgentScheduler), `accounts`
 * (account storage); ids are ULIDs in varchar columns (PostgreSQL pads `char`).
 */
const MIGRATIONS: readonly ((d: SqlDialect) => string[])[] = [
  (d) => [
    `CREATE TABLE tasks (
      id varchar(36) NOT NULL PRIMARY KEY,
      request_id varchar(255) NOT NULL,
      owner_id varchar(255) NOT NULL,
      created_at bigint NOT NULL,
      saga_ids ${d.longText}
    )${d.tableOptions}`,
    'CREATE UNIQUE INDEX task_request_id_idx ON tasks (request_id)',
    'CREATE INDEX task_created_at_idx ON tasks (created_at)',
    `CREATE TABLE task_states (
      id varchar(36) NOT NULL PRIMARY KEY,
      task_id varchar(36) NOT NULL,
      created_at bigint NOT NULL,
      state varchar(20) NOT NULL,
      phase varchar(255) NOT NULL,
      status ${d.longText} NOT NULL
    )${d.tableOptions}`,
    'CREATE INDEX task_states_taskid_createdat_idx ON task_states (task_id, created_at)',
    `CREATE TABLE task_results (
      id varchar(36) NOT NULL PRIMARY KEY,
      task_id varchar(36) NOT NULL,
      body ${d.longText} NOT NULL
    )${d.tableOptions}`,
    'CREATE INDEX result_objects_task_idx ON task_results (task_id)',
    `CREATE TABLE task_outputs (
      id varchar(36) NOT NULL PRIMARY KEY,
      task_id varchar(36) NOT NULL,
      created_at bigint NOT NULL,
      manifest ${d.longText},
      phase varchar(255),
      std_out ${d.longText},
      std_error ${d.longText}
    )${d.tableOptions}`,
    'CREATE INDEX task_outputs_task_idx ON task_outputs (task_id)',
    `CREATE TABLE cats_agent_locks (
      agent_name varchar(500) NOT NULL PRIMARY KEY,
      owner_id varchar(255) NOT NULL,
      lock_acquired bigint NOT NULL,
      lock_expiry bigint NOT NULL
    )${d.tableOptions}`,
    `CREATE TABLE accounts (
      id varchar(255) NOT NULL PRIMARY KEY,
      type varchar(50) NOT NULL,
      body ${d.name === 'postgres' ? 'jsonb' : d.longText} NOT NULL,
      created_at bigint NOT NULL,
      last_modified_at bigint NOT NULL,
      last_modified_by varchar(255) NOT NULL
    )${d.tableOptions}`,
  ],
  // Cache sharding membership (SqlCachingPodsObserver).
  (d) => [
    `CREATE TABLE caching_replicas (
      pod_id varchar(255) NOT NULL PRIMARY KEY,
      last_heartbeat_time bigint NOT NULL
    )${d.tableOptions}`,
  ],
  // What a task needs to run again on any instance (sealed operations and identity), beside
  // clouddriver-sql's own `tasks` table so a Java reader of that table sees it unchanged.
  (d) => [
    `CREATE TABLE task_executions (
      task_id varchar(36) NOT NULL PRIMARY KEY,
      body ${d.longText} NOT NULL
    )${d.tableOptions}`,
  ],
  // The polled change feed (SqlChangeFeed; PostgreSQL is served by LISTEN/NOTIFY unless polling is chosen).
  (d) => [
    `CREATE TABLE cdts_change_feed (
      id ${d.name === 'postgres' ? 'bigserial' : 'bigint NOT NULL AUTO_INCREMENT'} PRIMARY KEY,
      topic varchar(255) NOT NULL,
      message text NOT NULL,
      created_at bigint NOT NULL
    )${d.tableOptions}`,
  ],
];

export async function migrate(client: SqlClient): Promise<void> {
  const d = client.dialect;
  const run = async (conn: Parameters<Parameters<SqlClient['session']>[0]>[0]) => {
    await conn.query(d.migrationLock.take);
    try {
      await conn.query(`CREATE TABLE IF NOT EXISTS cdts_schema_migrations (version int NOT NULL PRIMARY KEY, applied_at bigint NOT NULL)${d.tableOptions}`);
      const { rows } = await conn.query<{ version: number }>('SELECT version FROM cdts_schema_migrations');
      const applied = new Set(rows.map((r) => Number(r.version)));
      for (const [i, migration] of MIGRATIONS.entries()) {
        if (applied.has(i + 1)) continue;
        for (const statement of migration(d)) await conn.query(statement);
        await conn.query('INSERT INTO cdts_schema_migrations (version, applied_at) VALUES (?, ?)', [i + 1, Date.now()]);
      }
    } finally {
      if (d.migrationLock.drop) await conn.query(d.migrationLock.drop);
    }
  };
  // PostgreSQL: DDL is transactional and the advisory lock ends with the transaction. MySQL: DDL
  // commits implicitly, so the session holds a named lock instead.
  if (d.name === 'postgres') await client.transaction(run);
  else await client.session(run);
}
