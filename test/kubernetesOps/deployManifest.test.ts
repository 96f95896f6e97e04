import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';

const configMap = (data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web-config', namespace: 'default' }, data });
const replicaSet = (extra: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'registry.example/web', envFrom: [{ configMapRef: { name: 'web-config' } }], ...extra }] },
    },
  },
});
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { 'serve-web': 'true' }, ports: [{ port: 80 }] } };
const image = (tag: string) => ({ type: 'docker/image', name: 'registry.example/web', reference: `registry.example/web:${tag}` });

describe('deployManifest', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const live = (apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObj | undefined => cluster().tryGet(cluster().typeOfKind(apiVersion, kind), namespace, name);
  const deploy = (description: Record<string, unknown>): Promise<TaskJson> => h.runOperation('deployManifest', { account: 'k8s', moniker: { app: 'web' }, cloudProvider: 'kubernetes', ...description });
  const ok = (task: TaskJson): Record<string, unknown> => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    return task.resultObjects[0] ?? {};
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
  });
  afterAll(async () => h.stop());

  it('deploys a ConfigMap, a ReplicaSet and a Service: versions, binds, labels, attaches traffic, and answers Clouddriver’s result', async () => {
    const task = await deploy({ manifests: [replicaSet(), configMap({ a: '1' }), service], requiredArtifacts: [image('1.0')], services: ['service web'], enableTraffic: true });
    const result = ok(task) as { manifestNamesByNamespace: Record<string, string[]>; createdArtifacts: Record<string, unknown>[]; boundArtifacts: Record<string, unknown>[]; manifests: KubeObj[] };
    expect(task.history.map((e) => e.status)).toEqual(
      expect.arrayContaining([
        'Processing op: KubernetesDeployManifestOperation',
        'Beginning deployment of manifests in account k8s ...',
        'Deploy order is: configMap web-config, service web, replicaSet web',
        'Submitting manifest replicaSet web-v000 to kubernetes master...',
        'Deploy manifest task completed successfully for all manifests in account k8s',
        'Orchestration completed.',
      ]),
    );
    expect(result.manifestNamesByNamespace).toEqual({ default: ['configMap web-config-v000', 'service web', 'replicaSet web-v000'] });
    expect(result.createdArtifacts).toEqual([
      { type: 'kubernetes/configMap', name: 'web-config', location: 'default', version: 'v000', reference: 'web-config-v000', metadata: { account: 'k8s' }, customKind: false },
      { type: 'kubernetes/service', name: 'web', location: 'default', version: '', reference: 'web', metadata: { account: 'k8s' }, customKind: false },
      { type: 'kubernetes/replicaSet', name: 'web', location: 'default', version: 'v000', reference: 'web-v000', metadata: { account: 'k8s' }, customKind: false },
    ]);
    expect(result.boundArtifacts.map((a) => a.reference).sort()).toEqual(['registry.example/web:1.0', 'web-config-v000']);
    expect(result.manifests).toHaveLength(3);

    const rs = live('apps/v1', 'ReplicaSet', 'default', 'web-v000');
    const template = (rs?.spec as { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: { containers: { image: string; envFrom: unknown[] }[] } } }).template;
    expect(template.spec.containers[0]?.image).toBe('registry.example/web:1.0');
    expect(template.spec.containers[0]?.envFrom).toEqual([{ configMapRef: { name: 'web-config-v000' } }]);
    expect(template.metadata.labels).toMatchObject({ app: 'web', 'serve-web': 'true', 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/managed-by': 'spinnaker', 'moniker.spinnaker.io/sequence': '0' });
    expect(rs?.metadata.annotations).toMatchObject({
      'moniker.spinnaker.io/application': 'web',
      'moniker.spinnaker.io/cluster': 'replicaSet web',
      'moniker.spinnaker.io/sequence': '0',
      'artifact.spinnaker.io/name': 'web',
      'artifact.spinnaker.io/version': 'v000',
      'artifact.spinnaker.io/type': 'kubernetes/replicaSet',
      'artifact.spinnaker.io/location': 'default',
      'traffic.spinnaker.io/load-balancers': '["service web"]',
    });
    expect(live('v1', 'ConfigMap', 'default', 'web-config-v000')?.data).toEqual({ a: '1' });

    // Visible through the read API and the cache as soon as the task completes.
    const sg = await h.request<{ name: string; disabled: boolean }>('GET', '/serverGroups/k8s/default/replicaSet%20web-v000');
    expect(sg.status).toBe(200);
    expect(sg.body.disabled).toBe(false);
    expect((await h.request('POST', '/cache/kubernetes/manifest', { account: 'k8s', location: 'default', name: 'replicaSet web-v000' })).status).toBe(200);
  });

  it('reuses an identical version and creates the next one for a change', async () => {
    const again = ok(await deploy({ manifests: [replicaSet(), configMap({ a: '1' })], requiredArtifacts: [image('1.0')], services: ['service web'] }));
    expect(again.manifestNamesByNamespace).toEqual({ default: ['configMap web-config-v000', 'replicaSet web-v000'] });
    const changed = await deploy({ manifests: [replicaSet(), configMap({ a: '1' })], requiredArtifacts: [image('2.0')], services: ['service web'] });
    expect(ok(changed).manifestNamesByNamespace).toEqual({ default: ['configMap web-config-v000', 'replicaSet web-v001'] });
    expect(changed.history.map((e) => e.status)).toContain('Manifest configMap web-config was already deployed at version web-config-v000 - reusing.');
    expect(live('apps/v1', 'ReplicaSet', 'default', 'web-v001')?.metadata.annotations?.['moniker.spinnaker.io/sequence']).toBe('1');
    const newConfig = ok(await deploy({ manifests: [configMap({ a: '2' })] }));
    expect(newConfig.manifestNamesByNamespace).toEqual({ default: ['configMap web-config-v001'] });
  });

  it('expands kind: List, applies namespaceOverride and honours strategy.spinnaker.io/versioned', async () => {
    await h.runOperation('deployManifest', { account: 'k8s', moniker: { app: 'web' }, manifests: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-b' } }] });
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain', namespace: 'elsewhere', annotations: { 'strategy.spinnaker.io/versioned': 'false' } }, data: { x: 'y' } },
        { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api' }, spec: { selector: { a: 'b' }, ports: [{ port: 80 }] } },
      ],
    };
    const result = ok(await deploy({ manifests: [list], namespaceOverride: 'team-b' }));
    expect(result.manifestNamesByNamespace).toEqual({ 'team-b': ['configMap plain', 'service api'] });
    expect(live('v1', 'ConfigMap', 'team-b', 'plain')).toBeDefined();
  });

  it('deploys generateName objects with create, and replace/recreate strategies', async () => {
    const generated = ok(await deploy({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-', namespace: 'default', annotations: { 'strategy.spinnaker.io/versioned': 'false' } }, data: {} }] }));
    const [name] = (generated.manifestNamesByNamespace as Record<string, string[]>).default ?? [];
    expect(name).toMatch(/^configMap gen-[a-z0-9]{5}$/);

    const svc = (annotations: Record<string, string>, port: number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'strat', namespace: 'default', annotations }, spec: { selector: { a: 'b' }, ports: [{ port }] } });
    ok(await deploy({ manifests: [svc({}, 80)] }));
    const uid = live('v1', 'Service', 'default', 'strat')?.metadata.uid;
    ok(await deploy({ manifests: [svc({ 'strategy.spinnaker.io/replace': 'true' }, 81)] }));
    expect(live('v1', 'Service', 'default', 'strat')?.metadata.uid).toBe(uid);
    expect((live('v1', 'Service', 'default', 'strat')?.spec as { ports: { port: number }[] }).ports[0]?.port).toBe(81);
    ok(await deploy({ manifests: [svc({ 'strategy.spinnaker.io/recreate': 'true' }, 82)] }));
    expect(live('v1', 'Service', 'default', 'strat')?.metadata.uid).not.toBe(uid);
  });

  it('deploys only what label selectors pick, and fails when nothing is picked unless allowed', async () => {
    const cm = (name: string, tier: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', labels: { tier }, annotations: { 'strategy.spinnaker.io/versioned': 'false' } }, data: {} });
    const selectors = (value: string) => ({ selectors: [{ kind: 'EQUALS', key: 'tier', values: [value] }] });
    const picked = ok(await deploy({ manifests: [cm('front', 'front'), cm('back', 'back')], labelSelectors: selectors('front') }));
    expect(picked.manifestNamesByNamespace).toEqual({ default: ['configMap front'] });
    expect(live('v1', 'ConfigMap', 'default', 'back')).toBeUndefined();
    const none = await deploy({ manifests: [cm('front', 'front')], labelSelectors: selectors('none') });
    expect(none.status.failed).toBe(true);
    expect(String(none.resultObjects[0]?.message)).toContain('nothing deployed to account k8s');
    ok(await deploy({ manifests: [cm('front', 'front')], labelSelectors: selectors('none'), allowNothingSelected: true }));
  });

  it('copies the source capacity and refuses red/black with a version history under 2', async () => {
    const scaled = replicaSet();
    (scaled.metadata as Record<string, unknown>).annotations = { 'strategy.spinnaker.io/use-source-capacity': 'true' };
    cluster().patch(cluster().typeOfKind('apps/v1', 'ReplicaSet'), 'default', 'web-v001', 'application/merge-patch+json', JSON.stringify({ spec: { replicas: 4 } }));
    const result = ok(await deploy({ manifests: [scaled], requiredArtifacts: [image('3.0')] }));
    expect(result.manifestNamesByNamespace).toEqual({ default: ['replicaSet web-v002'] });
    expect((live('apps/v1', 'ReplicaSet', 'default', 'web-v002')?.spec as { replicas: number }).replicas).toBe(4);

    const limited = replicaSet();
    (limited.metadata as Record<string, unknown>).annotations = { 'strategy.spinnaker.io/max-version-history': '1' };
    const refused = await deploy({ manifests: [limited], strategy: 'RED_BLACK' });
    expect(refused.status.failed).toBe(true);
    expect(String(refused.resultObjects[0]?.message)).toContain('conflicts with the behavior of the RED_BLACK rollout strategy');
  });

  it('fails the task when a required artifact is not bound, before anything is deployed', async () => {
    const task = await deploy({ manifests: [configMap({ z: '1' })], requiredArtifacts: [{ type: 'docker/image', name: 'registry.example/other', reference: 'registry.example/other:1' }] });
    expect(task.status.failed).toBe(true);
    expect(String(task.resultObjects[0]?.message)).toMatch(/^The following required artifacts could not be bound: '\[ArtifactKey\(type=docker\/image, name=registry.example\/other/);
    expect(live('v1', 'ConfigMap', 'default', 'web-config-v002')).toBeUndefined();
  });

  it('never returns Secret values in the result', async () => {
    const task = await deploy({ manifests: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, stringData: { password: 'hunter2-very-secret' } }] });
    ok(task);
    expect(JSON.stringify(task)).not.toContain('hunter2-very-secret');
    expect(JSON.stringify(task)).not.toContain(Buffer.from('hunter2-very-secret').toString('base64'));
  });

  it.each([
    [{ manifests: [configMap({})] , moniker: undefined }, 'deployManifest.moniker'],
    [{ manifests: [] }, 'deployKubernetesManifest.manifests.empty'],
    [{ manifests: [{ apiVersion: 'v1', metadata: { name: 'x' } }] }, 'kind is required'],
    [{ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '..' } }] }, 'name may not be ".."'],
    [{ manifests: [{ kind: 'List', items: ['x'] }] }, 'a List must have items'],
    [{ manifests: [configMap({})], namespaceOverride: 'vault' , account: 'limited' }, 'deployKubernetesManifest.vault.wrongNamespace'],
    [{ manifests: [configMap({})], account: 'missing' }, 'deployManifest.account'],
    [{ manifests: [configMap({})], strategy: 'SIDEWAYS' }, 'deployManifest.strategy'],
  ])('refuses %j with a 400 naming %s and creates no task', async (overrides, expected) => {
    const description: Record<string, unknown> = { account: 'k8s', moniker: { app: 'web' }, ...overrides };
    if ('moniker' in overrides && overrides.moniker === undefined) delete description.moniker;
    await h.expectRefused('deployManifest', description, expected);
  });

  it('fails with the cluster’s cause when the API server refuses the write', async () => {
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['configmaps'] } });
    try {
      const task = await deploy({ manifests: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'denied', namespace: 'default', annotations: { 'strategy.spinnaker.io/versioned': 'false' } }, data: {} }] });
      expect(task.status.failed).toBe(true);
      expect(task.status.retryable).toBe(false);
      expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', cause: 'KubernetesOperationError', operation: 'KubernetesDeployManifestOperation' });
      expect(String(task.resultObjects[0]?.message)).toContain('HTTP 403');
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
  });
});
