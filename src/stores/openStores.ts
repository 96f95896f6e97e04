import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/schema.js';
import type { Clock } from '../core/Clock.js';
import type { AccountDefinitionStore } from '../core/accounts/AccountDefinitionStore.js';
import type { LeaseStore } from '../core/agents/LeaseStore.js';
import type { ReplicaRegistry } from '../core/agents/ReplicaRegistry.js';
import type { CacheStoreDriver } from '../core/cache/CacheStore.js';
import type { ChangeFeed } from '../core/cache/ChangeFeed.js';
import type { TaskRepository } from '../core/tasks/TaskRepository.js';
import { InMemoryChangeFeed, type InMemoryChangeFeedHub } from './memory/InMemoryChangeFeed.js';
import { InMemoryAccountDefinitionStore } from './memory/InMemoryAccountDefinitionStore.js';
import { InMemoryCacheStoreDriver } from './memory/InMemoryCacheStoreDriver.js';
import { InMemoryLeaseStore } from './memory/InMemoryLeaseStore.js';
import { InMemoryReplicaRegistry } from './memory/InMemoryReplicaRegistry.js';
import { InMemoryTaskRepository } from './memory/InMemoryTaskRepository.js';
import type { SqlClient, SqlSettings } from './sql/SqlClient.js';
import type * as RedisDriverModule from './redis/redisDrivers.js';
import type * as SqlDriverModule from './sql/sqlDrivers.js';
import type * as SqliteDriverModule from './sqlite/sqliteDrivers.js';
import { DualTaskRepository } from './DualTaskRepository.js';

type Storage = ServiceConfig['storage'];
type Driver = Storage['cache'];

export interface Stores {
  readonly cache: CacheStoreDriver;
  readonly tasks: TaskRepository;
  readonly leases: LeaseStore;
  /** Caching replicas (cache sharding membership), on the leases backend. */
  readonly replicas: ReplicaRegistry;
  readonly accounts: AccountDefinitionStore;
  /** What other instances wrote, announced (`storage.changes`, default the cache driver). */
  readonly changes: ChangeFeed;
  /** Closes every store, then the shared connections. */
  close(): Promise<void>;
}

type SqliteDrivers = typeof SqliteDriverModule;
type RedisDrivers = typeof RedisDriverModule;
type SqlDrivers = typeof SqlDriverModule;
type SqliteDatabase = ReturnType<SqliteDrivers['openSqliteDatabase']>;

/**
 * The shared connections, opened only for the drivers in use, and the driver modules of those
 * backends: each backend's module (and its client library: better-sqlite3, ioredis, pg and
 * mysql2) is imported only when a concern is configured on it, which keeps them out of the
 * service's start-up otherwise.
 */
interface Connections {
  sqlite(): { readonly db: SqliteDatabase; readonly drivers: SqliteDrivers };
  redis: { readonly client: Redis; readonly drivers: RedisDrivers } | undefined;
  sql: { readonly client: SqlClient; readonly drivers: SqlDrivers } | undefined;
}

/**
 * Builds the store chosen for each concern. Concerns on one backend share its connection: one
 * SQLite file, one Redis client, one SQL pool (migrated before use). Throws, closing whatever it
 * opened, when a server is unreachable.
 */
export async function openStores(storage: Storage, clock: Clock, opts: { replicaTtlMs?: number; changeFeedHub?: InMemoryChangeFeedHub } = {}): Promise<Stores> {
  const chosen: Driver[] = [storage.cache, storage.tasks, storage.leases, storage.accounts ?? storage.tasks, ...(storage.tasksPrevious === undefined ? [] : [storage.tasksPrevious])];
  if (storage.changes !== undefined) chosen.push(storage.changes);
  const sqliteDrivers = chosen.includes('sqlite') ? await import('./sqlite/sqliteDrivers.js') : undefined;
  let sqlite: { db: SqliteDatabase; drivers: SqliteDrivers; checkpointer: { close(): Promise<void> } | undefined } | undefined;
  const openSqlite = (): NonNullable<typeof sqlite> => {
    const drivers = need(sqliteDrivers, 'sqlite');
    const db = drivers.openSqliteDatabase(storage.sqlite.path);
    return { db, drivers, checkpointer: drivers.WalCheckpointer.start(db) };
  };
  const conn: Connections = {
    sqlite: () => (sqlite ??= openSqlite()),
    redis: undefined,
    sql: undefined,
  };
  const closeConnections = async () => {
    await sqlite?.checkpointer?.close();
    sqlite?.db.close();
    await conn.redis?.client.quit().catch(() => conn.redis?.client.disconnect());
    await conn.sql?.client.close();
  };
  try {
    if (chosen.includes('redis')) {
      const drivers = await import('./redis/redisDrivers.js');
      const r = storage.redis ?? { connection: 'redis://localhost:6379', timeout: 2000 };
      conn.redis = { client: await drivers.openRedis({ connection: r.connection, timeoutMs: r.timeout, ...(r.password === undefined ? {} : { password: r.password }) }), drivers };
    }
    const dialect = chosen.find((d): d is 'postgres' | 'mysql' => d === 'postgres' || d === 'mysql');
    if (dialect) {
      const drivers = await import('./sql/sqlDrivers.js');
      conn.sql = { client: await drivers.openSqlClient(sqlSettings(storage.sql, dialect)), drivers };
      await drivers.migrate(conn.sql.client);
    }
  } catch (err) {
    await closeConnections();
    throw err;
  }
  const cache = cacheDriver(storage, conn, clock);
  // `storage.tasksPrevious`: Clouddriver's dual-task-repository (primary = storage.tasks).
  const tasks = storage.tasksPrevious === undefined ? taskRepository(storage.tasks, conn) : new DualTaskRepository(taskRepository(storage.tasks, conn), taskRepository(storage.tasksPrevious, conn));
  const leases = leaseStore(storage.leases, conn, clock);
  const replicas = replicaRegistry(storage.leases, conn, clock, opts.replicaTtlMs ?? 60_000);
  const accounts = accountStore(storage.accounts ?? storage.tasks, conn);
  const changes = changeFeed(storage, conn, clock, opts.changeFeedHub);
  return {
    cache,
    tasks,
    leases,
    replicas,
    accounts,
    changes,
    async close() {
      await changes.close();
      await accounts.close();
      await replicas.close();
      await leases.close();
      await tasks.close();
      await cache.close();
      await closeConnections();
    },
  };
}

