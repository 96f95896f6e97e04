/**
 * The watch-fed account cache against the simulator (in process), writing through to a real
 * cache engine: Clouddriver keys, attributes and relationships in the store, batched writes,
 * evictions on deletion, relist after 410, and the snapshot result.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { CacheResult } from '../src/core/cache/CacheData.js';
import { DefaultProviderCache } from '../src/core/cache/DefaultProviderCache.js';
import { systemClock } from '../src/core/Clock.js';
import { silentLogger } from '../src/core/Logger.js';
import { KubernetesCredentials } from '../src/providers/kubernetes/account/KubernetesCredentials.js';
import { kubernetesAccountSchema } from '../src/providers/kubernetes/account/KubernetesAccountConfig.js';
import { KubernetesAccountCache } from '../src/providers/kubernetes/caching/KubernetesAccountCache.js';
import { loadKubernetesClientLibrary } from '../src/providers/kubernetes/client/KubeClient.js';
import { InMemoryCacheStoreDriver } from '../src/stores/memory/InMemoryCacheStoreDriver.js';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim, KubeSimOptions } from '../src/testing/kubeSim/index.js';
import { waitFor } from './helpers/waitFor.js';

const KEY = (kind: string, ns: string, name: string): string => `kubernetes.v2:infrastructure:${kind}:acct:${ns}:${name}`;

// Accounts are made here without the provider, which loads the client library first.
beforeAll(() => loadKubernetesClientLibrary());

describe('KubernetesAccountCache', () => {
  let sim: KubeSim;
  let account: KubernetesAccountCache;
  let cache: DefaultProviderCache;
  let writes = 0;
  /** While set, write-through writes fail (as a store that is down would). */
  let failWrites = false;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, controllers: false, cluster: { historyLimit: 20 }, bookmarkIntervalMs: 200 });
    sim.seed('sim-1', { namespaces: 2, deployments: 3, podsPerDeployment: 4, applications: 2 });
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: sim.kubeconfig }));
    const engine = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    cache = new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop === 'addCacheResult') {
          writes++;
          if (failWrites) return () => Promise.reject(new Error('store down'));
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'acct/KubernetesCoreCachingAgent', flushIntervalMs: 20, probeIntervalMs: 500 });
    account.start();
    expect(await account.waitForInitialSync(10_000)).toBe(true);
  });
  afterAll(async () => {
    await account.stop();
    await sim.stop();
  });

  it('loads every cached kind and writes it through in a few batched writes', async () => {
    expect(account.status()).toMatchObject({ state: 'watching', stale: false, objects: 2 * 3 * (1 + 1 + 4 + 1) });
    await account.flush();
    expect(writes).toBeLessThanOrEqual(3);
    const pods = await cache.getIdentifiers('pod');
    expect(pods).toHaveLength(24);
    const rs = (await cache.getIdentifiers('replicaSet'))[0] ?? '';
    const item = await cache.get('replicaSet', rs);
    expect(item?.attributes).toMatchObject({ kind: 'replicaSet', apiVersion: 'apps/v1', namespace: 'ns0', moniker: { app: expect.any(String) as unknown } });
    expect(item?.relationships.pod).toHaveLength(4);
    expect(item?.relationships.deployment).toHaveLength(1);
    expect(item?.relationships.service).toHaveLength(1);
    expect(await cache.getIdentifiers('applications')).toEqual(expect.arrayContaining(['kubernetes.v2:logical:applications:app0', 'kubernetes.v2:logical:applications:app1']));
  });

  it('once the first LIST is written through whole, says the store holds the model before any snapshot', async () => {
    await account.flush();
    // The snapshot agent may skip its first run (`snapshotMaySkip`): what it would write is there.
    expect(account.snapshotUpToDate()).toBe(true);
    for (const [type, items] of Object.entries(account.model.result().cacheResults)) expect((await cache.getIdentifiers(type)).sort(), type).toEqual(items.map((i) => i.id).sort());
  });

  it('follows watch events and evicts deleted objects from the store; the health detail is new only when it changed', async () => {
    const healthBefore = account.healthDetail();
    expect(healthBefore).toEqual({ state: 'watching', stale: false, objects: account.model.size });
    expect(account.healthDetail()).toBe(healthBefore);
    const svc = sim.cluster('sim-1').type('', 'v1', 'services');
    const name = sim.cluster('sim-1').store.list('/services', 'ns1')[0]?.metadata.name ?? '';
    sim.cluster('sim-1').delete(svc, 'ns1', name);
    await waitFor(async () => {
      await account.flush();
      expect(await cache.get('service', KEY('service', 'ns1', name))).toBeUndefined();
    });
    expect(account.model.manifest(KEY('service', 'ns1', name))).toBeUndefined();
    expect(account.healthDetail()).toEqual({ ...healthBefore, objects: healthBefore.objects - 1 });
  });

  it('writes again what changed while a snapshot was on its way to the store', async () => {
    const rsType = sim.cluster('sim-1').type('apps', 'v1', 'replicasets');
    const rs = sim.cluster('sim-1').store.list('apps/replicasets', 'ns0')[0];
    const key = KEY('replicaSet', 'ns0', rs?.metadata.name ?? '');
    const replicasInStore = async () => ((await cache.get('replicaSet', key))?.attributes.manifest as { spec: { replicas: number } } | undefined)?.spec.replicas;
    // The snapshot agent takes its (full) result; the ReplicaSet then changes and is written through.
    const snapshot = await account.snapshot({ full: true });
    sim.cluster('sim-1').patch(rsType, 'ns0', rs?.metadata.name ?? '', 'application/merge-patch+json', JSON.stringify({ spec: { replicas: 42 } }));
    await waitFor(async () => {
      await account.flush();
      expect(await replicasInStore()).toBe(42);
    });
    // The older snapshot lands after it (as a slow snapshot write would), then says so.
    await cache.putCacheResult('acct/KubernetesCoreCachingAgent', [], snapshot);
    expect(await replicasInStore()).not.toBe(42);
    account.snapshotWritten();
    await account.flush();
    expect(await replicasInStore()).toBe(42);
  });

  it('snapshots only items the store has not confirmed (and the expiring logical ones), vouching for the rest', async () => {
    const cluster = sim.cluster('sim-1');
    const rs = cluster.store.list('apps/replicasets', 'ns1')[1]?.metadata.name ?? '';
    await account.flush();
    const quiet = await account.snapshot();
    // Everything was written through: only applications and clusters (stored with a TTL) are rewritten.
    expect(Object.keys(quiet.cacheResults).sort()).toEqual(['applications', 'clusters']);
    expect(quiet.unchanged?.pod).toHaveLength([...account.model.keysOfKinds(new Set(['pod']))].length);
    account.snapshotWritten();
    // A change the write-through could not store is in the next snapshot.
    failWrites = true;
    cluster.patch(cluster.type('apps', 'v1', 'replicasets'), 'ns1', rs, 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { partial: 'yes' } } }));
    await waitFor(() => expect(account.model.manifest(KEY('replicaSet', 'ns1', rs))?.metadata?.labels).toMatchObject({ partial: 'yes' }));
    await account.flush();
    const partial = await account.snapshot();
    failWrites = false;
    expect(partial.cacheResults.replicaSet?.map((i) => i.id)).toEqual([KEY('replicaSet', 'ns1', rs)]);
    expect(partial.unchanged?.replicaSet).not.toContain(KEY('replicaSet', 'ns1', rs));
    // Written authoritatively, it keeps every vouched-for item: the store holds what a full rebuild would.
    const full = account.model.result();
    const types = [...new Set([...Object.keys(full.cacheResults), ...Object.keys(partial.unchanged ?? {})])];
    await cache.putCacheResult('acct/KubernetesCoreCachingAgent', types, partial);
    account.snapshotWritten();
    for (const [type, items] of Object.entries(full.cacheResults)) expect((await cache.getIdentifiers(type)).sort(), type).toEqual(items.map((i) => i.id).sort());
    expect((await cache.get('replicaSet', KEY('replicaSet', 'ns1', rs)))?.attributes).toEqual(account.model.item(KEY('replicaSet', 'ns1', rs))?.attributes);
  });

  it('in a new term as leader snapshots every item once, then vouches for what that snapshot stored', async () => {
    await account.follow({ flush: true });
    account.lead();
    expect(await account.waitForInitialSync(10_000)).toBe(true);
    await account.flush();
    // The relist changed nothing, so nothing was written through: this term has confirmed nothing,
    // and its first snapshot may not be skipped.
    expect(account.snapshotUpToDate()).toBe(false);
    const first = await account.snapshot();
    const count = (r: CacheResult): number => Object.values(r.cacheResults).reduce((n, items) => n + items.length, 0);
    expect(count(first)).toBe(count(account.model.result()));
    expect(Object.keys(first.unchanged ?? {})).toEqual([]);
    await cache.putCacheResult('acct/KubernetesCoreCachingAgent', [], first);
    account.snapshotWritten();
    const next = await account.snapshot();
    expect(Object.keys(next.cacheResults).sort()).toEqual(['applications', 'clusters']);
    account.snapshotWritten();
  });

  it('says a snapshot would change nothing only while the model is as the last stored snapshot left it', async () => {
    const rsType = sim.cluster('sim-1').type('apps', 'v1', 'replicasets');
    const rs = sim.cluster('sim-1').store.list('apps/replicasets', 'ns1')[0]?.metadata.name ?? '';
    const takeAndStore = async (): Promise<void> => {
      await account.flush();
      const snapshot = await account.snapshot();
      // In flight: not up to date until the store confirms it.
      expect(account.snapshotUpToDate()).toBe(false);
      await cache.putCacheResult('acct/KubernetesCoreCachingAgent', [], snapshot);
      account.snapshotWritten();
    };
    await takeAndStore();
    expect(account.snapshotUpToDate()).toBe(true);
    // A change on the cluster moves the model: the next snapshot must be written.
    sim.cluster('sim-1').patch(rsType, 'ns1', rs, 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { idle: 'no' } } }));
    await waitFor(() => expect(account.model.manifest(KEY('replicaSet', 'ns1', rs))?.metadata?.labels).toMatchObject({ idle: 'no' }));
    expect(account.snapshotUpToDate()).toBe(false);
    await takeAndStore();
    expect(account.snapshotUpToDate()).toBe(true);
    // What the skipped snapshots stand for is what a full rebuild would write.
    const stored = await cache.get('replicaSet', KEY('replicaSet', 'ns1', rs));
    expect(stored?.attributes).toEqual(account.model.item(KEY('replicaSet', 'ns1', rs))?.attributes);
  });

  it('relists after the watch history is compacted (410) and converges', async () => {
    const cluster = sim.cluster('sim-1');
    const cm = cluster.type('', 'v1', 'services');
    cluster.store.compact();
    // Dropping streams forces a resume from a now-compacted version.
    sim.setFaults('sim-1', { dropWatchAfterMs: 50 });
    cluster.create(cm, 'ns0', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'late' }, spec: { selector: { app: 'x' } } });
    await waitFor(() => expect(account.model.manifest(KEY('service', 'ns0', 'late'))).toBeDefined(), 10_000);
    sim.setFaults('sim-1', {});
    await waitFor(() => expect(account.status().state).toBe('watching'), 10_000);
  });

  it('answers on-demand refreshes: fresh when current, updated after a change it has not seen', async () => {
    expect(await account.refresh('service', 'ns0', 'late')).toBe('fresh');
    const cluster = sim.cluster('sim-1');
    await account.stop();
    cluster.patch(cluster.type('', 'v1', 'services'), 'ns0', 'late', 'application/merge-patch+json', JSON.stringify({ metadata: { labels: { changed: 'yes' } } }));
    expect(await account.refresh('service', 'ns0', 'late')).toBe('updated');
    expect(account.model.manifest(KEY('service', 'ns0', 'late'))?.metadata).toMatchObject({ labels: { changed: 'yes' } });
  });
});

