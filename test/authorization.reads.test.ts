/**
 * The read and write matrix under Fiat: users × endpoints × {allowed, denied, admin, unknown
 * application, Fiat down}, against a real HTTP Fiat stand-in and the simulator. Accounts `k8s`
 * and `other` see the same cluster, so account filtering shows in every list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';
import { startKubernetesApp, type KubernetesAppHarness } from './helpers/kubernetesApp.js';
import { waitFor } from './helpers/waitFor.js';

const all = ['READ', 'WRITE', 'EXECUTE'];
const rs = (name: string, app: string) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: 'default', annotations: { 'moniker.spinnaker.io/application': app, 'moniker.spinnaker.io/cluster': `replicaSet ${app}` } },
  spec: { replicas: 1, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
});

describe('authorization matrix', () => {
  let fiat: FiatStandIn;
  let h: KubernetesAppHarness;

  beforeAll(async () => {
    fiat = await startFiatStandIn({
      alice: { accounts: [{ name: 'k8s', authorizations: all }], applications: [{ name: 'web', authorizations: all }] },
      bob: { accounts: [{ name: 'other', authorizations: all }], applications: [{ name: 'web', authorizations: all }] },
      carol: { accounts: [{ name: 'k8s', authorizations: all }], applications: [{ name: 'shop', authorizations: all }] },
      dave: { accounts: [{ name: 'k8s', authorizations: all }], allowAccessToUnknownApplications: true },
      root: { admin: true },
    });
    h = await startKubernetesApp({ accounts: { other: {} }, config: { services: { fiat: { enabled: true, baseUrl: fiat.url, cache: { expiresAfterWriteSeconds: 1 } } } } });
    const cluster = h.sim.cluster(h.sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', rs('web-v000', 'web'));
    await waitFor(async () => {
      const res = await h.request<unknown[]>('GET', '/applications/web/serverGroups', undefined, { 'x-spinnaker-user': 'root' });
      expect(res.body).toHaveLength(2);
    });
  });
  afterAll(async () => {
    await h.stop();
    await fiat.stop();
  });

  const get = (user: string, url: string) => h.request<unknown>('GET', url, undefined, { 'x-spinnaker-user': user });
  const accountsIn = (body: unknown): string[] => (Array.isArray(body) ? body.map((x) => (x as { account?: string }).account ?? '').sort() : []);

  const reads: [string, string, (body: unknown) => unknown][] = [
    ['read app', '/applications/web', (b) => Object.keys((b as { clusters: object }).clusters).sort()],
    ['read account', '/applications/web/clusters/k8s', (b) => (b as unknown[]).length],
    ['list apps', '/applications', (b) => (b as { name: string }[]).map((a) => a.name)],
    ['search', '/search?q=web&type=serverGroups', (b) => accountsIn((b as { results: unknown[] }[])[0]?.results)],
    ['server groups of app', '/applications/web/serverGroups', accountsIn],
    ['single server group', '/serverGroups/k8s/default/replicaSet%20web-v000', (b) => (b as { name: string }).name],
    ['live manifest', '/manifests/k8s/default/replicaSet%20web-v000', (b) => (b as { name: string }).name],
  ];

  // Expected answer per user and endpoint: a status, or what the user sees.
  const expected: Record<string, unknown[]> = {
    alice: [['k8s'], 1, ['web'], ['k8s'], ['k8s'], 'replicaSet web-v000', 'replicaSet web-v000'],
    bob: [['other'], 403, ['web'], ['other'], ['other'], 403, 403],
    carol: [403, 403, [], [], 403, 403, 403],
    // `web` is absent from dave's document and he may use unknown applications: he reads it on k8s.
    dave: [['k8s'], 1, ['web'], ['k8s'], ['k8s'], 'replicaSet web-v000', 'replicaSet web-v000'],
    root: [['k8s', 'other'], 1, ['web'], ['k8s', 'other'], ['k8s', 'other'], 'replicaSet web-v000', 'replicaSet web-v000'],
    mallory: [403, 403, [], [], 403, 403, 403],
  };

  for (const [user, outcomes] of Object.entries(expected)) {
    it.each(reads.map(([what, url, view], i) => [what, url, view, outcomes[i]] as const))(`${user}: %s`, async (_what, url, view, outcome) => {
      const res = await get(user, url);
      if (typeof outcome === 'number' && outcome >= 400) {
        expect(res.status, JSON.stringify(res.body)).toBe(outcome);
        expect(JSON.stringify(res.body)).toContain('Access denied');
      } else {
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        expect(view(res.body)).toEqual(outcome);
      }
    });
  }

  it.each([
    ['deleteManifest', { account: 'k8s', manifestName: 'replicaSet web-v000', location: 'default' }],
    ['runJob', { account: 'k8s', application: 'web', manifest: { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } }],
  ])('writes: %s is refused for a reader of another account and allowed for its writer', async (op, description) => {
    const refused = await h.request<{ errors: string[] }>('POST', '/kubernetes/ops', [{ [op]: description }], { 'x-spinnaker-user': 'bob' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.join('\n')).toContain('Access denied to account k8s');
    const carol = await h.request<{ errors: string[] }>('POST', '/kubernetes/ops', [{ [op]: description }], { 'x-spinnaker-user': 'carol' });
    expect(carol.status).toBe(400);
    expect(carol.body.errors.join('\n')).toContain('Access denied to application web');
  });

  it('answers 503 on every protected read while Fiat is down, and recovers', async () => {
    fiat.down = true;
    try {
      await new Promise((r) => setTimeout(r, 1100)); // let the 1 s permission cache expire
      for (const [, url] of reads) expect((await get('erin', url)).status).toBe(503);
    } finally {
      fiat.down = false;
    }
    expect((await get('alice', '/applications/web')).status).toBe(200);
  });

  it('leaves /credentials unfiltered (Gate filters it) and /health open', async () => {
    expect(((await get('mallory', '/credentials')).body as unknown[]).length).toBe(2);
    expect((await get('mallory', '/health')).status).toBe(200);
  });
});
