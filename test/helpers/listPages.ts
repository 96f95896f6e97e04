import type { SimCluster } from '../../src/testing/kubeSim/SimCluster.js';

/** Collections a seeded simulated cluster holds (the seed's Deployments, ReplicaSets, Pods, Services). */
export const SEEDED_COLLECTIONS: readonly string[] = ['apps/deployments', 'apps/replicasets', '/pods', '/services'];

/**
 * The cluster's seeded objects as LIST response bodies of 500 items (the page size the provider
 * asks for), straight from its store: what parsing and cache-model measurements start from.
 */
export function listPages(cluster: SimCluster): { pages: string[]; objects: number } {
  const pages: string[] = [];
  let objects = 0;
  for (const collection of SEEDED_COLLECTIONS) {
    const items = cluster.store.list(collection);
    objects += items.length;
    for (let i = 0; i < items.length; i += 500) pages.push(JSON.stringify({ items: items.slice(i, i + 500), metadata: {} }));
  }
  return { pages, objects };
}
