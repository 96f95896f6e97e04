/**
 * The operator console's JSON and assets in-process (`inject()`), on the simulator under Fiat:
 * accounts, agents, the cache browser, "why is this missing?", tasks, on-demand refresh, read
 * filtering per user, and secret redaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';
import { infrastructureKey } from '../src/providers/kubernetes/keys.js';

const all = ['READ', 'WRITE', 'EXECUTE'];
type Json = Record<string, unknown>;

const deployment = (name: string, app: string, namespace = 'default', annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace, annotations: { 'moniker.spinnaker.io/application': app, ...annotations } },
  spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

describe('operator console API', () => {
  let fiat: FiatStandIn;
  let h: KubernetesAppHarness;
  const as = (user: string) => ({ 'x-spinnaker-user': user });
  const get = <T = Json>(user: string, url: string) => h.request<T>('GET', url, undefined, as(user));
  const secretKey = infrastructureKey('secret', 'k8s', 'default', 'db-creds');

  beforeAll(async () => {
    fiat = await startFiatStandIn({
      alice: { accounts: [{ name: 'k8s', authorizations: all }], applications: [{ name: 'web', authorizations: all }] },
      bob: { accounts: [{ name: 'other', authorizations: all }], applications: [{ name: 'web', authorizations: all }] },
      root: { admin: true },
    });
    h = await startKubernetesApp({
      accounts: { other: { omitNamespaces: ['hidden'] } },
      config: { services: { fiat: { enabled: true, baseUrl: fiat.url, cache: { expiresAfterWriteSeconds: 1 } } } },
    });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    const deployments = cluster.typeOfKind('apps/v1', 'Deployment');
    cluster.create(cluster.typeOfKind('v1', 'Namespace'), '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hidden' } });
    cluster.create(deployments, 'default', deployment('web', 'web'));
    cluster.create(deployments, 'default', deployment('shop', 'shop'));
    cluster.create(deployments, 'default', deployment('quiet', 'web', 'default', { 'caching.spinnaker.io/ignore': 'true' }));
    cluster.create(deployments, 'hidden', deployment('tucked', 'web', 'hidden'));
    // An item as an older writer might have stored it: a Secret with its data.
    await h.app.cache('kubernetes').putCacheData('secret', {
      id: secretKey,
      attributes: {
        kind: 'secret',
        name: 'db-creds',
        manifest: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db-creds', namespace: 'default' }, data: { password: 'czNjcjN0LXZhbHVl' }, stringData: { token: 'plain-s3cr3t-token' } },
        password: 'attr-s3cr3t',
      },
      relationships: {},
    });
    await waitFor(async () => {
      const res = await get<{ keys: string[] }>('root', '/console/api/cache/kubernetes/deployment/keys?q=web');
      expect(res.body.keys.length).toBe(2);
    });
  }, 90_000);
  afterAll(async () => {
    await h?.stop();
    await fiat?.stop();
  });

  it('serves the page, its script and style sheet from the service, with a same-origin-only policy', async () => {
    for (const [path, type] of [['/console', 'text/html'], ['/console/console.js', 'text/javascript'], ['/console/console.css', 'text/css']] as const) {
      const res = await h.app.server.inject({ method: 'GET', url: path });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain(type);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    }
    expect((await h.app.server.inject({ method: 'GET', url: '/console' })).body).toContain('<script src="/console/console.js"></script>');
  });

  it('lists accounts with their state, objects, last sync and owner, only those the caller may read', async () => {
    const accounts = (await get<Json[]>('root', '/console/api/accounts')).body;
    expect(accounts.map((a) => a.name)).toEqual(['k8s', 'other']);
    const k8s = accounts[0] as Json;
    expect(k8s).toMatchObject({ provider: 'kubernetes', state: 'watching', stale: false, lastError: null, owner: h.app.ownerId, agents: 1 });
    expect(k8s.objects).toBeGreaterThan(0);
    expect(k8s.lastSyncMs).toBeTypeOf('number');
    expect((await get<Json[]>('alice', '/console/api/accounts')).body.map((a) => a.name)).toEqual(['k8s']);
    expect((await get<Json[]>('bob', '/console/api/accounts')).body.map((a) => a.name)).toEqual(['other']);
    expect((await get<Json[]>('mallory', '/console/api/accounts')).body).toEqual([]);
    const overview = (await get<Json>('root', '/console/api/overview')).body;
    expect(overview).toMatchObject({ instance: h.app.ownerId, accounts: { total: 2, byState: { watching: 2 } }, firstSync: { total: 2, synced: 2, syncing: 0, failing: 0 }, syncing: [] });
    expect((await get<Json>('alice', '/console/api/overview')).body).toMatchObject({ accounts: { total: 1 }, firstSync: { total: 1, synced: 1 } });
  });

  it('shows each agent’s last run, failures and lease holder', async () => {
    const agents = await waitFor(async () => {
      const page = (await get<{ agents: Json[] }>('root', '/console/api/agents')).body;
      expect(page.agents.every((a) => a.lastRun !== null)).toBe(true);
      return page.agents;
    }, 20_000);
    expect(agents.map((a) => a.id)).toEqual(['k8s/KubernetesCoreCachingAgent', 'other/KubernetesCoreCachingAgent']);
    expect(agents[0]).toMatchObject({ account: 'k8s', state: 'watching', failures: 0, consecutiveFailures: 0, lastError: null, leaseHolder: h.app.ownerId, leaseHeldHere: true });
    expect((agents[0]?.lastRun as Json).success).toBe(true);
    expect((agents[0]?.lastRun as Json).durationMs).toBeTypeOf('number');
    expect((await get<{ agents: Json[] }>('alice', '/console/api/agents')).body.agents.map((a) => a.id)).toEqual(['k8s/KubernetesCoreCachingAgent']);
  });

  it('browses types, keys (searched, paged) and an item with its relationships both ways', async () => {
    const providers = (await get<{ provider: string; types: { type: string; count: number }[] }[]>('root', '/console/api/cache')).body;
    const k8s = providers.find((p) => p.provider === 'kubernetes');
    // web, shop and tucked on k8s; web and shop on other (omitNamespaces: hidden); quiet is ignored.
    expect(k8s?.types.find((t) => t.type === 'deployment')?.count).toBe(5);
    const page = (await get<{ total: number; keys: string[] }>('root', '/console/api/cache/kubernetes/deployment/keys?q=WEB&limit=1')).body;
    expect(page.total).toBe(2);
    expect(page.keys).toEqual([infrastructureKey('deployment', 'k8s', 'default', 'web')]);
    const next = (await get<{ keys: string[]; offset: number }>('root', '/console/api/cache/kubernetes/deployment/keys?q=web&limit=1&offset=1')).body;
    expect(next.keys).toEqual([infrastructureKey('deployment', 'other', 'default', 'web')]);

    const id = infrastructureKey('deployment', 'k8s', 'default', 'web');
    const item = await waitFor(async () => {
      const res = await get<Json>('root', `/console/api/cache/kubernetes/deployment/item?id=${encodeURIComponent(id)}`);
      expect(Object.keys(res.body.relationships as Json)).toContain('replicaSet');
      return res.body;
    }, 15_000);
    expect((item.attributes as Json).name).toBe('web');
    const rs = (item.relationships as Record<string, { id: string; cached: boolean; pointsBack: boolean }[]>).replicaSet ?? [];
    expect(rs).toHaveLength(1);
    expect(rs[0]).toMatchObject({ cached: true, pointsBack: true });
    expect(item.referencedBy).toBeNull();
    expect(item.onDemand).toEqual({ path: '/cache/kubernetes/manifest', body: { account: 'k8s', location: 'default', name: 'deployment web' } });

    const inbound = (await get<Json>('root', `/console/api/cache/kubernetes/deployment/item?id=${encodeURIComponent(id)}&inbound=true`)).body;
    expect((inbound.referencedBy as Record<string, string[]>).replicaSet).toEqual([rs[0]?.id]);

    const refreshed = await h.request<Json>('POST', (item.onDemand as { path: string }).path, (item.onDemand as { body: Json }).body, as('root'));
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ cachedIdentifiersByType: { deployment: [id] } });
  });

  it('never shows Secret data or credential fields', async () => {
    const res = await get<Json>('root', `/console/api/cache/kubernetes/secret/item?id=${encodeURIComponent(secretKey)}`);
    expect(res.status).toBe(200);
    const text = JSON.stringify(res.body);
    for (const secret of ['czNjcjN0LXZhbHVl', 'plain-s3cr3t-token', 'attr-s3cr3t']) expect(text).not.toContain(secret);
    expect((res.body.attributes as Json).manifest).not.toHaveProperty('data');
    expect((res.body.attributes as Json).password).toBe('[redacted]');
  });

  it('hides keys and items of accounts and applications the caller may not read', async () => {
    const counts = (await get<{ provider: string; types: { type: string; count: number }[] }[]>('alice', '/console/api/cache')).body;
    // web, shop and tucked on k8s; other's are not counted for her.
    expect(counts.find((p) => p.provider === 'kubernetes')?.types.find((t) => t.type === 'deployment')?.count).toBe(3);
    const keys = (await get<{ keys: string[] }>('alice', '/console/api/cache/kubernetes/deployment/keys')).body.keys;
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.includes(':k8s:'))).toBe(true);
    const otherWeb = infrastructureKey('deployment', 'other', 'default', 'web');
    expect((await get('alice', `/console/api/cache/kubernetes/deployment/item?id=${encodeURIComponent(otherWeb)}`)).status).toBe(403);
    // shop is an application alice may not read: its Deployment (on her account) is a 403 too.
    const shop = infrastructureKey('deployment', 'k8s', 'default', 'shop');
    expect((await get('alice', `/console/api/cache/kubernetes/deployment/item?id=${encodeURIComponent(shop)}`)).status).toBe(403);
    const apps = (await get<{ keys: string[] }>('alice', '/console/api/cache/kubernetes/applications/keys')).body.keys;
    expect(apps.some((k) => k.endsWith(':shop'))).toBe(false);
    expect(apps.some((k) => k.endsWith(':web'))).toBe(true);
    expect((await get('alice', '/console/api/missing?name=web&account=other')).status).toBe(403);
  });

  it('explains which filter keeps an object out, and which keys exist for a name', async () => {
    const quiet = (await get<{ providers: { provider: string; live: Json[]; found: Json[]; notes: string[] }[] }>('root', '/console/api/missing?name=quiet&account=k8s')).body.providers[0];
    expect(quiet?.found).toEqual([]);
    const live = quiet?.live.find((o) => o.kind === 'deployment');
    expect(live).toMatchObject({ account: 'k8s', namespace: 'default', name: 'quiet', cached: false });
    expect((live?.filters as { filter: string; excludes: boolean }[]).filter((f) => f.excludes).map((f) => f.filter)).toEqual(['ignoreAnnotation']);

    const tucked = (await get<{ providers: { live: Json[] }[] }>('root', '/console/api/missing?name=deployment%20tucked')).body.providers[0]?.live ?? [];
    const byAccount = Object.fromEntries(tucked.map((o) => [o.account, (o.filters as { filter: string; excludes: boolean }[]).filter((f) => f.excludes).map((f) => f.filter)]));
    expect(byAccount).toEqual({ k8s: [], other: ['omitNamespaces'] });
    expect(tucked.find((o) => o.account === 'k8s')?.cached).toBe(true);

    const web = (await get<{ providers: { found: { type: string; id: string; relationships: Record<string, string[]> }[] }[] }>('alice', '/console/api/missing?name=web')).body.providers[0]?.found ?? [];
    const types = web.map((f) => f.type);
    expect(types).toContain('applications');
    expect(types).toContain('clusters');
    expect(types).toContain('deployment');
    expect(web.every((f) => f.type === 'applications' || f.id.includes(':k8s:'))).toBe(true);
    const app = web.find((f) => f.type === 'applications');
    expect(Object.values(app?.relationships ?? {}).flat().every((id) => !id.includes(':other:'))).toBe(true);
  });

  it('lists recent tasks with their state, filters them, and opens one with its history and results', async () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'console-cm', namespace: 'default' }, data: { a: '1' } };
    const submitted = await h.request<{ id: string }>('POST', '/kubernetes/ops', [{ deployManifest: { account: 'k8s', moniker: { app: 'web' }, cloudProvider: 'kubernetes', manifests: [manifest] } }], as('root'));
    expect(submitted.status).toBe(200);
    const id = submitted.body.id;
    const row = await waitFor(async () => {
      const list = (await get<Json[]>('root', '/console/api/tasks')).body;
      const found = list.find((t) => t.id === id);
      expect(found?.state).toBe('COMPLETED');
      return found;
    }, 20_000);
    expect(row).toMatchObject({ operations: ['deployManifest'], accounts: ['k8s'], user: 'root', cloudProvider: 'kubernetes' });
    expect((await get<Json[]>('root', '/console/api/tasks?state=FAILED')).body.find((t) => t.id === id)).toBeUndefined();
    expect((await get<Json[]>('root', '/console/api/tasks?q=deploymanifest')).body.map((t) => t.id)).toContain(id);
    expect((await get<Json[]>('root', '/console/api/tasks?q=nothing-like-it')).body).toEqual([]);

    const task = (await get<{ history: { phase: string; status: string }[]; resultObjects: Json[] }>('root', `/console/api/tasks/${id}`)).body;
    expect(task.history.at(-1)?.status).toMatch(/Orchestration completed/);
    expect(JSON.stringify(task.resultObjects)).toContain('configMap console-cm');

    expect((await get<Json[]>('bob', '/console/api/tasks')).body.find((t) => t.id === id)).toBeUndefined();
    expect((await get('bob', `/console/api/tasks/${id}`)).status).toBe(403);
    expect((await get('root', '/console/api/tasks/no-such-task')).status).toBe(404);
  });
});
