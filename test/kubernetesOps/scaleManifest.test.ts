import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

const DEPLOYMENT = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
};

describe('scaleManifest and resizeServerGroup', () => {
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('apps/v1', 'Deployment'), 'default', DEPLOYMENT);
  });
  afterAll(async () => h.stop());

  const replicasOf = () => {
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    return (cluster.get(cluster.typeOfKind('apps/v1', 'Deployment'), 'default', 'web').spec as { replicas: number }).replicas;
  };

  it('scales a deployment, with upstream status lines, and the cache shows it when the task completes', async () => {
    const task = await h.runOperation('scaleManifest', { account: 'k8s', manifestName: 'deployment web', location: 'default', replicas: 3, cloudProvider: 'kubernetes' });
    expect(task.status.failed, JSON.stringify(task.history)).toBe(false);
    expect(task.history.map((e) => e.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesScaleManifestOperation',
      'Starting scale operation...',
      'Scaling deployment web in default to 3 replicas...',
      'Orchestration completed.',
    ]);
    expect(replicasOf()).toBe(3);
    // Written through to the cache store before the task completed.
    const stored = await h.app.cache('kubernetes').get('deployment', 'kubernetes.v2:infrastructure:deployment:k8s:default:web');
    expect((stored?.attributes.manifest as { spec: { replicas: number } }).spec.replicas).toBe(3);
  });

  it('resizes a server group by capacity.desired', async () => {
    const task = await h.runOperation('resizeServerGroup', { account: 'k8s', serverGroupName: 'deployment web', region: 'default', capacity: { min: 0, max: 5, desired: 5 } });
    expect(task.status.failed).toBe(false);
    expect(task.history[1]?.status).toBe('Processing op: KubernetesResizeServerGroupOperation');
    expect(replicasOf()).toBe(5);
  });

  it.each([
    [{ account: 'nope', manifestName: 'deployment web', location: 'default', replicas: 1 }, 'scaleManifest.account'],
    [{ account: 'k8s', manifestName: 'web', location: 'default', replicas: 1 }, 'scaleKubernetesManifest.manifestName.invalid'],
    [{ account: 'k8s', manifestName: 'deployment ..', location: 'default', replicas: 1 }, 'scaleKubernetesManifest.manifestName.invalid'],
    [{ account: 'limited', manifestName: 'deployment web', location: 'default', replicas: 1 }, 'scaleKubernetesManifest.default.wrongNamespace'],
    [{ account: 'k8s', manifestName: 'deployment web', location: 'default', replicas: -1 }, 'scaleManifest.replicas'],
  ])('refuses %j with a 400 naming %s and creates no task', async (description, expected) => {
    await h.expectRefused('scaleManifest', description, expected);
  });

  it('fails the task with the cluster’s cause when the object is missing or the cluster errors', async () => {
    const missing = await h.runOperation('scaleManifest', { account: 'k8s', manifestName: 'deployment ghost', location: 'default', replicas: 1 });
    expect(missing.status.failed).toBe(true);
    expect(missing.status.retryable).toBe(false);
    expect(missing.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'KubernetesScaleManifestOperation' });
    expect(String(missing.resultObjects[0]?.message)).toContain('HTTP 404');

    const unsupported = await h.runOperation('scaleManifest', { account: 'k8s', manifestName: 'service web', location: 'default', replicas: 1 });
    expect(String(unsupported.resultObjects[0]?.message)).toContain('does not support scale');

    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { errorRate: 1, errorStatus: 503 });
    try {
      const failed = await h.runOperation('scaleManifest', { account: 'k8s', manifestName: 'deployment web', location: 'default', replicas: 2 });
      expect(failed.status.failed).toBe(true);
      expect(String(failed.resultObjects[0]?.message)).toContain('HTTP 503');
      expect(failed.history.at(-1)?.status).toMatch(/^Orchestration failed: KubernetesScaleManifestOperation/);
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    await waitFor(() => expect(replicasOf()).toBe(5));
  });
});
