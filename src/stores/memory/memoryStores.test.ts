import { describeReplicaRegistryContract } from '../../testing/contracts/replicaRegistryContract.js';
import { InMemoryReplicaRegistry } from './InMemoryReplicaRegistry.js';
import { describeAccountDefinitionStoreContract } from '../../testing/contracts/accountDefinitionStoreContract.js';
import { describeCacheStoreContract } from '../../testing/contracts/cacheStoreContract.js';
import { describeLeaseStoreContract } from '../../testing/contracts/leaseStoreContract.js';
import { describeTaskRepositoryContract } from '../../testing/contracts/taskRepositoryContract.js';
import { ManualClock } from '../../testing/ManualClock.js';
import { InMemoryAccountDefinitionStore } from './InMemoryAccountDefinitionStore.js';
import { InMemoryCacheStoreDriver } from './InMemoryCacheStoreDriver.js';
import { InMemoryLeaseStore } from './InMemoryLeaseStore.js';
import { InMemoryTaskRepository } from './InMemoryTaskRepository.js';

const noop = async (): Promise<void> => {};

describeCacheStoreContract('memory', async () => {
  const clock = new ManualClock(1_000_000);
  return { driver: new InMemoryCacheStoreDriver({ clock }), clock, cleanup: noop };
});

describeTaskRepositoryContract('memory', async () => ({ repo: new InMemoryTaskRepository(), cleanup: noop }));

describeLeaseStoreContract('memory', async () => {
  const clock = new ManualClock(1_000_000);
  return { leases: new InMemoryLeaseStore({ clock }), clock, cleanup: noop };
});

describeReplicaRegistryContract('memory (one registry shared by two instances)', async () => {
  const clock = new ManualClock(1_000_000);
  const ttlMs = 60_000;
  const registry = new InMemoryReplicaRegistry({ clock, ttlMs });
  return { a: registry, b: registry, clock, ttlMs, cleanup: noop };
});

describeAccountDefinitionStoreContract('memory', async () => ({ store: new InMemoryAccountDefinitionStore(), cleanup: noop }));
