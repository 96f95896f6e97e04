/**
 * Store-backed Kubernetes reads (`kubernetes.followerReads: store`) answer exactly what the
 * watch-fed model answers: two accounts on the simulator (seeded workloads and the `docs`
 * fixtures: Deployment, ReplicaSets, pods, Services, Ingress, StatefulSet, NetworkPolicy) are
 * written through to a real SQLite cache store by their account caches; every read of the
 * Kubernetes read service is then compared, run over the models and over the store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DefaultProviderCache } from '../src/core/cache/DefaultProviderCache.js';
import { systemClock } from '../src/core/Clock.js';
import { silentLogger } from '../src/core/Logger.js';
import { KubernetesCredentials } from '../src/providers/kubernetes/account/KubernetesCredentials.js';
import { kubernetesAccountSchema } from '../src/providers/kubernetes/account/KubernetesAccountConfig.js';
import { KubernetesAccountCache } from '../src/providers/kubernetes/caching/KubernetesAccountCache.js';
import { loadKubernetesClientLibrary } from '../src/providers/kubernetes/client/KubeClient.js';
import { docsNamespace } from './fixtures/kubernetesDocsNamespace.js';
import { KubernetesReadService } from '../src/providers/kubernetes/read/KubernetesReadService.js';
import { KubernetesStoreReads } from '../src/providers/kubernetes/read/KubernetesStoreReads.js';
import { StoreItemCache } from '../src/providers/kubernetes/read/StoreItemCache.js';
import { openSqliteDatabase, SqliteCacheStoreDriver } from '../src/stores/sqlite/sqliteDrivers.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';

beforeAll(() => loadKubernetesClientLibrary());

describe('store-backed Kubernetes reads', () => {
  let sim: KubeSim;
  let dir = '';
  let cache: DefaultProviderCache;
  const caches = new Map<string, KubernetesAccountCache>();
  let memory: KubernetesReadService;
  let store: KubernetesStoreReads;
  let items: StoreItemCache;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, controllers: false });
    sim.seed('sim-1', { namespaces: 2, deployments: 3, podsPerDeployment: 3, applications: 2 });
    const cluster = sim.cluster(sim.clusterNames[0] ?? '');
    cluster.create(cluster.typeOfKind('v1', 'Namespace'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'docs' } });
    for (const m of docsNamespace()) {
      const type = cluster.typeOfKind(m.apiVersion ?? 'v1', m.kind ?? '');
      cluster.create(type, type.namespaced ? (m.metadata?.namespace ?? 'docs') : undefined, m);
    }
    dir = mkdtempSync(join(tmpdir(), 'store-reads-'));
    cache = new DefaultProviderCache('kubernetes', new SqliteCacheStoreDriver({ db: openSqliteDatabase(join(dir, 'cache.db')), clock: systemClock }).open('kubernetes'), systemClock);
    for (const name of ['acct-a', 'acct-b']) {
      const credentials = new KubernetesCredentials(kubernetesAccountSchema.parse({ name, kubeconfigContents: sim.kubeconfig }));
      const account = new KubernetesAccountCache({ credentials, cache, logger: silentLogger, agentType: `${name}/KubernetesCoreCachingAgent`, flushIntervalMs: 10 });
      account.start();
      expect(await account.waitForInitialSync(10_000)).toBe(true);
      await account.flush();
      caches.set(name, account);
    }
    memory = new KubernetesReadService(() => caches);
    items = new StoreItemCache(10_000);
    store = new KubernetesStoreReads({ cache, accounts: () => caches, live: () => false, items, liveGeneration: () => 0 });
  });

  afterAll(async () => {
    for (const c of caches.values()) await c.stop();
    await sim?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The same read over the models and over the store. */
  const both = async <T>(read: (r: KubernetesReadService) => T): Promise<[T, T]> => [read(memory), await store.run(read)];

  it('lists the same applications, clusters and server groups', async () => {
    const [apps] = await both((r) => r.applications());
    expect(apps.length).toBeGreaterThanOrEqual(3);
    const [, fromStore] = await both((r) => r.applications());
    expect(fromStore).toEqual(apps);
    for (const { name: app } of apps) {
      const reads: ((r: KubernetesReadService) => unknown)[] = [
        (r: KubernetesReadService) => r.application(app),
        (r: KubernetesReadService) => r.clusterNames(app),
        (r: KubernetesReadService) => r.applicationServerGroups(app),
        (r: KubernetesReadService) => r.serverGroupManagers(app),
        (r: KubernetesReadService) => r.applicationLoadBalancers(app),
        (r: KubernetesReadService) => r.rawResources(app),
      ];
      for (const read of reads) {
        const [m, s] = await both(read);
        expect(s).toEqual(m);
      }
      for (const account of caches.keys()) {
        const [summaries, fromStore] = await both((r) => r.clusterSummaries(app, account));
        expect(fromStore).toEqual(summaries);
        for (const { name } of summaries) {
          const [m, s] = await both((r) => r.cluster(app, account, name));
          expect(s).toEqual(m);
          for (const target of ['current', 'previous', 'oldest', 'largest'] as const) {
            for (const namespace of new Set(m?.serverGroups.map((sg) => sg.namespace))) {
              const [mt, st] = await both((r) => r.target(app, account, name, namespace, target, false));
              expect(st).toEqual(mt);
            }
          }
        }
      }
    }
  });

  it('finds the same server groups, load balancers, security groups and instances by name', async () => {
    const [groups] = await both((r) => r.applicationServerGroups('docs'));
    expect(groups.length).toBeGreaterThan(0);
    const ids = groups.map((g) => `${g.account}:${g.region}:${g.name}`);
    const [m, s] = await both((r) => r.serverGroupsByIds([...ids, 'acct-a:docs:replicaSet nope']));
    expect(s).toEqual(m);
    for (const g of groups) {
      const [mg, sg] = await both((r) => r.serverGroup(g.account, g.region, g.name));
      expect(sg).toEqual(mg);
      for (const instance of mg?.instances ?? []) {
        const byName = await both((r) => r.instance(g.account, g.region, `pod ${instance.humanReadableName.split(' ')[1] ?? ''}`));
        expect(byName[1]).toEqual(byName[0]);
        const byUid = await both((r) => r.instance(g.account, g.region, instance.name));
        expect(byUid[0]).toBeDefined();
        expect(byUid[1]).toEqual(byUid[0]);
      }
    }
    for (const filter of [{}, { account: 'acct-b' }, { account: 'acct-a', namespace: 'docs' }, { account: 'acct-a', namespace: 'docs', name: 'docs-site' }]) {
      const [ml, sl] = await both((r) => r.loadBalancers(filter));
      expect(sl).toEqual(ml);
      const [msg, ssg] = await both((r) => r.securityGroups(filter));
      expect(ssg).toEqual(msg);
    }
  });

  it('searches the same', async () => {
    for (const type of ['serverGroups', 'loadBalancers', 'instances', 'securityGroups', 'applications', 'clusters', 'replicaSet', 'pod']) {
      for (const q of ['', 'docs', 'app0', 'nothing-matches']) {
        const [m, s] = await both((r) => r.search(q, type));
        expect(s).toEqual(m);
      }
    }
  });

  it('keeps what it read, within its capacity, until told it changed', async () => {
    items.clear();
    await store.run((r) => r.applicationServerGroups('docs'));
    const kept = items.size;
    expect(kept).toBeGreaterThan(0);
    // A second read of the same answer reads nothing new from the store.
    const reads = items.epoch;
    await store.run((r) => r.applicationServerGroups('docs'));
    expect(items.size).toBe(kept);
    expect(items.epoch).toBe(reads);
    const small = new StoreItemCache(5);
    const bounded = new KubernetesStoreReads({ cache, accounts: () => caches, live: () => false, items: small, liveGeneration: () => 0 });
    const [m] = await both((r) => r.applicationServerGroups('docs'));
    expect(await bounded.run((r) => r.applicationServerGroups('docs'))).toEqual(m);
    expect(small.size).toBeLessThanOrEqual(5);
  });
});
