/**
 * The provider-neutral read API with two providers contributing: Kubernetes (watch-fed, on the
 * simulator) and the test provider (read from its cache store). Each endpoint merges as
 * Clouddriver's controllers do, and neither provider knows of the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';
import { WIDGET_APP, WIDGET_REGION, testProvider } from './fixtures/testProvider.js';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';

type Json = Record<string, unknown>;
const APP = 'shop';
const NS = 'shop-ns';

describe('provider-neutral read API', () => {
  let h: KubernetesAppHarness;
  let fiat: FiatStandIn;
  const ADMIN = { 'X-SPINNAKER-USER': 'root' };
  const get = async <T = Json>(url: string, status = 200): Promise<T> => {
    const res = await h.request<T>('GET', url, undefined, ADMIN);
    expect(res.status, `${url}: ${JSON.stringify(res.body)}`).toBe(status);
    return res.body;
  };

  beforeAll(async () => {
    const all = ['READ', 'WRITE', 'EXECUTE'];
    fiat = await startFiatStandIn({
      root: { admin: true },
      bob: { accounts: [{ name: 'k8s', authorizations: all }, { name: 'widgets-a', authorizations: all }], applications: [{ name: WIDGET_APP, authorizations: all }] },
    });
    h = await startKubernetesApp({
      providers: [testProvider],
      config: {
        testProvider: { accounts: [{ name: 'widgets-a', widgets: 2 }, { name: 'widgets-b', widgets: 1 }] },
        services: { fiat: { enabled: true, baseUrl: fiat.url } },
      },
    });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
    const moniker = { 'moniker.spinnaker.io/application': APP, 'moniker.spinnaker.io/cluster': 'replicaSet web' };
    cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), NS, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web-v000', namespace: NS, annotations: moniker },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1' }] } } },
    });
    await waitFor(async () => {
      const apps = await get<Json[]>('/applications');
      if (apps.length < 2) throw new Error(`applications so far: ${JSON.stringify(apps)}`);
    });
  });
  afterAll(async () => {
    await h?.stop();
    await fiat?.stop();
  });

  it('lists each provider’s applications, sorted by name', async () => {
    const apps = await get<{ name: string; clusterNames: Record<string, string[]> }[]>('/applications');
    expect(apps.map((a) => a.name)).toEqual([APP, WIDGET_APP]);
    expect(apps[1]?.clusterNames).toEqual({ 'widgets-a': ['widgets-widgets-a'], 'widgets-b': ['widgets-widgets-b'] });
    expect(apps[0]?.clusterNames).toEqual({ k8s: ['replicaSet web'] });
  });

  it('serves one application with the providers that know it, and 404 for none', async () => {
    const widgets = await get<{ attributes: Json; clusters: Record<string, { provider: string }[]> }>(`/applications/${WIDGET_APP}`);
    expect(widgets.attributes).toMatchObject({ name: WIDGET_APP, owner: 'test-team', cloudProviders: 'test' });
    expect(Object.keys(widgets.clusters).sort()).toEqual(['widgets-a', 'widgets-b']);
    expect(widgets.clusters['widgets-a']?.[0]?.provider).toBe('test');
    const shop = await get<{ attributes: Json }>(`/applications/${APP}`);
    expect(shop.attributes.cloudProviders).toBe('kubernetes');
    const missing = await get<{ message: string }>('/applications/nothing-here', 404);
    expect(missing.message).toContain('nothing-here');
  });

  it('answers clusters from the provider that has them, and a provider path names one provider', async () => {
    expect(await get(`/applications/${WIDGET_APP}/clusters`)).toEqual({ 'widgets-a': ['widgets-widgets-a'], 'widgets-b': ['widgets-widgets-b'] });
    const summaries = await get<{ name: string; serverGroups: string[] }[]>(`/applications/${WIDGET_APP}/clusters/widgets-a`);
    expect(summaries).toEqual([expect.objectContaining({ name: 'widgets-widgets-a', serverGroups: ['w0', 'w1'] })]);
    const both = await get<Json[]>(`/applications/${WIDGET_APP}/clusters/widgets-a/widgets-widgets-a`);
    expect(both).toHaveLength(1);
    await get(`/applications/${WIDGET_APP}/clusters/widgets-a/widgets-widgets-a/test`);
    await get(`/applications/${WIDGET_APP}/clusters/widgets-a/widgets-widgets-a/kubernetes`, 404);
    const one = await get<Json>(`/applications/${WIDGET_APP}/clusters/widgets-a/widgets-widgets-a/test/serverGroups/w1?region=${WIDGET_REGION}`);
    expect(one).toMatchObject({ name: 'w1', region: WIDGET_REGION });
    const k8s = await get<{ name: string }[]>(`/applications/${APP}/clusters/k8s/replicaSet%20web/kubernetes/serverGroups`);
    expect(k8s.map((sg) => sg.name)).toEqual(['replicaSet web-v000']);
  });

  it('merges server group summaries across providers, filters by cloudProvider, and finds by id in either', async () => {
    const widgets = await get<{ name: string; cloudProvider: string }[]>(`/applications/${WIDGET_APP}/serverGroups`);
    expect(widgets.map((s) => s.name).sort()).toEqual(['w0', 'w0', 'w1']);
    expect(await get(`/applications/${WIDGET_APP}/serverGroups?cloudProvider=kubernetes`)).toEqual([]);
    const byApps = await get<{ name: string }[]>(`/serverGroups?applications=${APP},${WIDGET_APP}`);
    expect(byApps.map((s) => s.name).sort()).toEqual(['replicaSet web-v000', 'w0', 'w0', 'w1']);
    const byIds = await get<{ name: string }[]>(`/serverGroups?ids=widgets-b:${WIDGET_REGION}:w0&ids=k8s:${NS}:replicaSet%20web-v000`);
    expect(byIds.map((s) => s.name).sort()).toEqual(['replicaSet web-v000', 'w0']);
    expect(await get(`/serverGroups/widgets-b/${WIDGET_REGION}/w0`)).toMatchObject({ name: 'w0', account: 'widgets-b' });
    expect(await get(`/serverGroups/k8s/${NS}/replicaSet%20web-v000`)).toMatchObject({ name: 'replicaSet web-v000', cloudProvider: 'kubernetes' });
    await get(`/serverGroups/widgets-b/${WIDGET_REGION}/w9`, 404);
  });

  it('merges search results of several providers into one set, and one provider answers alone', async () => {
    const merged = await get<{ platform: string; totalMatches: number; results: Json[] }[]>('/search?q=w&type=serverGroups');
    expect(merged).toHaveLength(1);
    expect(merged[0]?.platform).toBe('aws');
    expect(merged[0]?.results.map((r) => r.name).sort()).toEqual(['replicaSet web-v000', 'w0', 'w0', 'w1']);
    expect(merged[0]?.totalMatches).toBe(4);
    const one = await get<{ platform: string; results: Json[] }[]>('/search?q=w&type=serverGroups&platform=test');
    expect(one[0]?.platform).toBe('test');
    expect(one[0]?.results).toHaveLength(3);
    const paged = await get<{ results: Json[]; pageSize: number }[]>('/search?q=w&type=serverGroups&platform=test&pageSize=2&page=2');
    expect(paged[0]?.results).toHaveLength(1);
    await get('/search?q=w', 400);
  });

  it('serves a provider’s load balancers and on-demand refresh only under its own id', async () => {
    expect(await get('/kubernetes/loadBalancers')).toEqual([]);
    expect(await get('/test/loadBalancers')).toEqual([]);
    const unknown = await get<{ message: string }>('/nosuch/loadBalancers', 404);
    expect(unknown.message).toContain('nosuch');
    const refused = await h.request<{ message: string }>('POST', '/cache/test/serverGroup', { account: 'widgets-a' }, ADMIN);
    expect(refused.status).toBe(404);
    expect(refused.body.message).toContain('test');
    const refreshed = await h.request<{ cachedIdentifiersByType: Record<string, string[]> }>('POST', '/cache/kubernetes/manifest', { account: 'k8s', location: NS, name: 'replicaSet web-v000' }, ADMIN);
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body.cachedIdentifiersByType)).toEqual(['replicaSet']);
  });

  it('keeps read authorization on merged answers: what a caller may not read is filtered out or refused', async () => {
    const bob = { 'X-SPINNAKER-USER': 'bob' };
    const list = await h.request<{ account: string; name: string }[]>('GET', `/serverGroups?applications=${APP},${WIDGET_APP}`, undefined, bob);
    expect(list.status).toBe(200);
    // Application `shop` is not bob's, account widgets-b neither.
    expect(list.body.map((s) => `${s.account}/${s.name}`).sort()).toEqual(['widgets-a/w0', 'widgets-a/w1']);
    const apps = await h.request<{ name: string }[]>('GET', '/applications', undefined, bob);
    expect(apps.body.map((a) => a.name)).toEqual([WIDGET_APP]);
    const clusters = await h.request<Json>('GET', `/applications/${WIDGET_APP}/clusters`, undefined, bob);
    expect(Object.keys(clusters.body)).toEqual(['widgets-a']);
    expect((await h.request('GET', `/serverGroups/widgets-b/${WIDGET_REGION}/w0`, undefined, bob)).status).toBe(403);
    const search = await h.request<{ results: Json[] }[]>('GET', '/search?q=w&type=serverGroups', undefined, bob);
    expect(search.body[0]?.results.map((r) => `${String(r.account)}/${String(r.name)}`).sort()).toEqual(['widgets-a/w0', 'widgets-a/w1']);
  });
});
