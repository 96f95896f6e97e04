import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'registry.example/web:1.0', ports: [{ containerPort: 80 }] }] } },
  },
};
const image = (name: string, tag: string) => ({ type: 'docker/image', name, reference: `${name}:${tag}` });
const containerPatch = (img: string) => ({ spec: { template: { spec: { containers: [{ name: 'c', image: img }] } } } });

describe('patchManifest', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const type = (apiVersion: string, kind: string) => cluster().typeOfKind(apiVersion, kind);
  const web = (): KubeObj => cluster().get(type('apps/v1', 'Deployment'), 'default', 'web');
  const containerOf = (o: KubeObj | undefined) => (o?.spec as { template: { spec: { containers: { image: string; ports?: unknown[] }[] } } }).template.spec.containers[0];
  const cached = async (): Promise<KubeObj | undefined> => (await h.app.cache('kubernetes').get('deployment', 'kubernetes.v2:infrastructure:deployment:k8s:default:web'))?.attributes.manifest as KubeObj | undefined;
  const patch = (description: Record<string, unknown>): Promise<TaskJson> =>
    h.runOperation('patchManifest', { account: 'k8s', manifestName: 'deployment web', location: 'default', cloudProvider: 'kubernetes', source: 'text', ...description });
  const ok = (task: TaskJson): Record<string, unknown> => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    return task.resultObjects[0] ?? {};
  };
  const failure = (task: TaskJson): string => {
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', operation: 'KubernetesPatchManifestOperation' });
    return String(task.resultObjects[0]?.message);
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    cluster().create(type('apps/v1', 'Deployment'), 'default', deployment);
    cluster().create(type('v1', 'ConfigMap'), 'default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'default' }, data: { a: '1', b: '2' } });
  });
  afterAll(async () => h.stop());

  it('strategic-merges a patch with bound artifacts, records the change cause, and answers OperationResult', async () => {
    const artifact = image('registry.example/web', '2.0');
    const task = await patch({
      patchBody: containerPatch('registry.example/web'),
      options: { mergeStrategy: 'strategic', record: true },
      allArtifacts: [artifact, image('registry.example/unused', '9')],
      requiredArtifacts: [artifact],
      manifests: [containerPatch('registry.example/web')],
    });
    expect(ok(task)).toEqual({
      manifestNamesByNamespace: { default: ['deployment web'] },
      manifests: [{ metadata: { namespace: 'default', name: 'web' }, kind: 'deployment' }],
      createdArtifacts: [],
      boundArtifacts: [artifact],
    });
    expect(task.history.map((e) => e.status)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesPatchManifestOperation',
      'Beginning patching of manifest in account k8s...',
      'Finding patch handler for KubernetesCoordinates(kind=deployment, namespace=default, name=web)...',
      'Swapping out artifacts in KubernetesCoordinates(kind=deployment, namespace=default, name=web) from context...',
      'Submitting manifest deployment web to Kubernetes master...',
      'Patch manifest operation completed successfully',
      'Orchestration completed.',
    ]);
    // Containers merged by name: the image changed, the ports stayed.
    expect(containerOf(web())).toMatchObject({ name: 'c', image: 'registry.example/web:2.0', ports: [{ containerPort: 80 }] });
    const cause = web().metadata.annotations?.['kubernetes.io/change-cause'] ?? '';
    expect(cause).toMatch(/^kubectl --namespace=default patch deployment web --record --type strategic --patch \{/);
    expect(cause).toContain('registry.example/web:2.0');
    const inCache = await cached();
    expect(containerOf(inCache)?.image).toBe('registry.example/web:2.0');
    expect(inCache?.metadata.annotations?.['kubernetes.io/change-cause']).toBe(cause);
  });

  it('merge-patches without recording', async () => {
    const before = web().metadata.annotations?.['kubernetes.io/change-cause'];
    ok(await patch({ patchBody: { metadata: { labels: { team: 'a' } } }, options: { mergeStrategy: 'merge', record: false } }));
    expect(web().metadata.labels).toEqual({ team: 'a' });
    expect(web().metadata.annotations?.['kubernetes.io/change-cause']).toBe(before);
    expect((await cached())?.metadata.labels).toEqual({ team: 'a' });

    const cm = await h.runOperation('patchManifest', { account: 'k8s', manifestName: 'configMap settings', location: 'default', patchBody: { data: { a: null, c: '3' } }, options: { mergeStrategy: 'merge' } });
    expect(ok(cm).manifestNamesByNamespace).toEqual({ default: ['configMap settings'] });
    expect(cluster().get(type('v1', 'ConfigMap'), 'default', 'settings').data).toEqual({ b: '2', c: '3' });
  });

  it('applies a JSON patch as it is, binding no artifacts', async () => {
    const task = await patch({
      patchBody: [
        { op: 'replace', path: '/spec/replicas', value: 3 },
        { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'registry.example/web' },
      ],
      options: { mergeStrategy: 'json', record: false },
      allArtifacts: [image('registry.example/web', '3.0')],
    });
    const result = ok(task);
    expect(result.boundArtifacts).toEqual([]);
    expect(task.history.map((e) => e.status)).not.toContain('Swapping out artifacts in KubernetesCoordinates(kind=deployment, namespace=default, name=web) from context...');
    expect((web().spec as { replicas: number }).replicas).toBe(3);
    expect(containerOf(web())?.image).toBe('registry.example/web');
    expect(((await cached())?.spec as { replicas: number }).replicas).toBe(3);
  });

  it('fails like deploy when a required artifact is not bound, and patches nothing', async () => {
    const message = failure(
      await patch({ patchBody: containerPatch('registry.example/web'), options: { mergeStrategy: 'strategic', record: true }, allArtifacts: [], requiredArtifacts: [image('registry.example/other', '1')] }),
    );
    expect(message).toBe(
      "The following required artifacts could not be bound: '[ArtifactKey(type=docker/image, name=registry.example/other, version=null, location=null, reference=registry.example/other:1)]'." +
        'Check that the Docker image name above matches the name used in the image field of your manifest.' +
        'Failing the stage as this is likely a configuration error.',
    );
    expect(containerOf(web())?.image).toBe('registry.example/web');
  });

  it.each([
    [{ patchBody: undefined }, 'patchKubernetesManifest.patchBody.empty'],
    [{ options: undefined }, 'patchKubernetesManifest.options.mergeStrategy.empty'],
    [{ options: { record: true } }, 'patchKubernetesManifest.options.mergeStrategy.empty'],
    [{ options: { mergeStrategy: 'apply' } }, 'patchManifest.options.mergeStrategy'],
    [{ options: { mergeStrategy: 'json' } }, 'patchKubernetesManifest.patchBody.invalid'],
    [{ options: { mergeStrategy: 'json' }, patchBody: [{ op: 'frobnicate', path: '/x' }] }, 'patchKubernetesManifest.patchBody.invalid'],
    [{ patchBody: [{ spec: {} }] }, 'patchKubernetesManifest.patchBody.invalid'],
    [{ account: 'limited' }, 'patchKubernetesManifest.default.wrongNamespace'],
    [{ manifestName: 'deployment/web' }, 'patchKubernetesManifest.manifestName.invalid'],
    [{ allArtifacts: [{ name: 'no-type' }] }, 'patchManifest.allArtifacts.0.type'],
  ])('refuses %j with a 400 naming %s and creates no task', async (description, expected) => {
    const body = { account: 'k8s', manifestName: 'deployment web', location: 'default', patchBody: { metadata: { labels: { x: 'y' } } }, options: { mergeStrategy: 'strategic', record: false }, ...description };
    await h.expectRefused('patchManifest', body, expected);
  });

  it('fails the task with the cluster’s cause for a missing object or a refusing API server', async () => {
    expect(failure(await patch({ manifestName: 'deployment ghost', patchBody: { metadata: { labels: { x: 'y' } } }, options: { mergeStrategy: 'strategic' } }))).toContain('HTTP 404');
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['deployments'], namespaces: ['default'] } });
    try {
      const task = await patch({ patchBody: { metadata: { labels: { x: 'y' } } }, options: { mergeStrategy: 'strategic', record: true } });
      expect(failure(task)).toContain('HTTP 403');
      expect(task.history.at(-1)?.status).toMatch(/^Orchestration failed: KubernetesPatchManifestOperation/);
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect(web().metadata.labels).toEqual({ team: 'a' });
  });
});
