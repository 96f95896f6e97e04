/**
 * Live manifest reads and on-demand refreshes with hostile coordinates: dot segments, encoded
 * separators and namespaces outside the account's limits never reach the API server as a list,
 * never return a Secret's values, and never put a list into the cache.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';

const SECRET_VALUE = 'c3VwZXItc2VjcmV0LXZhbHVl'; // base64 of "super-secret-value"

describe('hostile manifest coordinates', () => {
  let h: KubernetesAppHarness;

  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { limited: { namespaces: ['team-a'] }, omitting: { omitNamespaces: ['vault'] } } });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    const ns = cluster.typeOfKind('v1', 'Namespace');
    const secret = cluster.typeOfKind('v1', 'Secret');
    for (const name of ['team-a', 'vault']) cluster.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    for (const namespace of ['team-a', 'vault']) {
      cluster.create(secret, namespace, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace }, data: { password: SECRET_VALUE } });
    }
  });
  afterAll(async () => h.stop());

  const expectNoSecret = (body: unknown): void => expect(JSON.stringify(body)).not.toContain(SECRET_VALUE);

  it.each([
    ['/manifests/k8s/vault/secret%20..', 400],
    ['/manifests/k8s/vault/secret%20.', 400],
    // A ".." segment, plain or encoded, is resolved before routing and matches no route.
    ['/manifests/k8s/../secret%20db', 404],
    ['/manifests/k8s/%2E%2E/secret%20db', 404],
    ['/manifests/k8s/vault/secret%20db%2F..', 400],
    ['/manifests/k8s/vault/secret%20%2E%2E', 400],
    ['/manifests/k8s/_/secret%20db', 400],
    ['/manifests/k8s/vault%2Fsecrets/secret%20db', 400],
    ['/manifests/k8s/vault/..%20db', 400],
    ['/manifests/k8s/vault/secret%20db%3Fwatch%3Dtrue', 400],
    ['/manifests/k8s/Vault/secret%20db', 400],
    ['/manifests/limited/vault/secret%20db', 404],
    ['/manifests/omitting/vault/secret%20db', 404],
    ['/manifests/k8s/vault/deployment/cluster/app/cluster', 200],
    ['/manifests/k8s/_/secret/cluster/app/cluster', 400],
    ['/manifests/limited/vault/secret/cluster/app/cluster', 404],
  ])('GET %s answers %i without a Secret value', async (url, status) => {
    const res = await h.request('GET', url);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expect(res.body).toHaveProperty(status === 200 ? 'length' : 'message');
    expectNoSecret(res.body);
  });

  it('still reads a Secret by its real name, without its values', async () => {
    const res = await h.request<{ manifest: { kind: string; metadata: { name: string } } }>('GET', '/manifests/k8s/vault/secret%20db');
    expect(res.status).toBe(200);
    expect(res.body.manifest.kind).toBe('Secret');
    expect(res.body.manifest.metadata.name).toBe('db');
    expectNoSecret(res.body);
    const limited = await h.request('GET', '/manifests/limited/team-a/secret%20db');
    expect(limited.status).toBe(200);
    expectNoSecret(limited.body);
  });

  it.each([
    [{ account: 'k8s', location: 'vault', name: 'secret ..' }, 400],
    [{ account: 'k8s', location: 'vault', name: 'secret .' }, 400],
    [{ account: 'k8s', location: '..', name: 'secret db' }, 400],
    [{ account: 'k8s', location: 'vault', name: 'secret a/b' }, 400],
    [{ account: 'k8s', location: '', name: 'secret db' }, 400],
    [{ account: 'k8s', location: 'vault', name: '../.. db' }, 400],
    [{ account: 'limited', location: 'vault', name: 'secret db' }, 404],
  ])('on-demand refresh of %j answers %i and caches nothing', async (body, status) => {
    const res = await h.request('POST', '/cache/kubernetes/manifest', body);
    expect(res.status, JSON.stringify(res.body)).toBe(status);
    expectNoSecret(res.body);
    const cache = h.app.cache('kubernetes');
    for (const type of ['secret', 'secretList']) {
      const ids = await cache.filterIdentifiers(type, '*');
      const items = await cache.getAll(type, ids);
      expectNoSecret(items);
      expect(ids.every((id) => !id.endsWith(':..') && !id.endsWith(':.'))).toBe(true);
    }
  });

  it('refuses an account definition whose namespaces are not namespace names', async () => {
    const { kubernetesAccountSchema } = await import('../src/providers/kubernetes/account/KubernetesAccountConfig.js');
    const parsed = kubernetesAccountSchema.safeParse({ name: 'x', namespaces: ['..'] });
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toContain('RFC 1123');
  });
});

describe('a cluster failing a live read', () => {
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    h = await startKubernetesApp({ accounts: { k8s: { kubectlRequestTimeoutSeconds: 1 } } });
  });
  afterAll(async () => h.stop());

  it.each([
    [{ unauthorized: true }, 502],
    [{ forbidden: { resources: ['deployments'] } }, 502],
    [{ errorRate: 1, errorStatus: 500 }, 502],
    [{ throttleRate: 1 }, 503],
    [{ blackHole: true }, 503], // the route names the account unreachable
  ])('with faults %j answers %i with the cause, never 500', async (faults, status) => {
    h.sim.setFaults(h.sim.clusterNames[0] ?? '', faults);
    try {
      const res = await h.request<{ message: string }>('GET', '/manifests/k8s/default/deployment%20web');
      expect(res.status).toBe(status);
      expect(res.body.message).not.toBe('Internal error; see the service log');
    } finally {
      h.sim.setFaults(h.sim.clusterNames[0] ?? '', {});
    }
  });
});

describe('request limits', () => {
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    h = await startKubernetesApp({ config: { server: { port: 0, host: '127.0.0.1', maxOperationsPerRequest: 2, rateLimit: { enabled: true, requestsPerSecond: 1, burst: 5 } } } });
  });
  afterAll(async () => h.stop());

  it('refuses a request with more operations than allowed, before any task exists', async () => {
    const op = { scaleManifest: { account: 'k8s', manifestName: 'deployment web', location: 'default', replicas: 1 } };
    const res = await h.request<{ message: string }>('POST', '/kubernetes/ops?clientRequestId=too-many', [op, op, op]);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('a request may carry at most 2 operations (it has 3)');
    expect(await h.app.tasks.getByRequestId('too-many')).toBeUndefined();
  });

  it('limits each caller separately, with a JSON 429', async () => {
    const as = (user: string) => h.request<{ status: number }>('GET', '/credentials', undefined, { 'x-spinnaker-user': user });
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push((await as('greedy')).status);
    expect(answers.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect((await as('patient')).status).toBe(200);
  });
});

describe('bounded query fan-out', () => {
  let h: KubernetesAppHarness;
  beforeAll(async () => {
    h = await startKubernetesApp();
  });
  afterAll(async () => h.stop());

  it('answers a repeated search type as one, and refuses an unbounded list', async () => {
    const repeated = `/search?q=a&${Array.from({ length: 300 }, () => 'type=serverGroups').join('&')}`;
    const once = await h.request<{ results: unknown[] }[]>('GET', '/search?q=a&type=serverGroups');
    expect(await h.request('GET', repeated)).toEqual(once);
    const many = `/serverGroups?ids=${Array.from({ length: 501 }, (_, i) => `k8s:default:replicaSet%20x${i}`).join(',')}`;
    const refused = await h.request<{ message: string }>('GET', many);
    expect(refused.status).toBe(400);
    expect(refused.body.message).toBe('ids may list at most 500 distinct values');
  });
});
