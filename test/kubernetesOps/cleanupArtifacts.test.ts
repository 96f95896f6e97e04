import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

const artifactAnnotations = (name: string, version: string, extra: Record<string, string> = {}) => ({
  'artifact.spinnaker.io/type': 'kubernetes/replicaSet',
  'artifact.spinnaker.io/name': name,
  'artifact.spinnaker.io/location': 'default',
  'artifact.spinnaker.io/version': version,
  'strategy.spinnaker.io/max-version-history': '2',
  ...extra,
});
const replicaSet = (name: string, created: string, annotations: Record<string, string> | undefined): KubeObj =>
  ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'default', creationTimestamp: created, ...(annotations === undefined ? {} : { annotations }) },
    spec: { replicas: 0, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
  }) as KubeObj;

describe('cleanupArtifacts', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const rsType = () => cluster().typeOfKind('apps/v1', 'ReplicaSet');
  const liveNames = (): string[] => cluster().list(rsType(), 'default').items.map((o) => o.metadata.name ?? '');
  const serverGroups = async (): Promise<string[]> => (await h.request<{ name: string }[]>('GET', '/applications/web/serverGroups')).body.map((sg) => sg.name).sort();
  const cleanup = (manifests: unknown, account = 'k8s'): Promise<TaskJson> => h.runOperation('cleanupArtifacts', { account, manifests, cloudProvider: 'kubernetes' });
  /** What a deploy's result lists for the newest version (Orca passes `outputs.manifests`). */
  const deployed = (version: string, extra: Record<string, string> = {}) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `web-${version}`, namespace: 'default', annotations: artifactAnnotations('web', version, extra) },
    spec: { replicas: 0 },
  });

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    // Creation order differs from name order: versions go oldest first by creationTimestamp.
    cluster().put(rsType(), replicaSet('web-v001', '2024-01-01T00:00:00Z', artifactAnnotations('web', 'v001')));
    cluster().put(rsType(), replicaSet('web-v000', '2024-01-02T00:00:00Z', artifactAnnotations('web', 'v000')));
    cluster().put(rsType(), replicaSet('web-v003', '2024-01-03T00:00:00Z', artifactAnnotations('web', 'v003')));
    cluster().put(rsType(), replicaSet('web-v002', '2024-01-04T00:00:00Z', artifactAnnotations('web', 'v002')));
    // Not versions of artifact "web": another artifact name, and no artifact annotations.
    cluster().put(rsType(), replicaSet('webby-v000', '2023-01-01T00:00:00Z', artifactAnnotations('webby', 'v000')));
    cluster().put(rsType(), replicaSet('web-v099', '2023-01-01T00:00:00Z', undefined));
    await waitFor(async () => expect(await serverGroups()).toContain('replicaSet web-v002'));
  });
  afterAll(async () => h.stop());

  it('deletes the oldest versions beyond max-version-history, and the read API no longer lists them when the task completes', async () => {
    const task = await cleanup([deployed('v002'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'no-strategy', namespace: 'default' } }]);
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.resultObjects).toEqual([{ manifestNamesByNamespace: { default: ['replicaSet web-v001', 'replicaSet web-v000'] }, createdArtifacts: [], boundArtifacts: [] }]);
    expect(task.history.map((e) => e.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesCleanupArtifactsOperation',
      "Deleting artifact 'Artifact(type=kubernetes/replicaSet, name=web, version=v001, location=default)'",
      "Deleting artifact 'Artifact(type=kubernetes/replicaSet, name=web, version=v000, location=default)'",
      'Orchestration completed.',
    ]);
    expect(liveNames().sort()).toEqual(['web-v002', 'web-v003', 'web-v099', 'webby-v000']);
    const listed = await serverGroups();
    expect(listed).not.toContain('replicaSet web-v000');
    expect(listed).not.toContain('replicaSet web-v001');
    expect(listed).toContain('replicaSet web-v003');
  });

  it('deletes nothing when the live versions are within the limit, or the manifest has no limit or no artifact', async () => {
    for (const manifests of [[deployed('v002')], [deployed('v002', { 'strategy.spinnaker.io/max-version-history': 'many' })], [{ ...deployed('v002'), metadata: { name: 'web-v002', namespace: 'default', annotations: { 'strategy.spinnaker.io/max-version-history': '0' } } }], null]) {
      const task = await cleanup(manifests);
      expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
      expect(task.resultObjects).toEqual([{ manifestNamesByNamespace: {}, createdArtifacts: [], boundArtifacts: [] }]);
    }
    expect(liveNames().sort()).toEqual(['web-v002', 'web-v003', 'web-v099', 'webby-v000']);
  });

  it('keeps only the newest with max-version-history 1', async () => {
    const task = await cleanup([deployed('v003', { 'strategy.spinnaker.io/max-version-history': '1' })]);
    expect(task.resultObjects).toEqual([{ manifestNamesByNamespace: { default: ['replicaSet web-v003'] }, createdArtifacts: [], boundArtifacts: [] }]);
    expect(liveNames().sort()).toEqual(['web-v002', 'web-v099', 'webby-v000']);
  });

  it.each([
    [[{ metadata: { name: 'x', namespace: 'default' } }], 'k8s', 'cleanupKubernetesArtifacts.manifests[0].kind.invalid'],
    [[{ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-v002', namespace: 'default', annotations: artifactAnnotations('web', 'v002') } }], 'limited', 'cleanupKubernetesArtifacts.default.wrongNamespace'],
    ['not-a-list', 'k8s', 'cleanupArtifacts.manifests'],
    [[], 'nope', 'cleanupArtifacts.account'],
  ])('refuses %j on account %s with a 400 naming %s and creates no task', async (manifests, account, expected) => {
    await h.expectRefused('cleanupArtifacts', { account, manifests }, expected);
  });

  it('fails the task with the cluster’s cause when the API server refuses, and deletes nothing', async () => {
    cluster().put(rsType(), replicaSet('web-v004', '2024-01-05T00:00:00Z', artifactAnnotations('web', 'v004')));
    cluster().put(rsType(), replicaSet('web-v005', '2024-01-06T00:00:00Z', artifactAnnotations('web', 'v005')));
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['replicasets'], namespaces: ['default'] } });
    let task: TaskJson;
    try {
      task = await cleanup([deployed('v005')]);
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'KubernetesCleanupArtifactsOperation' });
    expect(String(task.resultObjects[0]?.message)).toContain('HTTP 403');
    expect(liveNames().sort()).toEqual(['web-v002', 'web-v004', 'web-v005', 'web-v099', 'webby-v000']);
  });
});
