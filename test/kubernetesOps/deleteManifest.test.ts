import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
});
const configMap = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels }, data: { a: '1' } });

describe('deleteManifest', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const type = (apiVersion: string, kind: string) => cluster().typeOfKind(apiVersion, kind);
  const live = (apiVersion: string, kind: string, name: string): KubeObj | undefined => cluster().tryGet(type(apiVersion, kind), 'default', name);
  const create = (body: { apiVersion: string; kind: string }) => cluster().create(type(body.apiVersion, body.kind), 'default', body);
  const replicaSetsOf = (deploymentName: string): KubeObj[] => cluster().list(type('apps/v1', 'ReplicaSet'), 'default', { labelSelector: `app=${deploymentName}` }).items.slice();
  const del = (description: Record<string, unknown>): Promise<TaskJson> => h.runOperation('deleteManifest', { account: 'k8s', location: 'default', cloudProvider: 'kubernetes', ...description });
  const ok = (task: TaskJson): Record<string, unknown> => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    return task.resultObjects[0] ?? {};
  };
  const managerNames = async (): Promise<string[]> => {
    const res = await h.request<{ name: string }[]>('GET', '/applications/web/serverGroupManagers');
    expect(res.status).toBe(200);
    return res.body.map((m) => m.name);
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    create(deployment('web'));
    await waitFor(async () => expect(await managerNames()).toContain('deployment web'));
  });
  afterAll(async () => h.stop());

  it('deletes one object, with upstream status lines and OperationResult; cluster and cache agree when the task completes', async () => {
    await waitFor(() => expect(replicaSetsOf('web')).toHaveLength(1));
    const task = await del({ manifestName: 'deployment web' });
    expect(ok(task)).toEqual({ manifestNamesByNamespace: { default: ['deployment web'] }, manifests: [], createdArtifacts: [], boundArtifacts: [] });
    expect(task.history.map((e) => e.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesDeleteManifestOperation',
      'Starting delete operation in account k8s...',
      'Looking up resource properties for deployment...',
      'Calling delete operation for resource KubernetesCoordinates(kind=deployment, namespace=default, name=web)...',
      'Delete operation completed successfully for web',
      'Delete operation completed successfully for all applicable resources',
      'Orchestration completed.',
    ]);
    expect(live('apps/v1', 'Deployment', 'web')).toBeUndefined();
    expect(await managerNames()).not.toContain('deployment web');
    expect((await h.request('GET', `/manifests/k8s/default/${encodeURIComponent('deployment web')}`)).status).toBe(404);
    // Background propagation (the default): the ReplicaSet is collected.
    await waitFor(() => expect(replicaSetsOf('web')).toHaveLength(0));
  });

  it('ignores objects that do not exist (--ignore-not-found)', async () => {
    expect(ok(await del({ manifestName: 'deployment ghost' }))).toEqual({ manifestNamesByNamespace: { default: [] }, manifests: [], createdArtifacts: [], boundArtifacts: [] });
  });

  it.each([
    [{ cascading: false }, 'orphan'],
    [{ cascading: 'false' }, 'orphan'],
    [{ orphanDependents: true, cascading: true }, 'orphan'],
    [{ orphanDependents: 'false', cascading: false }, 'collect'],
    [{ cascading: true }, 'collect'],
    [{ cascading: 'Foreground', gracePeriodSeconds: 0 }, 'gone-first'],
  ])('maps options %j to the propagation policy (%s)', async (options, expected) => {
    const name = `prop-${Math.random().toString(36).slice(2, 8)}`;
    create(deployment(name));
    await waitFor(() => expect(replicaSetsOf(name)).toHaveLength(1));
    const finalizers: string[][] = [];
    const stop = cluster().watch(type('apps/v1', 'Deployment'), 'default', { resourceVersion: String(cluster().store.resourceVersion) }, (e) => {
      const meta = (e.object as { metadata?: { name?: string; finalizers?: string[] } }).metadata;
      if (meta?.name === name) finalizers.push(meta.finalizers ?? []);
    });
    const task = await del({ manifestName: `deployment ${name}`, options }).finally(stop);
    expect(ok(task).manifestNamesByNamespace).toEqual({ default: [`deployment ${name}`] });
    expect(live('apps/v1', 'Deployment', name)).toBeUndefined();
    if (expected === 'orphan') {
      // The orphan finalizer released the dependents before the owner went: they are kept, without the reference.
      const [rs] = replicaSetsOf(name);
      expect(rs).toBeDefined();
      expect(rs?.metadata.ownerReferences ?? []).toEqual([]);
    } else if (expected === 'gone-first') {
      // Foreground: the owner was held by the foregroundDeletion finalizer until its dependents were gone, and the task waited.
      expect(finalizers.some((f) => f.includes('foregroundDeletion'))).toBe(true);
      expect(replicaSetsOf(name)).toHaveLength(0);
    } else {
      expect(finalizers.some((f) => f.includes('foregroundDeletion'))).toBe(false);
      await waitFor(() => expect(replicaSetsOf(name)).toHaveLength(0));
    }
  });

  it('deletes every object of the kinds matching the label selectors', async () => {
    create(configMap('cm-a', { team: 'x', tier: 'cache' }));
    create(configMap('cm-b', { team: 'x', tier: 'web' }));
    create(configMap('cm-c', { team: 'y', tier: 'cache' }));
    create(configMap('cm-d', { team: 'x' }));
    const task = await del({
      manifestName: null,
      kinds: ['configMap'],
      labelSelectors: {
        selectors: [
          { kind: 'EQUALS', key: 'team', values: ['x'] },
          { kind: 'NOT_CONTAINS', key: 'tier', values: ['web'] },
        ],
      },
    });
    expect(ok(task)).toEqual({ manifestNamesByNamespace: { default: ['configMap cm-a', 'configMap cm-d'] }, manifests: [], createdArtifacts: [], boundArtifacts: [] });
    expect(task.history.map((e) => e.status)).toContain('Calling delete operation for resource KubernetesCoordinates(kind=configMap, namespace=default, name=)...');
    expect(['cm-a', 'cm-b', 'cm-c', 'cm-d'].filter((n) => live('v1', 'ConfigMap', n) !== undefined)).toEqual(['cm-b', 'cm-c']);

    const none = await del({ kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'EXISTS', key: 'nothing-has-this' }] } });
    expect(ok(none).manifestNamesByNamespace).toEqual({ default: [] });
  });

  it.each([
    [{ account: 'nope', manifestName: 'deployment web' }, 'deleteManifest.account'],
    [{ manifestName: 'web' }, 'deleteKubernetesManifest.manifestName.invalid'],
    [{ manifestName: 'deployment ..' }, 'deleteKubernetesManifest.manifestName.invalid'],
    [{ account: 'limited', manifestName: 'deployment web' }, 'deleteKubernetesManifest.default.wrongNamespace'],
    [{ account: 'limited', manifestName: 'deployment web', location: '' }, 'deleteKubernetesManifest.default.wrongNamespace'],
    [{ account: 'limited', kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'EXISTS', key: 'a' }] } }, 'deleteKubernetesManifest.default.wrongNamespace'],
    [{ kinds: ['configMap'] }, 'deleteKubernetesManifest.labelSelectors.empty'],
    [{ kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'ANY' }] } }, 'deleteKubernetesManifest.labelSelectors.empty'],
    [{ kinds: ['config/map'], labelSelectors: { selectors: [{ kind: 'EXISTS', key: 'a' }] } }, 'deleteKubernetesManifest.kinds.invalid'],
    [{ kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'EQUALS', key: 'team', values: ['x,tier'] }] } }, 'deleteKubernetesManifest.labelSelectors.invalid'],
    [{ kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'SOMETIMES', key: 'team' }] } }, 'deleteManifest.labelSelectors.selectors.0.kind'],
    [{ manifestName: 'deployment web', labelSelectors: { selectors: [{ kind: 'EXISTS', key: 'a' }] } }, 'name cannot be provided when a selector is specified'],
    [{ manifestName: 'deployment web', options: { cascading: 'sideways' } }, 'deleteKubernetesManifest.options.cascading.invalid: invalid cascade value (sideways)'],
  ])('refuses %j with a 400 naming %s and creates no task', async (description, expected) => {
    await h.expectRefused('deleteManifest', { account: 'k8s', location: 'default', ...description }, expected);
  });

  it('fails the task with the cluster’s cause when the API server refuses, and deletes nothing', async () => {
    create(configMap('kept', { keep: 'me' }));
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['configmaps'], namespaces: ['default'] } });
    try {
      const point = await del({ manifestName: 'configMap kept' });
      expect(point.status.failed).toBe(true);
      expect(point.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'KubernetesDeleteManifestOperation' });
      expect(String(point.resultObjects[0]?.message)).toContain('HTTP 403');
      expect(point.history.at(-1)?.status).toMatch(/^Orchestration failed: KubernetesDeleteManifestOperation/);

      const selected = await del({ kinds: ['configMap'], labelSelectors: { selectors: [{ kind: 'EQUALS', key: 'keep', values: ['me'] }] } });
      expect(selected.status.failed).toBe(true);
      expect(String(selected.resultObjects[0]?.message)).toContain('HTTP 403');
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect(live('v1', 'ConfigMap', 'kept')).toBeDefined();
  });
});
