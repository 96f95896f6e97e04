import type { Redis } from 'ioredis';
import type { ServiceConfig } from '../config/schema.js';
import type { Clock } from '../core/Clock.js';
import type { AccountDefinitionStore } from '../core/accounts/AccountDefinitionStore.js';
import type { LeaseStore } from '../core/agents/LeaseStore.js';
import type { ReplicaRegistry } from '../core/agents/ReplicaRegistry.js';
import { InMemoryReplicaRegistry } from './memory/InMemoryReplicaRegistry.js';
import { RedisReplicaRegistry } from './redis/RedisReplicaRegistry.js';
import { SqlReplicaRegistry } from './sql/SqlReplicaRegistry.js';
import { SqliteReplicaRegistry } from './sqlite/SqliteReplicaRegistry.js';
import type { CacheStoreDriver } from '../core/cache/CacheStore.js';
import type { ChangeFeed } from '../core/cache/ChangeFeed.js';
import { InMemoryChangeFeed, type InMemoryChangeFeedHub } from './memory/InMemoryChangeFeed.js';
import { RedisChangeFeed } from './redis/RedisChangeFeed.js';
import { PostgresChangeFeed } from './sql/PostgresChangeFeed.js';
import { SqlChangeFeed } from './sql/SqlChangeFeed.js';
import { SqliteChangeFeed } from './sqlite/SqliteChangeFeed.js';
import type { TaskRepository } from '../core/tasks/TaskRepository.js';
import { InMemoryAccountDefinitionStore } from './memory/InMemoryAccountDefinitionStore.js';
import { InMemoryCacheStoreDriver } from './memory/InMemoryCacheStoreDriver.js';
import { InMemoryLeaseStore } from './memory/InMemoryLeaseStore.js';
import { InMemoryTaskRepository } from './memory/InMemoryTaskRepository.js';
import { openRedis } from './redis/openRedis.js';
import { RedisAccountDefinitionStore } from './redis/RedisAccountDefinitionStore.js';
import { RedisCacheStoreDriver } from './redis/RedisCacheStoreDriver.js';
import { RedisLeaseStore } from './redis/RedisLeaseStore.js';
import { RedisTaskRepository } from './redis/RedisTaskRepository.js';
import { migrate } from './sql/migrations.js';
import { SqlAccountDefinitionStore } from './sql/SqlAccountDefinitionStore.js';
import { SqlCacheStoreDriver } from './sql/SqlCacheStoreDriver.js';
import { openSqlClient, type SqlClient, type SqlSettings } from './sql/SqlClient.js';
import { SqlLeaseStore } from './sql/SqlLeaseStore.js';
import { SqlTaskRepository } from './sql/SqlTaskRepository.js';
import { openSqliteDatabase } from './sqlite/openSqliteDatabase.js';
import { SqliteAccountDefinitionStore } from './sqlite/SqliteAccountDefinitionStore.js';
import { SqliteCacheStoreDriver } from './sqlite/SqliteCacheStoreDriver.js';
import { SqliteLeaseStore } from './sqlite/SqliteLeaseStore.js';
import { SqliteTaskRepository } from './sqlite/SqliteTaskRepository.js';
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

/** The shared connections, opened only for the drivers in use. */
interface Connections {
  sqlite(): ReturnType<typeof openSqliteDatabase>;
  redis: Redis | undefined;
  sql: SqlClient | undefined;
}

/**
 * Builds the store chosen for each concern. Concerns on one backend share its connection: one
 * SQLite file, one Redis client, one SQL pool (migrated before use). Throws, closing whatever it
 * opened, when a server is unreachable.
 */
