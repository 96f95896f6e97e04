/**
 * Every SQLite store driver and the database file they share, in one module that `openStores`
 * imports only when a concern is configured on SQLite (the default): better-sqlite3 is not
 * loaded otherwise.
 */
export { openSqliteDatabase } from './openSqliteDatabase.js';
export { SqliteAccountDefinitionStore } from './SqliteAccountDefinitionStore.js';
export { SqliteCacheStoreDriver } from './SqliteCacheStoreDriver.js';
export { SqliteChangeFeed } from './SqliteChangeFeed.js';
export { SqliteLeaseStore } from './SqliteLeaseStore.js';
export { SqliteReplicaRegistry } from './SqliteReplicaRegistry.js';
export { SqliteTaskRepository } from './SqliteTaskRepository.js';
export { WalCheckpointer } from './WalCheckpointer.js';
