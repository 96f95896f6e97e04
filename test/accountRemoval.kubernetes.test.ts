/**
 * Removing a Kubernetes account evicts everything it ever wrote to the cache store, including
 * objects written through after the account's last full snapshot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';

const PATTERN = (kind: string, account: string) => `kubernetes.v2:infrastructure:${kind}:${account}:*`;

describe('account removal', () => {
  let h: KubernetesAppHarness;

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { doomed: {} } });
  });
  afterAll(async () => h?.stop());

  it('evicts objects written through since the last snapshot, and keeps other accounts’ objects', async () => {
    const store = h.app.cache('kubernetes');
    // The snapshot agent has run once (at start); what follows reaches the store by write-through only.
    await waitFor(async () => {
      const snapshot = h.app.scheduler.introspection().find((a) => a.id === 'doomed/KubernetesCoreCachingAgent');
      if (snapshot === undefined || snapshot.runs - snapshot.failures < 1 || snapshot.running) throw new Error('snapshot has not run yet');
    });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('v1', 'Service'), 'default', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late-arrival', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    await waitFor(async () => {
      const ids = await store.filterIdentifiers('service', PATTERN('service', 'doomed'));
      if (!ids.some((id) => id.endsWith(':late-arrival'))) throw new Error('not written through yet');
    });
    expect(await h.app.credentials.remove('doomed')).toBe(true);
    for (const kind of ['deployment', 'pod', 'replicaSet', 'service']) expect(await store.filterIdentifiers(kind, PATTERN(kind, 'doomed'))).toEqual([]);
    expect((await store.filterIdentifiers('service', PATTERN('service', 'k8s'))).some((id) => id.endsWith(':late-arrival'))).toBe(true);
  });
});
