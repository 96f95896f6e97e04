/**
 * Every SQL store driver (PostgreSQL, MySQL/MariaDB), the pool they share and its migrations, in
 * one module that `openStores` imports only when a concern is configured on SQL: pg and mysql2
 * are not loaded otherwise.
 */
export { migrate } from './migrations.js';
export { openSqlClient } from './SqlClient.js';
export { PostgresChangeFeed } from './PostgresChangeFeed.js';
export { SqlAccountDefinitionStore } from './SqlAccountDefinitionStore.js';
export { SqlCacheStoreDriver } from './SqlCacheStoreDriver.js';
export { SqlChangeFeed } from './SqlChangeFeed.js';
export { SqlLeaseStore } from './SqlLeaseStore.js';
export { SqlReplicaRegistry } from './SqlReplicaRegistry.js';
export { SqlTaskRepository } from './SqlTaskRepository.js';
