/**
 * Every Redis store driver and the connection they share, in one module that `openStores`
 * imports only when a concern is configured on Redis: ioredis is not loaded otherwise.
 */
export { openRedis } from './openRedis.js';
export { RedisAccountDefinitionStore } from './RedisAccountDefinitionStore.js';
export { RedisCacheStoreDriver } from './RedisCacheStoreDriver.js';
export { RedisChangeFeed } from './RedisChangeFeed.js';
export { RedisLeaseStore } from './RedisLeaseStore.js';
export { RedisReplicaRegistry } from './RedisReplicaRegistry.js';
export { RedisTaskRepository } from './RedisTaskRepository.js';