describe('KubernetesAccountCache with custom resources', () => {
  it('discovers a configured custom resource kind, waits for its CRD, and caches its objects', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    const cluster = sim.cluster('sim-1');
    const credentials = new KubernetesCredentials(
      kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: sim.kubeconfig, kinds: ['deployment', 'Widget.example.com'], customResources: [{ kubernetesKind: 'Widget.example.com', spinnakerKind: 'serverGroups' }] }),
    );
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'acct/KubernetesCoreCachingAgent', flushIntervalMs: 20, probeIntervalMs: 500 });
    try {
      cluster.create(cluster.type('apiextensions.k8s.io', 'v1', 'customresourcedefinitions'), undefined, {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true }] },
      });
      cluster.create(cluster.type('example.com', 'v1', 'widgets'), 'default', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'gear', annotations: { 'moniker.spinnaker.io/application': 'tools' } }, spec: { size: 1 } });
      account.start();
      expect(await account.waitForInitialSync(10_000)).toBe(true);
      const key = 'kubernetes.v2:infrastructure:Widget.example.com:acct:default:gear';
      expect(account.model.manifest(key)).toMatchObject({ kind: 'Widget', spec: { size: 1 } });
      // Configured as a server group kind: linked to its application.
      expect(account.model.neighbours('kubernetes.v2:logical:applications:tools').has(key)).toBe(true);
      cluster.create(cluster.type('example.com', 'v1', 'widgets'), 'default', { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'cog' }, spec: { size: 2 } });
      await waitFor(() => expect(account.model.manifest('kubernetes.v2:infrastructure:Widget.example.com:acct:default:cog')).toBeDefined());
    } finally {
      await account.stop();
      await sim.stop();
    }
  });
});

