/**
 * A cluster that answers every watch with 410 Gone must not drive the watcher into a tight
 * LIST loop: after the first immediate relist, relists back off (with jitter) until a watch
 * makes progress again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/core/Logger.js';
import { ResourceWatcher } from '../src/providers/kubernetes/caching/ResourceWatcher.js';
import { KubeClient, loadKubernetesClientLibrary } from '../src/providers/kubernetes/client/KubeClient.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { waitFor } from './helpers/waitFor.js';

describe('ResourceWatcher against a cluster that keeps answering 410', () => {
  let sim: KubeSim;
  let client: KubeClient;
  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { namespaces: 1, deployments: 2, podsPerDeployment: 1, applications: 1 });
    await loadKubernetesClientLibrary();
    client = new KubeClient({ kubeconfigContents: sim.kubeconfig, requestTimeoutMs: 5_000 });
  });
  afterAll(async () => {
    client.close();
    await sim.stop();
  });

  it('backs its relists off, and watches again once the cluster recovers', async () => {
    sim.setFaults('sim-1', { forceGone: true });
    let lists = 0;
    const watcher = new ResourceWatcher({
      client,
      collection: { id: 'pods', path: '/api/v1/pods' },
      logger: silentLogger,
      backoffMs: { initial: 100, max: 400 },
      onListStart: () => void lists++,
      onListPage: () => undefined,
      onListDone: () => undefined,
      onChange: () => undefined,
    });
    watcher.start();
    try {
      await waitFor(() => expect(lists).toBeGreaterThanOrEqual(4), 10_000);
      const at = lists;
      // Over the next second the waits are 100–400 ms (± 50 %): a handful of relists, where a
      // tight loop against this in-process server makes hundreds.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(lists - at).toBeLessThanOrEqual(8);
      sim.setFaults('sim-1', {});
      await waitFor(() => expect(watcher.current().phase).toBe('watching'), 5_000);
    } finally {
      await watcher.stop();
    }
  });
});
