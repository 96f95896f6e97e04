/**
 * What Deck reads for a Kubernetes application, through Gate, answered by this service: each
 * test asserts the fields Deck's code reads from one endpoint (see docs/deck-compatibility.md).
 * The application `storefront` lives in namespace `web-ns`, so neither its name nor a cluster's
 * appears in the keys of its replica sets or network policy: search must find them through the
 * application, as Clouddriver's Kubernetes search does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';

const APP = 'storefront';
const NS = 'web-ns';
const MONIKER = { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': 'deployment frontend' };

type Json = Record<string, unknown>;
interface SearchPage {
  totalMatches: number;
  results: Json[];
}

describe('Deck compatibility (Kubernetes application)', () => {
  let h: KubernetesAppHarness;
  let replicaSet: string;
  let pod: Json;

  const get = async <T = Json>(url: string): Promise<T> => {
    const res = await h.request<T>('GET', url);
    if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const search = async (query: string): Promise<Json[]> => {
    const pages = await get<SearchPage[]>(`/search?${query}`);
    expect(pages).toHaveLength(1);
    return pages[0]?.results ?? [];
  };

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: [NS] }, omitting: { omitNamespaces: ['default'] } } });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    cluster.create(cluster.typeOfKind('apps/v1', 'Deployment'), NS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'frontend', namespace: NS, annotations: MONIKER },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'frontend' } },
        template: {
          metadata: { labels: { app: 'frontend' }, annotations: MONIKER },
          spec: { containers: [{ name: 'web', image: 'registry.example/frontend:1.2' }] },
        },
      },
    });
    cluster.create(cluster.typeOfKind('v1', 'Service'), NS, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'frontend', namespace: NS, annotations: { 'moniker.spinnaker.io/application': APP } },
      spec: { selector: { app: 'frontend' }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    cluster.create(cluster.typeOfKind('networking.k8s.io/v1', 'NetworkPolicy'), NS, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny-all', namespace: NS, annotations: { 'moniker.spinnaker.io/application': APP } },
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 8080, protocol: 'TCP' }] }] },
    });
    const groups = await waitFor(async () => {
      const list = await get<{ name: string; account: string; instances: unknown[]; loadBalancers: string[] }[]>(`/applications/${APP}/serverGroups`);
      expect(list.map((sg) => sg.account).sort()).toEqual(['k8s', 'limited', 'omitting']);
      const mine = list.filter((sg) => sg.account === 'k8s');
      expect(mine[0]?.instances).toHaveLength(2);
      expect(mine[0]?.loadBalancers).toEqual(['service frontend']);
      return mine;
    }, 15_000);
    replicaSet = groups[0]?.name ?? '';
    const sg = await get<{ instances: Json[] }>(`/serverGroups/k8s/${NS}/${encodeURIComponent(replicaSet)}`);
    pod = sg.instances[0] ?? {};
  }, 30_000);
  afterAll(async () => h.stop());

  describe('search (global search, firewalls data source, manifest selectors)', () => {
    it('finds server groups through their application, with the fields the server group result type reads', async () => {
      const results = await search(`q=${APP}&type=serverGroups&pageSize=500`);
      const mine = results.find((r) => r.account === 'k8s');
      expect(mine).toMatchObject({
        provider: 'kubernetes',
        type: 'serverGroups',
        serverGroup: replicaSet,
        name: replicaSet,
        account: 'k8s',
        region: NS,
        namespace: NS,
        application: APP,
        cluster: 'deployment frontend',
        kubernetesKind: 'replicaSet',
        group: 'replicaSet',
      });
      // Both accounts see the namespace: one result per account, no duplicates.
      expect(results.map((r) => r.account).sort()).toEqual(['k8s', 'limited', 'omitting']);
    });

    it('gives instances `instanceId`, load balancers `loadBalancer` and firewalls `id` (Deck formatters and URL builders)', async () => {
      // Pods are not related to their application (as in Clouddriver): found by their own key.
      const [instances, loadBalancers, firewalls] = await Promise.all([
        search(`q=frontend&type=instances`),
        search(`q=${APP}&type=loadBalancers`),
        search(`q=${APP}&type=securityGroups&pageSize=500`),
      ]);
      expect(instances.filter((r) => r.account === 'k8s').map((r) => r.instanceId).sort()).toEqual(
        expect.arrayContaining([String(pod.humanReadableName)]),
      );
      expect(instances.find((r) => r.account === 'k8s')).toMatchObject({ type: 'instances', region: NS, application: APP });
      expect(loadBalancers.find((r) => r.account === 'k8s')).toMatchObject({ type: 'loadBalancers', loadBalancer: 'service frontend', region: NS, application: APP });
      const firewall = firewalls.find((r) => r.account === 'k8s');
      expect(firewall).toMatchObject({ type: 'securityGroups', id: 'networkPolicy deny-all', name: 'networkPolicy deny-all', region: NS, application: APP, provider: 'kubernetes' });
      // Deck resolves a firewall search result through the /securityGroups index by account, region and id.
      const index = await get<Record<string, Record<string, Record<string, { id: string; name: string }[]>>>>('/securityGroups');
      expect(index.k8s?.kubernetes?.[NS]?.map((g) => g.id)).toContain(firewall?.id);
    });

    it('gives every server group kind `serverGroup` (a Job too, or Deck cannot sort its server group tab)', async () => {
      const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
      const annotations = { 'moniker.spinnaker.io/application': 'batchapp', 'moniker.spinnaker.io/cluster': 'job nightly' };
      cluster.create(cluster.typeOfKind('batch/v1', 'Job'), NS, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'nightly', namespace: NS, annotations },
        spec: { template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'run', image: 'registry.example/batch:1' }] } } },
      });
      const results = await waitFor(async () => {
        const found = (await search('q=batchapp&type=serverGroups')).filter((r) => r.account === 'k8s');
        expect(found).toHaveLength(1);
        return found;
      });
      expect(results[0]).toMatchObject({ serverGroup: 'job nightly', name: 'job nightly', kubernetesKind: 'job', type: 'serverGroups', application: 'batchapp', region: NS });
      for (const r of await search(`q=${NS}&type=serverGroups`)) expect(typeof r.serverGroup).toBe('string');
    });

    it('accepts repeated and comma-separated types and finds a kind in a namespace (ManifestKindSearch)', async () => {
      const repeated = await search(`q=${APP}&type=loadBalancers&type=securityGroups`);
      const commas = await search(`q=${APP}&type=loadBalancers,securityGroups`);
      expect(repeated.map((r) => r.name).sort()).toEqual(commas.map((r) => r.name).sort());
      expect(new Set(repeated.map((r) => r.type))).toEqual(new Set(['loadBalancers', 'securityGroups']));
      const byKind = await search(`q=${NS}&type=deployment`);
      expect(byKind.filter((r) => r.account === 'k8s')).toEqual([expect.objectContaining({ kubernetesKind: 'deployment', namespace: NS, name: 'deployment frontend', type: 'serverGroupManagers' })]);
    });

    it('answers applications with `application` (the global search jumps to it)', async () => {
      expect(await search(`q=${APP.slice(0, 5)}&type=applications`)).toEqual([expect.objectContaining({ application: APP, type: 'applications', provider: 'kubernetes' })]);
    });
  });

  it('GET /serverGroups?ids= with repeated ids (search health counts) matches results by name, account and region', async () => {
    const ids = ['k8s', 'limited'].map((a) => `ids=${encodeURIComponent(`${a}:${NS}:${replicaSet}`)}`).join('&');
    const list = await get<Json[]>(`/serverGroups?${ids}`);
    expect(list.map((sg) => [sg.name, sg.account, sg.region]).sort()).toEqual([
      [replicaSet, 'k8s', NS],
      [replicaSet, 'limited', NS],
    ]);
    expect(list[0]?.instanceCounts).toMatchObject({ total: 2 });
    expect((await h.request('GET', '/serverGroups')).status).toBe(400);
  });

  describe('accounts', () => {
    it('expanded /credentials has what AccountService, ManifestSelector and ManifestDetailsLink read, and no kubeconfig', async () => {
      const res = await h.request<Json[]>('GET', '/credentials?expand=true');
      expect(res.status).toBe(200);
      const k8s = res.body.find((a) => a.name === 'k8s');
      expect(k8s).toMatchObject({
        type: 'kubernetes',
        cloudProvider: 'kubernetes',
        accountType: 'k8s',
        environment: 'k8s',
        challengeDestructiveActions: expect.any(Boolean),
        primaryAccount: expect.any(Boolean),
        requiredGroupMembership: [],
        providerVersion: 'v2',
      });
      expect(k8s?.spinnakerKindMap).toMatchObject({
        deployment: 'serverGroupManagers',
        replicaSet: 'serverGroups',
        service: 'loadBalancers',
        ingress: 'loadBalancers',
        networkPolicy: 'securityGroups',
        pod: 'instances',
        configMap: 'configs',
      });
      expect(res.body.find((a) => a.name === 'limited')?.namespaces).toEqual([NS]);
      expect(JSON.stringify(res.body)).not.toContain('kubeconfig');
      expect(JSON.stringify(res.body)).not.toContain('BEGIN CERTIFICATE');
    });

    it('lists the live namespaces of an account without a namespace limit', async () => {
      const namespaces = await waitFor(async () => {
        const k8s = await get<Json>('/credentials/k8s');
        expect(k8s.namespaces).toContain(NS);
        return k8s.namespaces as string[];
      });
      expect(namespaces).toEqual([...namespaces].sort());
      expect(namespaces).toContain('default');
      const omitting = await waitFor(async () => {
        const details = await get<Json>('/credentials/omitting');
        expect(details.namespaces).toContain(NS);
        return details.namespaces as string[];
      });
      expect(omitting).not.toContain('default');
      expect(await get<Json>('/credentials/limited')).toMatchObject({ namespaces: [NS], spinnakerKindMap: expect.any(Object) });
    });

    it('/artifacts/credentials lists the built-in artifact accounts as {name, types[]}', async () => {
      const accounts = await get<{ name: string; types: string[]; type: string }[]>('/artifacts/credentials');
      expect(accounts).toEqual(
        expect.arrayContaining([
          { name: 'embedded-artifact', types: ['embedded/base64', 'remote/base64'], type: 'artifacts-embedded' },
          { name: 'custom-artifact', types: ['custom/object'], type: 'artifacts-custom' },
          expect.objectContaining({ name: 'kubernetes', types: expect.arrayContaining(['kubernetes/configMap', 'kubernetes/secret']) }),
        ]),
      );
    });
  });

  describe('clusters view', () => {
    it('the application and its clusters have what ApplicationReader and the cluster service read', async () => {
      const app = await get<{ name: string; attributes: Json; clusters: Record<string, Json[]> }>(`/applications/${APP}`);
      expect(app).toMatchObject({ name: APP, attributes: { cloudProviders: 'kubernetes' } });
      expect(app.clusters.k8s).toEqual([expect.objectContaining({ name: 'deployment frontend', provider: 'kubernetes' })]);
      expect(await get<Json>(`/applications/${APP}/clusters`)).toMatchObject({ k8s: ['deployment frontend'] });
    });

    it('server group summaries carry what the cluster service, transformer and health counts read', async () => {
      const [summary] = (await get<Json[]>(`/applications/${APP}/serverGroups`)).filter((sg) => sg.account === 'k8s');
      expect(summary).toMatchObject({
        name: replicaSet,
        account: 'k8s',
        region: NS,
        cluster: 'deployment frontend',
        type: 'kubernetes',
        cloudProvider: 'kubernetes',
        isDisabled: false,
        moniker: { app: APP, cluster: 'deployment frontend' },
        instanceCounts: { total: 2 },
        capacity: { desired: 2 },
        buildInfo: { images: ['registry.example/frontend:1.2'] },
        serverGroupManagers: [{ name: 'frontend', location: NS, account: 'k8s' }],
        createdTime: expect.any(Number),
      });
      expect(summary?.instances).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: pod.name, name: pod.humanReadableName, availabilityZone: NS, healthState: expect.any(String), health: expect.any(Array) })]),
      );
    });

    it('a server group summary is the same listed for its application as asked for by id (search health counts)', async () => {
      const fromApplication = (await get<Json[]>(`/applications/${APP}/serverGroups`)).find((sg) => sg.account === 'k8s' && sg.name === replicaSet);
      const byId = await get<Json[]>(`/serverGroups?ids=${encodeURIComponent(`k8s:${NS}:${replicaSet}`)}`);
      expect(fromApplication).toBeDefined();
      expect(byId).toEqual([fromApplication]);
    });

    it('server group managers match their server groups the way KubernetesV2ServerGroupTransformer does', async () => {
      const managers = (await get<Json[]>(`/applications/${APP}/serverGroupManagers`)).filter((m) => m.account === 'k8s');
      expect(managers).toHaveLength(1);
      const manager = managers[0] ?? {};
      expect(manager).toMatchObject({ name: 'deployment frontend', displayName: 'frontend', kind: 'deployment', namespace: NS, region: NS, cloudProvider: 'kubernetes', createdTime: expect.any(Number) });
      expect(`${String(manager.kind)} frontend`).toBe(manager.name);
      expect(manager.serverGroups).toEqual([expect.objectContaining({ name: replicaSet, account: 'k8s', namespace: NS, region: NS })]);
    });

    it('server group details have what the details pane shows', async () => {
      const sg = await get<Json>(`/applications/${APP}/serverGroups/k8s/${NS}/${encodeURIComponent(replicaSet)}?includeDetails=false`);
      expect(sg).toMatchObject({
        name: replicaSet,
        displayName: replicaSet.split(' ')[1],
        kind: 'replicaSet',
        namespace: NS,
        region: NS,
        account: 'k8s',
        cloudProvider: 'kubernetes',
        disabled: false,
        createdTime: expect.any(Number),
        capacity: { desired: 2 },
        instanceCounts: { total: 2 },
        moniker: { app: APP },
      });
      expect(sg.instances).toHaveLength(2);
    });

    it('instance details answer by pod name and by UID', async () => {
      const byName = await get<Json>(`/instances/k8s/${NS}/${encodeURIComponent(String(pod.humanReadableName))}`);
      expect(byName).toMatchObject({
        account: 'k8s',
        name: pod.name,
        humanReadableName: pod.humanReadableName,
        displayName: String(pod.humanReadableName).split(' ')[1],
        namespace: NS,
        zone: NS,
        kind: 'pod',
        cloudProvider: 'kubernetes',
        moniker: { app: APP },
        createdTime: expect.any(Number),
        healthState: expect.any(String),
      });
      expect(await get<Json>(`/instances/k8s/${NS}/${String(pod.name)}`)).toMatchObject({ humanReadableName: pod.humanReadableName });
    });
  });

  describe('load balancers and firewalls', () => {
    it('application load balancers carry server groups whose instances have health.state (instance counts)', async () => {
      const lbs = (await get<Json[]>(`/applications/${APP}/loadBalancers`)).filter((l) => l.account === 'k8s');
      expect(lbs).toHaveLength(1);
      expect(lbs[0]).toMatchObject({ name: 'service frontend', displayName: 'frontend', kind: 'service', namespace: NS, region: NS, type: 'kubernetes', cloudProvider: 'kubernetes', createdTime: expect.any(Number) });
      const groups = lbs[0]?.serverGroups as { name: string; isDisabled: boolean; detachedInstances: unknown[]; instances: { id: string; name: string; zone: string; health: { state?: unknown } }[] }[];
      expect(groups.map((g) => [g.name, g.isDisabled])).toEqual([[replicaSet, false]]);
      expect(groups[0]?.detachedInstances).toEqual([]);
      for (const i of groups[0]?.instances ?? []) expect(i).toMatchObject({ id: expect.any(String), name: expect.stringMatching(/^pod /), zone: NS, health: { state: expect.any(String) } });
      const details = await get<Json[]>(`/kubernetes/loadBalancers/k8s/${NS}/${encodeURIComponent('service frontend')}`);
      expect(details).toEqual([expect.objectContaining({ name: 'service frontend', account: 'k8s' })]);
    });

    it('firewall details have what the details pane shows', async () => {
      const sg = await get<Json>(`/securityGroups/k8s/kubernetes/${NS}/${encodeURIComponent('networkPolicy deny-all')}`);
      expect(sg).toMatchObject({
        id: 'networkPolicy deny-all',
        name: 'networkPolicy deny-all',
        displayName: 'deny-all',
        kind: 'networkPolicy',
        account: 'k8s',
        accountName: 'k8s',
        namespace: NS,
        region: NS,
        cloudProvider: 'kubernetes',
        createdTime: expect.any(Number),
        inboundRules: [{ protocol: 'TCP', portRanges: [{ startPort: 8080, endPort: 8080 }] }],
      });
    });
  });

  it('manifests have what ManifestReader callers read (status pills, events, artifacts, metrics)', async () => {
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    cluster.create(cluster.typeOfKind('v1', 'Event'), NS, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'frontend.1', namespace: NS },
      involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'frontend', namespace: NS },
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: 'Scaled up replica set to 2',
      count: 1,
      firstTimestamp: at,
      lastTimestamp: at,
    });
    const m = await get<Json>(`/manifests/k8s/${NS}/${encodeURIComponent('deployment frontend')}`);
    expect(m).toMatchObject({ account: 'k8s', name: 'deployment frontend', location: NS, moniker: { app: APP }, manifest: { kind: 'Deployment', metadata: { name: 'frontend' } } });
    expect(Object.keys(m.status as Json).sort()).toEqual(['available', 'failed', 'paused', 'stable']);
    for (const s of Object.values(m.status as Record<string, Json>)) expect(typeof s.state).toBe('boolean');
    expect(m.artifacts).toEqual([{ type: 'docker/image', name: 'registry.example/frontend', reference: 'registry.example/frontend:1.2' }]);
    expect(m.events).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'Normal', reason: 'ScalingReplicaSet', message: 'Scaled up replica set to 2', count: 1, firstTimestamp: at, lastTimestamp: at })]));
    for (const e of m.events as Json[]) expect(e).toMatchObject({ involvedObject: { kind: 'Deployment', name: 'frontend' } });
    expect(Array.isArray(m.metrics)).toBe(true);
  });

  it('a pod manifest answers without a metrics API (metrics are best effort, as kubectl top is upstream)', async () => {
    // The simulator's kubelet reports conditions once it has started the pod.
    const m = await waitFor(async () => {
      const live = await get<{ manifest: { status?: { conditions?: unknown } }; metrics?: unknown }>(`/manifests/k8s/${NS}/${encodeURIComponent(String(pod.humanReadableName))}`);
      if (live.manifest.status?.conditions === undefined) throw new Error('pod not started yet');
      return live;
    });
    expect(m).toMatchObject({ name: pod.humanReadableName, manifest: { kind: 'Pod', status: { conditions: expect.any(Array) } } });
    expect(m.metrics).toEqual([]);
  });

  it('raw resources have what the Kubernetes resources tab reads', async () => {
    const resources = (await get<Json[]>(`/applications/${APP}/rawResources`)).filter((r) => r.account === 'k8s');
    expect(resources.map((r) => r.name).sort()).toEqual(expect.arrayContaining(['deployment frontend', 'networkPolicy deny-all', 'service frontend', replicaSet]));
    for (const r of resources) {
      expect(r).toMatchObject({ account: 'k8s', namespace: NS, region: NS, kind: expect.any(String), displayName: expect.any(String), apiVersion: expect.any(String), labels: expect.any(Object), moniker: { app: APP } });
    }
  });
});
