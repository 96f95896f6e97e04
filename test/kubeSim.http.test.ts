/**
 * The simulator's LIST and WATCH behaviour at the HTTP level: paginated LIST is a consistent
 * snapshot, WATCH resumes from a resourceVersion, too-old versions get 410, bookmarks, selectors,
 * multi-cluster routing, auth and fault injection.
 */
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim } from '../src/testing/kubeSim/index.js';
import { waitFor } from './helpers/waitFor.js';

interface Reply {
  status: number;
  body: Record<string, unknown> & { items?: { metadata: { name: string; resourceVersion: string } }[]; metadata?: { resourceVersion?: string; continue?: string; remainingItemCount?: number } };
}

function request(sim: KubeSim, method: string, path: string, opts: { cluster?: string; body?: unknown; token?: string | null; contentType?: string; accept?: string } = {}): Promise<Reply> {
  const base = opts.cluster === undefined ? sim.url : sim.serverUrl(opts.cluster);
  const url = new URL(base + path);
  const token = opts.token === undefined ? `sim-token-${opts.cluster ?? sim.clusterNames[0] ?? ''}` : opts.token;
  return new Promise((resolve, reject) => {
    const headers = { ...(token === null ? {} : { authorization: `Bearer ${token}` }), 'content-type': opts.contentType ?? 'application/json', ...(opts.accept === undefined ? {} : { accept: opts.accept }) };
    const req = https.request(url, { method, rejectUnauthorized: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const raw = Buffer.concat(chunks);
        const json = (res.headers['content-type'] ?? '').includes('json');
        resolve({ status: res.statusCode ?? 0, body: (raw.length === 0 ? {} : json ? JSON.parse(raw.toString()) : { raw }) as Reply['body'] });
      });
    });
    req.on('error', reject);
    req.end(opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body));
  });
}

interface WatchStream {
  events: { type: string; object: { metadata: { name?: string; resourceVersion?: string }; code?: number; reason?: string } }[];
  ended: Promise<void>;
  close(): void;
}

function watch(sim: KubeSim, path: string, cluster?: string): WatchStream {
  const url = new URL((cluster === undefined ? sim.url : sim.serverUrl(cluster)) + path);
  const events: WatchStream['events'] = [];
  let close: () => void = () => undefined;
  const ended = new Promise<void>((resolve) => {
    const req = https.get(url, { rejectUnauthorized: false, headers: { authorization: `Bearer sim-token-${cluster ?? sim.clusterNames[0] ?? ''}` } }, (res) => {
      let buffer = '';
      res.on('data', (d: Buffer) => {
        buffer += d.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as WatchStream['events'][number]);
          buffer = buffer.slice(nl + 1);
        }
      });
      res.on('close', resolve);
      res.on('error', () => resolve());
    });
    req.on('error', () => resolve());
    close = () => req.destroy();
  });
  return { events, ended, close: () => close() };
}

const configMap = (name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: { v: '1' } });