describe('Kubernetes client authentication', () => {
  const syncWith = async (kubeconfigContents: string): Promise<KubernetesAccountCache> => {
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents, kinds: ['deployment'] }));
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'acct/KubernetesCoreCachingAgent', probeIntervalMs: 500 });
    account.start();
    await account.waitForInitialSync(10_000);
    return account;
  };

  /** Syncs `deployments` deployments from a fresh simulator started with `options`. */
  const syncsFrom = async (options: KubeSimOptions, deployments: number): Promise<void> => {
    const sim = await startKubeSim({ ...options, controllers: false });
    sim.seed('sim-1', { deployments, podsPerDeployment: 0 });
    const account = await syncWith(sim.kubeconfig);
    try {
      expect(account.status()).toMatchObject({ state: 'watching', objects: deployments });
    } finally {
      await account.stop();
      await sim.stop();
    }
  };

  it('falls back to HTTP/1.1 when the API server does not offer HTTP/2', () => syncsFrom({ tls: true, http2: false }, 4));

  it('authenticates with a client certificate', () => syncsFrom({ auth: 'cert' }, 2));

  it('authenticates with an exec credential plugin, and reports rejected credentials', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 3, podsPerDeployment: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
    const plugin = join(dir, 'credential.sh');
    writeFileSync(plugin, `#!/bin/sh\necho '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"sim-token-sim-1"}}'\n`, { mode: 0o755 });
    const config = parseYaml(sim.kubeconfig) as { users: { user: Record<string, unknown> }[] };
    for (const u of config.users) u.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } };
    const account = await syncWith(toYaml(config));
    try {
      expect(account.status()).toMatchObject({ state: 'watching', objects: 3 });
      sim.setFaults('sim-1', { unauthorized: true });
      await waitFor(() => expect(account.status()).toMatchObject({ state: 'unreachable', stale: true, lastError: expect.stringContaining('Unauthorized') as unknown }), 10_000);
      expect(account.model.size).toBe(3);
    } finally {
      await account.stop();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("goes through the cluster's proxy-url over HTTP/1.1, also to a server that offers HTTP/2", async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    let tunnels = 0;
    const sockets = new Set<Socket>();
    const proxy = createServer().on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels++;
      sockets.add(client);
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const config = parseYaml(sim.kubeconfig) as { clusters: { cluster: Record<string, unknown> }[] };
    for (const c of config.clusters) c.cluster['proxy-url'] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: toYaml(config) }));
    try {
      expect(await credentials.client.request('GET', '/api')).toMatchObject({ kind: 'APIVersions' });
      expect(tunnels).toBeGreaterThanOrEqual(1);
    } finally {
      credentials.client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.close(resolve));
      await sim.stop();
    }
  });

  it('uses the credential an exec plugin gives once its last one expires (exec users get no fixed request options)', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    const dir = mkdtempSync(join(tmpdir(), 'exec-plugin-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, 'not-the-token');
    const plugin = join(dir, 'credential.sh');
    // Each credential expires a second after it is issued, so the client library runs the plugin again then.
    writeFileSync(
      plugin,
      `#!/bin/sh\necho "{\\"apiVersion\\":\\"client.authentication.k8s.io/v1beta1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"$(cat ${tokenFile})\\",\\"expirationTimestamp\\":\\"$(date -u -d '+1 second' +%Y-%m-%dT%H:%M:%SZ)\\"}}"\n`,
      { mode: 0o755 },
    );
    const config = parseYaml(sim.kubeconfig) as { users: { user: Record<string, unknown> }[] };
    for (const u of config.users) u.user = { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: plugin, interactiveMode: 'Never' } };
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: toYaml(config) }));
    try {
      await expect(credentials.client.request('GET', '/api')).rejects.toMatchObject({ status: 401 });
      writeFileSync(tokenFile, 'sim-token-sim-1');
      await waitFor(async () => expect(await credentials.client.request('GET', '/api')).toMatchObject({ kind: 'APIVersions' }), 10_000, 200);
    } finally {
      credentials.client.close();
      await sim.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('KubernetesAccountCache on a read-only instance', () => {
  it('serves from memory but writes nothing to the cache store when writes are disabled', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 2, podsPerDeployment: 2 });
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: sim.kubeconfig }));
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'a', writeEnabled: false, flushIntervalMs: 10 });
    try {
      account.start();
      expect(await account.waitForInitialSync(10_000)).toBe(true);
      await account.flush();
      expect(account.model.size).toBe(2 * (1 + 1 + 2 + 1));
      expect(await cache.getIdentifiers('pod')).toEqual([]);
    } finally {
      await account.stop({ flush: true });
      await sim.stop();
    }
    expect(await cache.getIdentifiers('pod')).toEqual([]);
  });

  it('drops a follower re-read that was still running when the account became its to lead', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 1, podsPerDeployment: 1 });
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: sim.kubeconfig }));
    const engine = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    // The store as another instance left it.
    const writer = new KubernetesAccountCache({ credentials, cache: engine, logger: silentLogger, agentType: 'a', flushIntervalMs: 10 });
    writer.start();
    expect(await writer.waitForInitialSync(10_000)).toBe(true);
    await writer.stop({ flush: true });
    // Store reads wait while `held` is pending (`reading` resolves when one does).
    let release = (): void => undefined;
    let held: Promise<void> | undefined;
    let readStarted = (): void => undefined;
    const reading = new Promise<void>((resolve) => (readStarted = resolve));
    const cache = new Proxy(engine, {
      get(target, prop, receiver) {
        if (prop === 'getAll') return async (...args: Parameters<DefaultProviderCache['getAll']>) => {
          if (held !== undefined) readStarted();
          await held;
          return target.getAll(...args);
        };
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    // Writes disabled: the store keeps its older copy, whatever the leader lists.
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'a', role: 'follower', writeEnabled: false });
    try {
      account.start();
      await waitFor(() => expect(account.model.size).toBe(writer.model.size), 5_000, 10);
      // On the cluster a pod is deleted and a ReplicaSet created, which the store does not know;
      // a reload from the store starts and is held.
      const cluster = sim.cluster(sim.clusterNames[0] ?? '');
      const podType = cluster.typeOfKind('v1', 'Pod');
      const pod = cluster.list(podType, undefined).items[0];
      const podKey = account.model.keyFor('pod', pod?.metadata.namespace ?? '', pod?.metadata.name ?? '');
      expect(account.model.manifest(podKey)).toBeDefined();
      cluster.delete(podType, pod?.metadata.namespace, pod?.metadata.name ?? '');
      cluster.create(cluster.typeOfKind('apps/v1', 'ReplicaSet'), 'default', {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'newer', namespace: 'default' },
        spec: { replicas: 0, selector: { matchLabels: { app: 'newer' } }, template: { metadata: { labels: { app: 'newer' } }, spec: { containers: [{ name: 'm', image: 'm:1' }] } } },
      });
      held = new Promise<void>((resolve) => (release = resolve));
      const reloaded = account.reload();
      await reading;
      // Meanwhile the account becomes this instance's: its LIST finds the new ReplicaSet.
      account.lead();
      expect(await account.waitForInitialSync(10_000)).toBe(true);
      const newer = account.model.keyFor('replicaSet', 'default', 'newer');
      expect(account.model.manifest(newer)).toBeDefined();
      expect(account.model.manifest(podKey)).toBeUndefined();
      // The older store copy read by the reload must not replace what the leader listed.
      held = undefined;
      release();
      await reloaded;
      expect(account.model.manifest(newer)).toBeDefined();
      expect(account.model.manifest(podKey)).toBeUndefined();
    } finally {
      release();
      await account.stop();
      await sim.stop();
    }
  });

  it('keeps no model while following with store reads, and answers on-demand refreshes from the stored copy', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 1, podsPerDeployment: 1 });
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'acct', kubeconfigContents: sim.kubeconfig }));
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const writer = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'a', flushIntervalMs: 10 });
    writer.start();
    expect(await writer.waitForInitialSync(10_000)).toBe(true);
    await writer.stop({ flush: true });
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'a', role: 'follower', mirrorStore: false, writeEnabled: false });
    try {
      account.start();
      expect(await account.waitForInitialSync(1_000)).toBe(true);
      const cluster = sim.cluster(sim.clusterNames[0] ?? '');
      const rs = cluster.store.list('apps/replicasets')[0];
      const name = rs?.metadata.name ?? '';
      const namespace = rs?.metadata.namespace ?? '';
      expect(await account.cachedManifest(account.model.keyFor('replicaSet', namespace, name))).toBeDefined();
      expect(await account.refresh('replicaSet', namespace, name)).toBe('fresh');
      cluster.patch(cluster.type('apps', 'v1', 'replicasets'), namespace, name, 'application/merge-patch+json', JSON.stringify({ spec: { replicas: 7 } }));
      expect(await account.refresh('replicaSet', namespace, name)).toBe('updated');
      // Nothing was loaded or kept in memory: the instance that watches the account writes it.
      expect(account.model.size).toBe(0);
      expect(account.status()).toMatchObject({ state: 'following', objects: 0 });
    } finally {
      await account.stop();
      await sim.stop();
    }
  });

  it('gives its /version probe the account’s request timeout, not the probe interval: a slow cluster is not unreachable', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 1, podsPerDeployment: 1 });
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const accountWith = (name: string, kubectlRequestTimeoutSeconds: number): KubernetesAccountCache =>
      new KubernetesAccountCache({
        credentials: new KubernetesCredentials(kubernetesAccountSchema.parse({ name, kubeconfigContents: sim.kubeconfig, kinds: ['deployment'], kubectlRequestTimeoutSeconds })),
        cache,
        logger: silentLogger,
        agentType: `${name}/KubernetesCoreCachingAgent`,
        probeIntervalMs: 100,
      });
    const patient = accountWith('patient', 5);
    const hasty = accountWith('hasty', 1);
    try {
      for (const a of [patient, hasty]) a.start();
      expect(await patient.waitForInitialSync(10_000)).toBe(true);
      expect(await hasty.waitForInitialSync(10_000)).toBe(true);
      // Every answer now takes 1.5 s: ten probe intervals, within one account's request timeout and past the other's.
      sim.setFaults('sim-1', { latencyMs: 1500 });
      await waitFor(() => expect(hasty.status().state).toBe('unreachable'), 10_000, 20);
      // Probing every 100 ms, the patient account's probe would have failed long before.
      expect(patient.status().state).toBe('watching');
    } finally {
      sim.setFaults('sim-1', {});
      await patient.stop();
      await hasty.stop();
      await sim.stop();
    }
  });

  it('sends no /version probe while the server answers its other requests within the interval, and probes once they stop', async () => {
    const sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { deployments: 1, podsPerDeployment: 1 });
    const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name: 'busy', kubeconfigContents: sim.kubeconfig, kinds: ['deployment'] }));
    const cache = new DefaultProviderCache('kubernetes', new InMemoryCacheStoreDriver({ clock: systemClock }).open('kubernetes'), systemClock);
    const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: 'busy/KubernetesCoreCachingAgent', probeIntervalMs: 100 });
    const probes = (): number => sim.requestCount('sim-1', 'GET /version');
    try {
      account.start();
      expect(await account.waitForInitialSync(10_000)).toBe(true);
      // Probes run every ~100 ms while nothing else is asked of the server.
      const idle = probes();
      await waitFor(() => expect(probes()).toBeGreaterThanOrEqual(idle + 3), 5_000, 10);
      // Twenty other requests answered 25 ms apart (half a second, five probe intervals): at most
      // the probe already on its way when they began is sent.
      const busy = probes();
      for (let i = 0; i < 20; i++) {
        await credentials.client.request('GET', '/api');
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(probes() - busy).toBeLessThanOrEqual(1);
      await waitFor(() => expect(probes()).toBeGreaterThanOrEqual(busy + 3), 5_000, 10);
      expect(account.status().state).toBe('watching');
    } finally {
      await account.stop();
      await sim.stop();
    }
  });
});
