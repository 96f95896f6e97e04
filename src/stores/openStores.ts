import type { ServiceConfig } from '../config/schema.js';
import type { Clock } from '../core/Clock.js';
import type { AccountDefinitionStore } from '../core/accounts/AccountDefinitionStore.js';
import type { LeaseStore } from '../core/agents/LeaseStore.js';
import type { CacheStoreDriver } from '../core/cache/CacheStore.js';
import type { TaskRepository } from '../core/tasks/TaskRepository.js';
import { InMemoryAccountDefinitionStore } from './memory/InMemoryAccountDefinitionStore.js';
import { InMemoryCacheStoreDriver } from './memory/InMemoryCacheStoreDriver.js';
import { InMemoryLeaseStore } from './memory/InMemoryLeaseStore.js';
import { InMemoryTaskRepository } from './memory/InMemoryTaskRepository.js';
import { openSqliteDatabase } from './sqlite/openSqliteDatabase.js';
import { SqliteAccountDefinitionStore } from './sqlite/SqliteAccountDefinitionStore.js';
import { SqliteCacheStoreDriver } from './sqlite/SqliteCacheStoreDriver.js';
import { SqliteLeaseStore } from './sqlite/SqliteLeaseStore.js';
import { SqliteTaskRepository } from './sqlite/SqliteTaskRepository.js';

export interface Stores {
  readonly cache: CacheStoreDriver;
  readonly tasks: TaskRepository;
  readonly leases: LeaseStore;
  readonly accounts: AccountDefinitionStore;
  /** Closes every store, then the shared connections. */
  close(): Promise<void>;
}

/** Builds the store chosen for each concern; SQLite concerns share one database file. */
export function openStores(storage: ServiceConfig['storage'], clock: Clock): Stores {
  let sqlite: ReturnType<typeof openSqliteDatabase> | undefined;
  const db = () => (sqlite ??= openSqliteDatabase(storage.sqlite.path));
  const cache = storage.cache === 'sqlite' ? new SqliteCacheStoreDriver({ db: db(), clock }) : new InMemoryCacheStoreDriver({ clock });
  const tasks = storage.tasks === 'sqlite' ? new SqliteTaskRepository({ db: db() }) : new InMemoryTaskRepository();
  const leases = storage.leases === 'sqlite' ? new SqliteLeaseStore({ db: db(), clock }) : new InMemoryLeaseStore({ clock });
  const accounts = (storage.accounts ?? storage.tasks) === 'sqlite' ? new SqliteAccountDefinitionStore({ db: db() }) : new InMemoryAccountDefinitionStore();
  return {
    cache,
    tasks,
    leases,
    accounts,
    async close() {
      await accounts.close();
      await leases.close();
      await tasks.close();
      await cache.close();
      sqlite?.close();
    },
  };
}