describe('simulator LIST and WATCH over HTTP', () => {
  let sim: KubeSim;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, clusters: 3, cluster: { historyLimit: 50 }, bookmarkIntervalMs: 200, controllers: false });
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('paginates LIST as one consistent snapshot even while objects change', async () => {
    for (let i = 0; i < 25; i++) expect((await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap(`page-${String(i).padStart(2, '0')}`) })).status).toBe(201);
    const first = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=10');
    expect(first.body.items).toHaveLength(10);
    expect(first.body.metadata?.remainingItemCount).toBe(15);
    const snapshotRv = first.body.metadata?.resourceVersion;
    // Changes between pages are not seen by the continued list.
    await request(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/page-20');
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('page-99') });
    const names = (first.body.items ?? []).map((i) => i.metadata.name);
    let token = first.body.metadata?.continue;
    while (token !== undefined && token !== '') {
      const next = await request(sim, 'GET', `/api/v1/namespaces/default/configmaps?limit=10&continue=${encodeURIComponent(token)}`);
      expect(next.body.metadata?.resourceVersion).toBe(snapshotRv);
      names.push(...(next.body.items ?? []).map((i) => i.metadata.name));
      token = next.body.metadata?.continue;
    }
    expect(names).toEqual(Array.from({ length: 25 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    // A fresh list sees the changes.
    const fresh = (await request(sim, 'GET', '/api/v1/namespaces/default/configmaps')).body.items?.map((i) => i.metadata.name) ?? [];
    expect(fresh).toContain('page-99');
    expect(fresh).not.toContain('page-20');
    // An expired continue token is 410 Gone.
    const again = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=5');
    sim.cluster('sim-1').expireContinueTokens();
    const expired = await request(sim, 'GET', `/api/v1/namespaces/default/configmaps?limit=5&continue=${encodeURIComponent(again.body.metadata?.continue ?? '')}`);
    expect(expired.status).toBe(410);
    expect(expired.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('lists at an exact older resourceVersion', async () => {
    const before = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps');
    const rv = before.body.metadata?.resourceVersion ?? '';
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('later') });
    const at = await request(sim, 'GET', `/api/v1/namespaces/default/configmaps?resourceVersion=${rv}&resourceVersionMatch=Exact`);
    expect(at.body.items?.map((i) => i.metadata.name)).toEqual(before.body.items?.map((i) => i.metadata.name));
  });

  it('resumes a WATCH from a resourceVersion, sends bookmarks, and honours timeoutSeconds', async () => {
    const list = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-2' });
    const rv = list.body.metadata?.resourceVersion ?? '';
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-2', body: configMap('missed-1') });
    await request(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/missed-1', { cluster: 'sim-2', body: { data: { v: '2' } }, contentType: 'application/merge-patch+json' });
    const w = watch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true&timeoutSeconds=2`, 'sim-2');
    await waitFor(() => expect(w.events.map((e) => e.type)).toEqual(expect.arrayContaining(['ADDED', 'MODIFIED'])));
    await request(sim, 'DELETE', '/api/v1/namespaces/default/configmaps/missed-1', { cluster: 'sim-2' });
    await waitFor(() => expect(w.events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'missed-1')).toBe(true));
    await waitFor(() => expect(w.events.some((e) => e.type === 'BOOKMARK')).toBe(true));
    const rvs = w.events.filter((e) => e.type !== 'BOOKMARK').map((e) => Number(e.object.metadata.resourceVersion));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
    expect(rvs[0]).toBeGreaterThan(Number(rv));
    await w.ended; // timeoutSeconds=2 ends the stream
  });

  it('answers a WATCH from a compacted resourceVersion with a 410 ERROR event', async () => {
    const list = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-3' });
    const rv = list.body.metadata?.resourceVersion ?? '';
    for (let i = 0; i < 80; i++) await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-3', body: configMap(`churn-${i}`) });
    const w = watch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, 'sim-3');
    await w.ended;
    expect(w.events).toHaveLength(1);
    expect(w.events[0]).toMatchObject({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
    // A relist gives a version that can be watched again.
    const relist = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps?limit=500', { cluster: 'sim-3' });
    const resumed = watch(sim, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${relist.body.metadata?.resourceVersion ?? ''}&timeoutSeconds=1`, 'sim-3');
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-3', body: configMap('after-relist') });
    await resumed.ended;
    expect(resumed.events.map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'after-relist']]);
  });

  it('filters LIST and WATCH by label and field selectors, with selector transitions', async () => {
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('sel-a', { tier: 'web', env: 'prod' }) });
    await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: configMap('sel-b', { tier: 'db' }) });
    const names = async (q: string): Promise<string[]> => (await request(sim, 'GET', `/api/v1/namespaces/default/configmaps?${q}`)).body.items?.map((i) => i.metadata.name) ?? [];
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['sel-a']);
    expect(await names('labelSelector=tier%20in%20(web,db),!env')).toEqual(['sel-b']);
    expect(await names('fieldSelector=metadata.name%3Dsel-b')).toEqual(['sel-b']);
    expect((await request(sim, 'GET', '/api/v1/namespaces/default/configmaps?labelSelector=%3D%3Dbad')).status).toBe(400);
    const w = watch(sim, '/api/v1/namespaces/default/configmaps?watch=true&labelSelector=tier%3Dweb&timeoutSeconds=1');
    await waitFor(() => expect(w.events.map((e) => e.object.metadata.name)).toEqual(['sel-a']));
    await request(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/sel-a', { body: { metadata: { labels: { tier: 'cache' } } }, contentType: 'application/merge-patch+json' });
    await request(sim, 'PATCH', '/api/v1/namespaces/default/configmaps/sel-b', { body: { metadata: { labels: { tier: 'web' } } }, contentType: 'application/strategic-merge-patch+json' });
    await w.ended;
    expect(w.events.map((e) => [e.type, e.object.metadata.name])).toEqual([
      ['ADDED', 'sel-a'],
      ['DELETED', 'sel-a'],
      ['ADDED', 'sel-b'],
    ]);
  });

  it('enforces resourceVersion conflicts on update and routes clusters by path', async () => {
    const created = await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-2', body: configMap('versioned') });
    const stale = { ...created.body, data: { v: 'x' } };
    expect((await request(sim, 'PUT', '/api/v1/namespaces/default/configmaps/versioned', { cluster: 'sim-2', body: stale })).status).toBe(200);
    const conflict = await request(sim, 'PUT', '/api/v1/namespaces/default/configmaps/versioned', { cluster: 'sim-2', body: stale });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ reason: 'Conflict' });
    expect((await request(sim, 'GET', '/api/v1/namespaces/default/configmaps/versioned', { cluster: 'sim-3' })).status).toBe(404);
    expect((await request(sim, 'GET', '/api/v1/namespaces/default/configmaps/versioned', { cluster: 'sim-2', token: 'sim-token-sim-3' })).status).toBe(401);
    expect((await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'nope' })).status).toBe(404);
  });

  it('accepts protobuf bodies for built-in kinds only, serves Tables on request, and the OpenAPI v2 document as protobuf', async () => {
    // k8s\0 + runtime.Unknown{typeMeta{apiVersion: v1, kind: ConfigMap}, raw: ConfigMap{metadata{name: pb}, data{k: v}}}
    const field = (n: number, b: Buffer): Buffer => Buffer.concat([Buffer.from([(n << 3) | 2, b.length]), b]);
    const configMap = Buffer.concat([field(1, field(1, Buffer.from('pb'))), field(2, Buffer.concat([field(1, Buffer.from('k')), field(2, Buffer.from('v'))]))]);
    const body = (apiVersion: string, kind: string): Buffer => Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, Buffer.concat([field(1, Buffer.from(apiVersion)), field(2, Buffer.from(kind))])), field(2, configMap)]);
    const created = await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: body('v1', 'ConfigMap'), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'ConfigMap', metadata: { name: 'pb', namespace: 'default' }, data: { k: 'v' } });
    const garbled = await request(sim, 'POST', '/api/v1/namespaces/default/configmaps', { body: Buffer.from('not protobuf'), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(garbled.status).toBe(400);

    await request(sim, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'gadgets.example.com' }, spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'gadgets', kind: 'Gadget' }, versions: [{ name: 'v1', served: true, storage: true, additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }] }] } },
    });
    const custom = await request(sim, 'POST', '/apis/example.com/v1/namespaces/default/gadgets', { body: body('example.com/v1', 'Gadget'), contentType: 'application/vnd.kubernetes.protobuf' });
    expect(custom.status).toBe(415);
    expect(custom.body).toMatchObject({ reason: 'UnsupportedMediaType' });
    await request(sim, 'POST', '/apis/example.com/v1/namespaces/default/gadgets', { body: { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: { size: 7 } } });

    const accept = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';
    const table = await request(sim, 'GET', '/api/v1/namespaces/default/configmaps/pb', { accept });
    expect(table.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1', columnDefinitions: [{ name: 'Name' }, { name: 'Data' }, { name: 'Age' }], rows: [{ cells: ['pb', 1, expect.any(String)], object: { kind: 'PartialObjectMetadata', metadata: { name: 'pb' } } }] });
    const gadgets = await request(sim, 'GET', '/apis/example.com/v1/namespaces/default/gadgets?includeObject=None', { accept });
    expect(gadgets.body).toMatchObject({ columnDefinitions: [{ name: 'Name' }, { name: 'Size', type: 'integer' }], rows: [{ cells: ['g1', 7] }] });
    expect((gadgets.body.rows as Record<string, unknown>[])[0]).not.toHaveProperty('object');
    expect((await request(sim, 'GET', '/api/v1/namespaces/default/configmaps/pb')).body).toMatchObject({ kind: 'ConfigMap' });

    const v2 = await request(sim, 'GET', '/openapi/v2', { accept: 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf' });
    expect(v2.status).toBe(200);
    expect((v2.body as unknown as { raw: Buffer }).raw.subarray(0, 5).toString('latin1')).toBe('\n\u00032.0');
  });

  it('injects faults per cluster at runtime through the admin endpoint', async () => {
    const admin = async (cluster: string, faults: unknown): Promise<number> => (await request(sim, 'PUT', `/_sim/clusters/${cluster}/faults`, { body: faults, token: null })).status;
    expect(await admin('sim-3', { forbidden: { resources: ['secrets'] } })).toBe(200);
    const forbidden = await request(sim, 'GET', '/api/v1/namespaces/default/secrets', { cluster: 'sim-3' });
    expect(forbidden.status).toBe(403);
    expect(String(forbidden.body.message)).toContain('cannot list resource "secrets"');
    expect((await request(sim, 'GET', '/api/v1/namespaces/default/configmaps', { cluster: 'sim-3' })).status).toBe(200);
    expect(await admin('sim-3', { errorRate: 1, errorStatus: 503 })).toBe(200);
    expect((await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-3' })).status).toBe(503);
    expect(await admin('sim-3', { throttleRate: 1 })).toBe(200);
    expect((await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-3' })).status).toBe(429);
    expect(await admin('sim-3', { latencyMs: 300 })).toBe(200);
    const t0 = Date.now();
    await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-3' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(await admin('sim-3', { blackHole: true })).toBe(200);
    const hung = await Promise.race([request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-3' }).then(() => 'answered'), new Promise((r) => setTimeout(() => r('silent'), 400))]);
    expect(hung).toBe('silent');
    expect((await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-1' })).status).toBe(200);
    expect(await admin('sim-3', { dropWatchAfterMs: 100 })).toBe(200);
    const dropped = watch(sim, '/api/v1/namespaces/default/configmaps?watch=true', 'sim-3');
    await dropped.ended;
    expect(await admin('sim-3', { bogus: true })).toBe(400);
    expect(await admin('sim-3', {})).toBe(200);
    expect((await request(sim, 'GET', '/api/v1/namespaces', { cluster: 'sim-3' })).status).toBe(200);
  });

  it('seeds tens of thousands of converged objects quickly', async () => {
    const t0 = Date.now();
    const result = sim.seed('sim-2', { namespaces: 10, deployments: 50, podsPerDeployment: 8, applications: 20 });
    const ms = Date.now() - t0;
    expect(result.objects).toBe(10 + 10 * 50 * (1 + 1 + 8 + 1));
    expect(ms).toBeLessThan(10_000);
    const pods = await request(sim, 'GET', '/api/v1/pods?limit=1000', { cluster: 'sim-2' });
    expect(pods.body.items).toHaveLength(1000);
    expect(pods.body.metadata?.remainingItemCount).toBe(10 * 50 * 8 - 1000);
  });
});