/** The SQL connection from `storage.sql`: `url` wins, else the default connection pool. */
export function sqlSettings(sql: Storage['sql'], dialect: 'postgres' | 'mysql'): SqlSettings {
  const pools = Object.entries(sql?.connectionPools ?? {});
  const pool = (pools.find(([name]) => name === 'default') ?? pools.find(([, p]) => p.default === true) ?? pools[0])?.[1];
  const url = sql?.url ?? pool?.jdbcUrl;
  if (url === undefined) throw new Error(`${dialect} storage needs storage.sql.url or sql.connectionPools`);
  const user = sql?.user ?? pool?.user;
  const password = sql?.password ?? pool?.password;
  return {
    dialect,
    url,
    maxPoolSize: pool?.maxPoolSize ?? sql?.maxPoolSize ?? 20,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`${what} connection is not open`);
  return value;
}

function sqliteStore<T>(conn: Connections, make: (drivers: SqliteDrivers, db: SqliteDatabase) => T): T {
  const { drivers, db } = conn.sqlite();
  return make(drivers, db);
}

function redisStore<T>(conn: Connections, make: (drivers: RedisDrivers, redis: Redis) => T): T {
  const { drivers, client } = need(conn.redis, 'redis');
  return make(drivers, client);
}

function sqlStore<T>(conn: Connections, make: (drivers: SqlDrivers, client: SqlClient) => T): T {
  const { drivers, client } = need(conn.sql, 'sql');
  return make(drivers, client);
}

function cacheDriver(storage: Storage, conn: Connections, clock: Clock): CacheStoreDriver {
  switch (storage.cache) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteCacheStoreDriver({ db, clock }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisCacheStoreDriver({ redis, clock }));
    case 'postgres':
    case 'mysql':
      return sqlStore(
        conn,
        (d, client) =>
          new d.SqlCacheStoreDriver({
            client,
            clock,
            ...(storage.sql?.tableNamespace === undefined ? {} : { tableNamespace: storage.sql.tableNamespace }),
          }),
      );
    case 'memory':
      return new InMemoryCacheStoreDriver({ clock });
  }
}

function taskRepository(driver: Driver, conn: Connections): TaskRepository {
  switch (driver) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteTaskRepository({ db }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisTaskRepository({ redis }));
    case 'postgres':
    case 'mysql':
      return sqlStore(conn, (d, client) => new d.SqlTaskRepository({ client }));
    case 'memory':
      return new InMemoryTaskRepository();
  }
}

function leaseStore(driver: Driver, conn: Connections, clock: Clock): LeaseStore {
  switch (driver) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteLeaseStore({ db, clock }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisLeaseStore({ redis, clock }));
    case 'postgres':
    case 'mysql':
      return sqlStore(conn, (d, client) => new d.SqlLeaseStore({ client, clock }));
    case 'memory':
      return new InMemoryLeaseStore({ clock });
  }
}

function replicaRegistry(driver: Driver, conn: Connections, clock: Clock, ttlMs: number): ReplicaRegistry {
  switch (driver) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteReplicaRegistry({ db, clock, ttlMs }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisReplicaRegistry({ redis, clock, ttlMs }));
    case 'postgres':
    case 'mysql':
      return sqlStore(conn, (d, client) => new d.SqlReplicaRegistry({ client, clock, ttlMs }));
    case 'memory':
      return new InMemoryReplicaRegistry({ clock, ttlMs });
  }
}

function accountStore(driver: Driver, conn: Connections): AccountDefinitionStore {
  switch (driver) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteAccountDefinitionStore({ db }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisAccountDefinitionStore({ redis }));
    case 'postgres':
    case 'mysql':
      return sqlStore(conn, (d, client) => new d.SqlAccountDefinitionStore({ client }));
    case 'memory':
      return new InMemoryAccountDefinitionStore();
  }
}

/** `storage.changes`, defaulting to the cache driver; a memory feed joins `hub` (in-process instances). */
function changeFeed(storage: Storage, conn: Connections, clock: Clock, hub: InMemoryChangeFeedHub | undefined): ChangeFeed {
  switch (storage.changes ?? storage.cache) {
    case 'sqlite':
      return sqliteStore(conn, (d, db) => new d.SqliteChangeFeed({ db, clock }));
    case 'redis':
      return redisStore(conn, (d, redis) => new d.RedisChangeFeed({ redis, connectionName: 'cdts-change-feed' }));
    case 'postgres':
      return sqlStore(
        conn,
        (d, client) =>
          new d.PostgresChangeFeed({
            client,
            settings: sqlSettings(storage.sql, 'postgres'),
            ...(storage.sql?.tableNamespace === undefined ? {} : { namespace: storage.sql.tableNamespace }),
          }),
      );
    case 'mysql':
      return sqlStore(conn, (d, client) => new d.SqlChangeFeed({ client, clock }));
    case 'memory':
      return new InMemoryChangeFeed(hub === undefined ? {} : { hub });
  }
}
