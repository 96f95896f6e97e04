import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObj } from '../../src/testing/kubeSim/objectStore.js';
import { startKubernetesApp, type KubernetesAppHarness, type TaskJson } from '../helpers/kubernetesApp.js';
import { waitFor } from '../helpers/waitFor.js';

const service = (name: string, selector?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { ...(selector === undefined ? {} : { selector }), ports: [{ port: 80 }] },
});
const annotations = { 'moniker.spinnaker.io/application': 'web', 'moniker.spinnaker.io/cluster': 'replicaSet web', 'traffic.spinnaker.io/load-balancers': '["service web"]' };
const replicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web-v000', namespace: 'default', annotations },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web', 'lb-web': 'true' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
  },
};
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'front', namespace: 'default', annotations: { 'traffic.spinnaker.io/load-balancers': '["service web"]' } },
  spec: { replicas: 1, selector: { matchLabels: { app: 'front' } }, template: { metadata: { labels: { app: 'front', 'lb-web': 'true' } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } } },
};

describe('enableManifest and disableManifest', () => {
  let h: KubernetesAppHarness;
  const cluster = () => h.sim.cluster(h.sim.clusterNames[0] ?? '');
  const type = (apiVersion: string, kind: string) => cluster().typeOfKind(apiVersion, kind);
  const templateLabels = (o: KubeObj): Record<string, string> => (o.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  const rsLabels = () => templateLabels(cluster().get(type('apps/v1', 'ReplicaSet'), 'default', 'web-v000'));
  const podLabels = (): Record<string, string>[] =>
    cluster()
      .list(type('v1', 'Pod'), 'default', { labelSelector: 'app=web' })
      .items.filter((p) => p.metadata.ownerReferences?.some((r) => r.name === 'web-v000'))
      .map((p) => p.metadata.labels ?? {});
  const run = (op: string, description: Record<string, unknown>): Promise<TaskJson> => h.runOperation(op, { account: 'k8s', location: 'default', cloudProvider: 'kubernetes', ...description });
  const statuses = (task: TaskJson): string[] => {
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.resultObjects).toEqual([]);
    return task.history.map((e) => e.status);
  };
  const failure = (task: TaskJson): string => {
    expect(task.status.failed).toBe(true);
    return String(task.resultObjects[0]?.message);
  };
  /** What Deck reads: the application's server groups and whether each is disabled. */
  const disabled = async (): Promise<boolean | undefined> => {
    const res = await h.request<{ name: string; isDisabled: boolean }[]>('GET', '/applications/web/serverGroups');
    expect(res.status).toBe(200);
    return res.body.find((sg) => sg.name === 'replicaSet web-v000')?.isDisabled;
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] } } });
    for (const body of [service('web', { 'lb-web': 'true' }), service('canary', { 'lb-canary': 'true', 'lb-web': 'canary' }), service('headless'), replicaSet, deployment]) {
      cluster().create(type(body.apiVersion, body.kind), 'default', body);
    }
    await waitFor(() => expect(podLabels()).toHaveLength(2));
    await waitFor(async () => expect(await disabled()).toBe(false));
  });
  afterAll(async () => h.stop());

  it('disables a ReplicaSet: removes the selector labels from its template and its pods, and the read API shows it disabled at once', async () => {
    const task = await run('disableManifest', { manifestName: 'replicaSet web-v000' });
    expect(statuses(task)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesDisableManifestOperation',
      'Starting disable operation in account k8s...',
      'Getting load balancer list to disable...',
      'Using annotated list [service web]',
      "Patching target for 'service web'",
      "Patching pods for 'service web'",
      'Disable operation for KubernetesCoordinates(kind=replicaSet, namespace=default, name=web-v000) succeeded',
      'Orchestration completed.',
    ]);
    expect(rsLabels()).toEqual({ app: 'web' });
    expect(podLabels().map((l) => l['lb-web'])).toEqual([undefined, undefined]);
    expect(await disabled()).toBe(true);
    const full = await h.request<{ disabled: boolean; loadBalancers: string[] }>('GET', `/serverGroups/k8s/default/${encodeURIComponent('replicaSet web-v000')}`);
    expect(full.body.disabled).toBe(true);

    // Disabling again changes nothing and succeeds.
    statuses(await run('disableManifest', { manifestName: 'replicaSet web-v000' }));
    expect(rsLabels()).toEqual({ app: 'web' });
  });

  it('enables it again: adds the selector labels, and the read API shows it enabled at once', async () => {
    const task = await run('enableManifest', { manifestName: 'replicaSet web-v000', loadBalancers: null });
    expect(statuses(task)).toEqual([
      'Initializing Orchestration Task',
      'Processing op: KubernetesEnableManifestOperation',
      'Starting enable operation in account k8s...',
      'Getting load balancer list to enable...',
      'Using annotated list [service web]',
      "Patching target for 'service web'",
      "Patching pods for 'service web'",
      'Enable operation for KubernetesCoordinates(kind=replicaSet, namespace=default, name=web-v000) succeeded',
      'Orchestration completed.',
    ]);
    expect(rsLabels()).toEqual({ app: 'web', 'lb-web': 'true' });
    expect(podLabels().map((l) => l['lb-web'])).toEqual(['true', 'true']);
    expect(await disabled()).toBe(false);
  });

  it('uses the supplied load balancers: replaces labels that differ, removes only the selector’s keys', async () => {
    const task = await run('enableManifest', { manifestName: 'replicaSet web-v000', loadBalancers: ['service canary'] });
    expect(statuses(task)).toContain('Using supplied list [service canary]');
    expect(rsLabels()).toEqual({ app: 'web', 'lb-web': 'canary', 'lb-canary': 'true' });
    expect(podLabels()).toEqual([expect.objectContaining({ 'lb-web': 'canary', 'lb-canary': 'true' }), expect.objectContaining({ 'lb-web': 'canary', 'lb-canary': 'true' })]);
    expect(await disabled()).toBe(false); // service canary selects it (service web no longer does)

    statuses(await run('disableManifest', { manifestName: 'replicaSet web-v000', loadBalancers: ['service canary'] }));
    expect(rsLabels()).toEqual({ app: 'web' });
    statuses(await run('enableManifest', { manifestName: 'replicaSet web-v000', loadBalancers: ['service web', 'service headless'] }));
    // A Service without a selector contributes nothing (upstream raises no error on this path).
    expect(rsLabels()).toEqual({ app: 'web', 'lb-web': 'true' });
    expect(await disabled()).toBe(false);
  });

  it('patches only the pod template of a Deployment (no pods of its own), which the controller then rolls out', async () => {
    const task = await run('disableManifest', { manifestName: 'deployment front' });
    const lines = statuses(task);
    expect(lines).toContain("Patching target for 'service web'");
    expect(lines.some((l) => l.startsWith('Patching pods'))).toBe(false);
    expect(templateLabels(cluster().get(type('apps/v1', 'Deployment'), 'default', 'front'))).toEqual({ app: 'front' });
    await waitFor(() => expect(cluster().list(type('apps/v1', 'ReplicaSet'), 'default', { labelSelector: 'app=front,!lb-web' }).items).toHaveLength(1));
  });

  it.each([
    [{ loadBalancers: ['ingress web'] }, 'No support for load balancing via ingress exists in Spinnaker'],
    [{ loadBalancers: ['service'] }, "Failed to perform operation with load balancer 'service'. Load balancers must be specified in the form '{kind} {name}', e.g. 'service my-service'"],
    [{ loadBalancers: ['service ghost'] }, 'Could not find load balancer: KubernetesCoordinates(kind=service, namespace=default, name=ghost).'],
    [{ manifestName: 'replicaSet ghost' }, 'Could not find kubernetes manifest: KubernetesCoordinates(kind=replicaSet, namespace=default, name=ghost)'],
  ])('fails the task for %j as upstream words it', async (description, message) => {
    expect(failure(await run('disableManifest', { manifestName: 'replicaSet web-v000', ...description }))).toBe(message);
    expect(rsLabels()).toEqual({ app: 'web', 'lb-web': 'true' });
  });

  it.each([
    ['enableManifest', { account: 'limited', manifestName: 'replicaSet web-v000' }, 'enableKubernetesManifest.default.wrongNamespace'],
    ['disableManifest', { account: 'limited', manifestName: 'replicaSet web-v000' }, 'disableKubernetesManifest.default.wrongNamespace'],
    ['disableManifest', { manifestName: 'web-v000' }, 'disableKubernetesManifest.manifestName.invalid'],
    ['enableManifest', { manifestName: 'replicaSet web-v000', loadBalancers: 'service web' }, 'enableManifest.loadBalancers'],
  ])('%s refuses %j with a 400 naming %s and creates no task', async (op, description, expected) => {
    await h.expectRefused(op, { account: 'k8s', location: 'default', ...description }, expected);
  });

  it('fails the task with the cluster’s cause when the API server refuses, leaving traffic as it was', async () => {
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', { forbidden: { resources: ['pods'], namespaces: ['default'] } });
    let task: TaskJson;
    try {
      task = await run('disableManifest', { manifestName: 'replicaSet web-v000' });
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
    expect(failure(task)).toContain('HTTP 403');
    expect(task.history.at(-1)?.status).toMatch(/^Orchestration failed: KubernetesDisableManifestOperation/);
    // As upstream, the target was patched before its pods were listed; the pods still carry the label.
    expect(rsLabels()).toEqual({ app: 'web' });
    expect(podLabels().map((l) => l['lb-web'])).toEqual(['true', 'true']);
  });
});