export async function openStores(storage: Storage, clock: Clock, opts: { replicaTtlMs?: number; changeFeedHub?: InMemoryChangeFeedHub } = {}): Promise<Stores> {
  const chosen: Driver[] = [storage.cache, storage.tasks, storage.leases, storage.accounts ?? storage.tasks, ...(storage.tasksPrevious === undefined ? [] : [storage.tasksPrevious])];
  if (storage.changes !== undefined) chosen.push(storage.changes);
  let sqlite: ReturnType<typeof openSqliteDatabase> | undefined;
  const conn: Connections = { sqlite: () => (sqlite ??= openSqliteDatabase(storage.sqlite.path)), redis: undefined, sql: undefined };
  const closeConnections = async () => {
    sqlite?.close();
    await conn.redis?.quit().catch(() => conn.redis?.disconnect());
    await conn.sql?.close();
  };
  try {
    if (chosen.includes('redis')) {
      const r = storage.redis ?? { connection: 'redis://localhost:6379', timeout: 2000 };
      conn.redis = await openRedis({ connection: r.connection, timeoutMs: r.timeout, ...(r.password === undefined ? {} : { password: r.password }) });
    }
    const dialect = chosen.find((d): d is 'postgres' | 'mysql' => d === 'postgres' || d === 'mysql');
    if (dialect) {
      conn.sql = await openSqlClient(sqlSettings(storage.sql, dialect));
      await migrate(conn.sql);
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

function cacheDriver(storage: Storage, conn: Connections, clock: Clock): CacheStoreDriver {
  switch (storage.cache) {
    case 'sqlite':
      return new SqliteCacheStoreDriver({ db: conn.sqlite(), clock });
    case 'redis':
      return new RedisCacheStoreDriver({ redis: need(conn.redis, 'redis'), clock });
    case 'postgres':
    case 'mysql':
      return new SqlCacheStoreDriver({
        client: need(conn.sql, 'sql'),
        clock,
        ...(storage.sql?.tableNamespace === undefined ? {} : { tableNamespace: storage.sql.tableNamespace }),
      });
    case 'memory':
      return new InMemoryCacheStoreDriver({ clock });
  }
}

function taskRepository(driver: Driver, conn: Connections): TaskRepository {
  switch (driver) {
    case 'sqlite':
      return new SqliteTaskRepository({ db: conn.sqlite() });
    case 'redis':
      return new RedisTaskRepository({ redis: need(conn.redis, 'redis') });
    case 'postgres':
    case 'mysql':
      return new SqlTaskRepository({ client: need(conn.sql, 'sql') });
    case 'memory':
      return new InMemoryTaskRepository();
  }
}

function leaseStore(driver: Driver, conn: Connections, clock: Clock): LeaseStore {
  switch (driver) {
    case 'sqlite':
      return new SqliteLeaseStore({ db: conn.sqlite(), clock });
    case 'redis':
      return new RedisLeaseStore({ redis: need(conn.redis, 'redis'), clock });
    case 'postgres':
    case 'mysql':
      return new SqlLeaseStore({ client: need(conn.sql, 'sql'), clock });
    case 'memory':
      return new InMemoryLeaseStore({ clock });
  }
}

function replicaRegistry(driver: Driver, conn: Connections, clock: Clock, ttlMs: number): ReplicaRegistry {
  switch (driver) {
    case 'sqlite':
      return new SqliteReplicaRegistry({ db: conn.sqlite(), clock, ttlMs });
    case 'redis':
      return new RedisReplicaRegistry({ redis: need(conn.redis, 'redis'), clock, ttlMs });
    case 'postgres':
    case 'mysql':
      return new SqlReplicaRegistry({ client: need(conn.sql, 'sql'), clock, ttlMs });
    case 'memory':
      return new InMemoryReplicaRegistry({ clock, ttlMs });
  }
}

function accountStore(driver: Driver, conn: Connections): AccountDefinitionStore {
  switch (driver) {
    case 'sqlite':
      return new SqliteAccountDefinitionStore({ db: conn.sqlite() });
    case 'redis':
      return new RedisAccountDefinitionStore({ redis: need(conn.redis, 'redis') });
    case 'postgres':
    case 'mysql':
      return new SqlAccountDefinitionStore({ client: need(conn.sql, 'sql') });
    case 'memory':
      return new InMemoryAccountDefinitionStore();
  }
}

/** `storage.changes`, defaulting to the cache driver; a memory feed joins `hub` (in-process instances). */
function changeFeed(storage: Storage, conn: Connections, clock: Clock, hub: InMemoryChangeFeedHub | undefined): ChangeFeed {
  switch (storage.changes ?? storage.cache) {
    case 'sqlite':
      return new SqliteChangeFeed({ db: conn.sqlite(), clock });
    case 'redis':
      return new RedisChangeFeed({ redis: need(conn.redis, 'redis'), connectionName: 'cdts-change-feed' });
    case 'postgres':
      return new PostgresChangeFeed({
        client: need(conn.sql, 'sql'),
        settings: sqlSettings(storage.sql, 'postgres'),
        ...(storage.sql?.tableNamespace === undefined ? {} : { namespace: storage.sql.tableNamespace }),
      });
    case 'mysql':
      return new SqlChangeFeed({ client: need(conn.sql, 'sql'), clock });
    case 'memory':
      return new InMemoryChangeFeed(hub === undefined ? {} : { hub });
  }
}
