/**
 * The Kubernetes provider end to end: the real service process (`npm start`) against the
 * simulator, resources created with real kubectl, answers checked on the read API, including
 * deletion, a dead account, and accounts added and removed through the account API.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim } from '../src/testing/kubeSim/index.js';
import { kubectlFor } from './helpers/kubectl.js';
import type { Kubectl } from './helpers/kubectl.js';
import { startService } from './helpers/serviceProcess.js';
import type { ServiceProcess } from './helpers/serviceProcess.js';
import { waitFor } from './helpers/waitFor.js';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-web
  namespace: shop
  annotations:
    moniker.spinnaker.io/application: shop
    moniker.spinnaker.io/cluster: deployment shop-web
spec:
  replicas: 2
  selector: {matchLabels: {app: shop-web}}
  template:
    metadata:
      labels: {app: shop-web}
      annotations:
        moniker.spinnaker.io/application: shop
        moniker.spinnaker.io/cluster: deployment shop-web
    spec:
      containers: [{name: web, image: "registry.example/shop:1.0"}]
---
apiVersion: v1
kind: Service
metadata:
  name: shop-web
  namespace: shop
  annotations: {moniker.spinnaker.io/application: shop}
spec:
  selector: {app: shop-web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: shop-allow-web
  namespace: shop
  annotations: {moniker.spinnaker.io/application: shop}
spec:
  podSelector: {matchLabels: {app: shop-web}}
  ingress: [{ports: [{port: 8080, protocol: TCP}]}]
`;

interface Json {
  [k: string]: unknown;
}

describe('Kubernetes provider against the simulator', () => {
  let sim: KubeSim;
  let service: ServiceProcess;
  let k: Kubectl;
  let kubeconfigPath: string;
  let configPath: string;

  const get = async <T = Json>(path: string): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${service.url}${path}`);
    return { status: res.status, body: (await res.json()) as T };
  };
  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${service.url}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
  };

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, clusters: ['alpha', 'beta', 'gamma'], timing: { reconcileDelayMs: 10, podStartMs: 50 }, bookmarkIntervalMs: 1000, faults: { gamma: { blackHole: true } } });
    k = kubectlFor(sim.kubeconfig);
    kubeconfigPath = k.kubeconfigPath;
    const dir = mkdtempSync(join(tmpdir(), 'cd-k8s-'));
    configPath = join(dir, 'clouddriver.yml');
    writeFileSync(
      configPath,
      [
        'storage:',
        `  sqlite: {path: ${join(dir, 'cd.db')}}`,
        "account: {storage: {enabled: true, allow: {filePaths: true, servers: ['*']}}}",
        'kubernetes:',
        '  probeIntervalSeconds: 1',
        '  writeBatchMillis: 20',
        '  accounts:',
        `    - {name: alpha, kubeconfigFile: ${kubeconfigPath}, context: alpha, kubectlRequestTimeoutSeconds: 2}`,
        `    - {name: gamma, kubeconfigFile: ${kubeconfigPath}, context: gamma, kubectlRequestTimeoutSeconds: 2}`,
        '',
      ].join('\n'),
    );
    service = await startService({ args: ['--config', configPath] });
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
  });

  it('lists credentials for configured accounts without secrets', async () => {
    const { body } = await get<Json[]>('/credentials?expand=true');
    expect(body.map((a) => a.name)).toEqual(['alpha', 'gamma']);
    expect(JSON.stringify(body)).not.toContain('sim-token');
    expect(body[0]).toMatchObject({ name: 'alpha', cloudProvider: 'kubernetes', type: 'kubernetes' });
  });

  it('caches what kubectl applies and serves it in Clouddriver shapes', async () => {
    await k.ok(['apply', '--context', 'alpha', '-f', k.file('shop.yaml', SHOP)]);
    await k.ok(['rollout', 'status', '--context', 'alpha', '-n', 'shop', 'deployment/shop-web', '--timeout=30s']);

    const groups = await waitFor(async () => {
      const { status, body } = await get<Json[]>('/applications/shop/serverGroups');
      expect(status).toBe(200);
      expect(body).toHaveLength(1);
      expect((body[0]?.instances as Json[]).map((i) => i.healthState)).toEqual(['Up', 'Up']);
      return body;
    }, 15_000);
    const sg = groups[0] as Json;
    expect(sg).toMatchObject({ account: 'alpha', region: 'shop', cluster: 'deployment shop-web', cloudProvider: 'kubernetes', type: 'kubernetes', isDisabled: false, capacity: { desired: 2 } });
    expect(String(sg.name)).toMatch(/^replicaSet shop-web-[a-z0-9]+$/);
    expect(sg.loadBalancers).toEqual(['service shop-web']);
    expect(sg.moniker).toMatchObject({ app: 'shop', cluster: 'deployment shop-web', sequence: 1 });
    expect(sg.buildInfo).toEqual({ images: ['registry.example/shop:1.0'] });

    expect((await get('/applications')).body).toEqual([{ name: 'shop', attributes: { name: 'shop' }, clusterNames: { alpha: ['deployment shop-web'] } }]);
    expect((await get('/applications?restricted=false&expand=false')).body).toEqual((await get('/applications')).body);
    expect((await get('/applications/shop')).body).toEqual({ name: 'shop', attributes: { name: 'shop', cloudProviders: 'kubernetes' }, clusters: { alpha: [{ name: 'deployment shop-web', provider: 'kubernetes', loadBalancers: [], serverGroups: [] }] } });
    expect((await get('/applications/shop/clusters')).body).toEqual({ alpha: ['deployment shop-web'] });
    const clusters = (await get<Json[]>('/applications/shop/clusters/alpha')).body;
    expect(clusters).toEqual([{ name: 'deployment shop-web', account: 'alpha', moniker: { app: 'shop', cluster: 'deployment shop-web' }, loadBalancers: ['service shop-web'], serverGroups: [sg.name] }]);

    const full = await get<Json>(`/serverGroups/alpha/shop/${encodeURIComponent(String(sg.name))}`);
    expect(full.status).toBe(200);
    expect(full.body).toMatchObject({ name: sg.name, account: 'alpha', namespace: 'shop', region: 'shop', kind: 'replicaSet', disabled: false, instanceCounts: { total: 2, up: 2 } });
    expect(full.body.serverGroupManagers).toEqual([{ name: 'shop-web', location: 'shop', account: 'alpha' }]);
    const cluster = await get<Json>(`/applications/shop/clusters/alpha/${encodeURIComponent('deployment shop-web')}/kubernetes`);
    expect(cluster.body).toMatchObject({ name: 'deployment shop-web', accountName: 'alpha', type: 'kubernetes' });
    const target = await get<Json>(`/applications/shop/clusters/alpha/${encodeURIComponent('deployment shop-web')}/kubernetes/shop/serverGroups/target/current`);
    expect(target.body.name).toBe(sg.name);

    const managers = (await get<Json[]>('/applications/shop/serverGroupManagers')).body;
    expect(managers).toMatchObject([{ name: 'deployment shop-web', account: 'alpha', kind: 'deployment', cloudProvider: 'kubernetes', serverGroups: [{ name: sg.name, account: 'alpha', namespace: 'shop' }] }]);
    const lbs = (await get<Json[]>('/applications/shop/loadBalancers')).body;
    expect(lbs).toMatchObject([{ name: 'service shop-web', account: 'alpha', kind: 'service', serverGroups: [{ name: sg.name, isDisabled: false }] }]);
    expect((await get<Json>('/securityGroups')).body).toEqual({ alpha: { kubernetes: { shop: [{ name: 'networkPolicy shop-allow-web', id: 'networkPolicy shop-allow-web' }] } } });

    const pod = ((sg.instances as Json[])[0] ?? {}) as Json;
    const instance = await get<Json>(`/instances/alpha/shop/${encodeURIComponent(String(pod.name))}`);
    expect(instance.body).toMatchObject({ healthState: 'Up', zone: 'shop', cloudProvider: 'kubernetes' });
    const search = await get<Json[]>('/search?q=shop-web&type=serverGroups');
    expect(search.body[0]).toMatchObject({ totalMatches: 1, platform: 'kubernetes' });
    expect((await get<Json[]>('/search?q=shop-web&type=serverGroups')).body[0]?.results).toMatchObject([{ account: 'alpha', name: sg.name, namespace: 'shop', region: 'shop', group: 'replicaSet', type: 'serverGroups', provider: 'kubernetes' }]);
    expect((await get<Json[]>('/search?q=sho&type=applications')).body[0]?.results).toEqual([{ provider: 'kubernetes', group: 'applications', logicalKind: 'applications', name: 'shop', application: 'shop', type: 'applications' }]);
    expect((await get<Json[]>('/search?q=shop&type=clusters')).body[0]?.results).toMatchObject([{ account: 'alpha', application: 'shop', cluster: 'deployment shop-web', type: 'clusters' }]);
    expect((await get<Json[]>('/applications/shop/rawResources')).body.map((r) => r.kind).sort()).toEqual(['deployment', 'networkPolicy', 'replicaSet', 'service']);
  });

  it('answers unknown applications, resources and accounts with a JSON 404, and bad queries with a 400', async () => {
    for (const path of [
      '/applications/nope',
      '/applications/shop/clusters/nobody',
      `/applications/shop/clusters/alpha/${encodeURIComponent('deployment nope')}/kubernetes`,
      `/serverGroups/alpha/shop/${encodeURIComponent('replicaSet nope')}`,
      '/instances/alpha/shop/nope',
      '/securityGroups/alpha/kubernetes/shop/nope',
    ]) {
      const res = await get<Json>(path);
      expect(res.status, path).toBe(404);
      expect(typeof res.body.message, path).toBe('string');
    }
    expect((await get('/applications/nope/clusters')).body).toEqual({});
    expect((await get('/serverGroups')).status).toBe(400);
    expect((await get('/serverGroups?applications=shop&ids=a:b:c')).status).toBe(400);
    expect((await get('/search?q=shop')).status).toBe(400);
    expect((await get(`/applications/shop/clusters/alpha/${encodeURIComponent('deployment shop-web')}/kubernetes/shop/serverGroups/target/newest`)).status).toBe(400);
    expect((await send('POST', '/cache/kubernetes/manifest', { account: 'alpha', location: 'shop', name: 'shop-web' })).status).toBe(400);
  });

  it('reads manifests live with status and events', async () => {
    const live = await get<Json>(`/manifests/alpha/shop/${encodeURIComponent('deployment shop-web')}`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ account: 'alpha', name: 'deployment shop-web', location: 'shop', moniker: { app: 'shop' }, status: { stable: { state: true }, failed: { state: false } } });
    expect(live.body.artifacts).toEqual([{ type: 'docker/image', name: 'registry.example/shop', reference: 'registry.example/shop:1.0' }]);
    expect((live.body.events as Json[]).some((e) => e.reason === 'ScalingReplicaSet')).toBe(true);
    const coords = await get<Json[]>('/manifests/alpha/shop/deployment/cluster/shop/' + encodeURIComponent('deployment shop-web'));
    expect(coords.body).toEqual([{ kind: 'deployment', namespace: 'shop', name: 'shop-web' }]);
    expect((await get(`/manifests/alpha/shop/${encodeURIComponent('deployment nope')}`)).status).toBe(404);
    await k.ok(['apply', '--context', 'alpha', '-f', k.file('secret.yaml', 'apiVersion: v1\nkind: Secret\nmetadata: {name: db-pass, namespace: shop}\nstringData: {password: hunter2}\n')]);
    const secret = await get<Json>(`/manifests/alpha/shop/${encodeURIComponent('secret db-pass')}`);
    expect(secret.status).toBe(200);
    expect(JSON.stringify(secret.body)).not.toContain('hunter2');
    expect(JSON.stringify(secret.body)).not.toContain(Buffer.from('hunter2').toString('base64'));
    expect((await get(`/manifests/nobody/shop/${encodeURIComponent('deployment shop-web')}`)).status).toBe(404);
  });

  it('follows changes (scale) and answers on-demand requests', async () => {
    await k.ok(['scale', '--context', 'alpha', '-n', 'shop', 'deployment/shop-web', '--replicas=3']);
    await waitFor(async () => {
      const { body } = await get<Json[]>('/applications/shop/serverGroups');
      expect((body[0]?.instances as Json[]).filter((i) => i.healthState === 'Up')).toHaveLength(3);
    }, 15_000);
    const fresh = await send('POST', '/cache/kubernetes/manifest', { account: 'alpha', location: 'shop', name: 'deployment shop-web' });
    expect(fresh.status).toBe(200);
    expect(fresh.body).toEqual({ cachedIdentifiersByType: { deployment: ['kubernetes.v2:infrastructure:deployment:alpha:shop:shop-web'] } });
    expect(Array.isArray((await get('/cache/kubernetes/manifest')).body)).toBe(true);
  });

  it('keeps other accounts fast and reports a dead account without losing the service', async () => {
    const health = await waitFor(async () => {
      const { body } = await get<{ status: string; components: { kubernetes: { details: Record<string, { state: string }> } } }>('/health');
      expect(body.components.kubernetes.details.gamma?.state).toBe('unreachable');
      return body;
    }, 20_000);
    expect(health.status).toBe('UP');
    expect(health.components.kubernetes.details.alpha?.state).toBe('watching');
    const t0 = Date.now();
    expect((await get('/applications/shop/serverGroups')).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(1000);
    const intro = (await get<Json[]>('/cache/introspection')).body;
    expect(intro.find((a) => a.id === 'gamma/KubernetesCoreCachingAgent')).toMatchObject({ details: { state: 'unreachable' } });
  });

  it('adds and removes accounts at runtime through the account API', async () => {
    await k.ok(['apply', '--context', 'beta', '-f', k.file('beta.yaml', SHOP.replaceAll('shop', 'cart'))]);
    const added = await send('POST', '/credentials', { type: 'kubernetes', name: 'beta', kubeconfigFile: kubeconfigPath, context: 'beta' });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ name: 'beta', cloudProvider: 'kubernetes' });
    expect((await send('POST', '/credentials', { type: 'kubernetes', name: 'beta', kubeconfigFile: kubeconfigPath, context: 'beta' })).status).toBe(409);
    expect((await send('POST', '/credentials', { type: 'kubernetes', name: 'bad', namespaces: ['a'], omitNamespaces: ['b'] })).status).toBe(400);
    expect((await send('POST', '/credentials', { type: 'nope', name: 'x' })).status).toBe(400);
    await waitFor(async () => {
      const { body } = await get<Json[]>('/applications/cart/serverGroups');
      expect(body.map((s) => s.account)).toEqual(['beta']);
    }, 15_000);
    const updated = await send('PUT', '/credentials', { type: 'kubernetes', name: 'beta', kubeconfigFile: kubeconfigPath, context: 'beta', namespaces: ['cart'], environment: 'staging' });
    expect(updated.body).toMatchObject({ name: 'beta', environment: 'staging', namespaces: ['cart'] });
    expect((await send('DELETE', '/credentials/beta')).status).toBe(204);
    expect((await get('/credentials/beta')).status).toBe(404);
    await waitFor(async () => {
      expect((await get('/applications/cart')).status).toBe(404);
      expect((await get<Json[]>('/search?q=cart&type=serverGroups')).body[0]).toMatchObject({ totalMatches: 0 });
    });
    expect((await send('DELETE', '/credentials/beta')).status).toBe(404);
  });

  it('keeps last known data of an account that stops answering and marks it stale', async () => {
    sim.setFaults('alpha', { blackHole: true });
    try {
      await waitFor(async () => {
        const { body } = await get<{ components: { kubernetes: { details: Record<string, { state: string; stale: boolean }> } } }>('/health');
        expect(body.components.kubernetes.details.alpha).toMatchObject({ state: 'unreachable', stale: true });
      }, 20_000);
      expect((await get<Json[]>('/applications/shop/serverGroups')).body).toHaveLength(1);
    } finally {
      sim.setFaults('alpha', {});
    }
  });

  it('serves last known data after a restart while the cluster is unreachable', async () => {
    const before = (await get<Json[]>('/applications/shop/serverGroups')).body;
    expect(before).toHaveLength(1);
    // An account added through the API is kept across the restart too.
    expect((await send('POST', '/credentials', { type: 'kubernetes', name: 'delta', kubeconfigFile: kubeconfigPath, context: 'beta', namespaces: ['cart'] })).status).toBe(200);
    await service.stop(); // a graceful stop flushes pending store writes
    sim.setFaults('alpha', { blackHole: true });
    try {
      service = await startService({ args: ['--config', configPath] });
      const { body } = await get<Json[]>('/applications/shop/serverGroups');
      expect(body.map((g) => [g.name, (g.instances as Json[]).length])).toEqual(before.map((g) => [g.name, (g.instances as Json[]).length]));
      const health = (await get<{ components: { kubernetes: { details: Record<string, { state: string; stale: boolean }> } } }>('/health')).body;
      expect(health.components.kubernetes.details.alpha).toMatchObject({ stale: true });
      expect((await get<Json>('/credentials/delta')).body).toMatchObject({ name: 'delta', namespaces: ['cart'] });
      expect((await send('DELETE', '/credentials/delta')).status).toBe(204);
    } finally {
      sim.setFaults('alpha', {});
    }
  });

  it('removes deleted resources from every read endpoint', async () => {
    await waitFor(async () => {
      const { body } = await get<{ components: { kubernetes: { details: Record<string, { state: string }> } } }>('/health');
      expect(body.components.kubernetes.details.alpha?.state).toBe('watching');
    }, 30_000);
    await k.ok(['delete', '--context', 'alpha', '-n', 'shop', 'deployment/shop-web', 'service/shop-web', 'networkpolicy/shop-allow-web']);
    await waitFor(async () => {
      expect((await get<Json[]>('/applications/shop/serverGroups')).body).toEqual([]);
      expect((await get('/applications/shop')).status).toBe(404);
      expect((await get('/applications')).body).toEqual([]);
      expect((await get<Json>('/securityGroups')).body).toEqual({});
    }, 15_000);
  });
});
