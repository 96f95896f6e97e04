import { describe, expect, it } from 'vitest';
import type { CacheData, CacheResult } from '../../core/cache/CacheData.js';
import { KubernetesCacheModel, ingressBackendServices, sanitizeManifest, shouldCache, toCacheData } from './cacheModel.js';
import { applicationKey, clusterKey, infrastructureKey } from './keys.js';
import type { KubernetesManifest } from './model/KubernetesManifest.js';
import { prng } from '../../testing/prng.js';
import {
  ACCOUNT,
  NS,
  currentReplicaSet,
  databasePod,
  deployment,
  docsNamespace,
  headlessService,
  ignoredConfigMap,
  ingress,
  pendingPod,
  runningPod,
  secret,
  service,
} from '../../../test/fixtures/kubernetesDocsNamespace.js';

const key = (kind: string, name: string, ns = NS): string => infrastructureKey(kind, ACCOUNT, ns, name);
const K = {
  deployment: key('deployment', 'docs-site'),
  rs: key('replicaSet', 'docs-site-7d9f8c6b5'),
  oldRs: key('replicaSet', 'docs-site-5c4b3a291'),
  canary: key('replicaSet', 'docs-canary-v002'),
  pod1: key('pod', 'docs-site-7d9f8c6b5-abcde'),
  pod2: key('pod', 'docs-site-7d9f8c6b5-fghij'),
  svc: key('service', 'docs-site'),
  ingress: key('ingress', 'docs'),
  sts: key('statefulSet', 'docs-db'),
  headless: key('service', 'docs-db-headless'),
  dbPod: key('pod', 'docs-db-0'),
  netpol: key('networkPolicy', 'docs-allow-web'),
  secret: key('secret', 'docs-creds-v001'),
  app: applicationKey('docs'),
  siteCluster: clusterKey(ACCOUNT, 'docs', 'deployment docs-site'),
};

function item(result: CacheResult, type: string, id: string): CacheData {
  const found = result.cacheResults[type]?.find((d) => d.id === id);
  if (found === undefined) throw new Error(`no ${type} ${id}`);
  return found;
}

describe('toCacheData', () => {
  const result = toCacheData(ACCOUNT, docsNamespace());

  it('writes one item per object under its kind, with Clouddriver attributes', () => {
    const rs = item(result, 'replicaSet', K.rs);
    expect(rs.attributes).toMatchObject({
      kind: 'replicaSet',
      apiVersion: 'apps/v1',
      name: 'docs-site-7d9f8c6b5',
      namespace: NS,
      fullResourceName: 'replicaSet docs-site-7d9f8c6b5',
      moniker: { app: 'docs', cluster: 'deployment docs-site', sequence: 2 },
    });
    expect(rs.attributes.manifest).toEqual(currentReplicaSet());
    expect(rs.ttlSeconds).toBeUndefined();
    expect(Object.keys(result.cacheResults).sort()).toEqual([
      'applications', 'clusters', 'deployment', 'ingress', 'networkPolicy', 'pod', 'replicaSet', 'secret', 'service', 'statefulSet',
    ]);
  });

  it('links owners and owned objects both ways through ownerReferences', () => {
    expect(item(result, 'replicaSet', K.rs).relationships.deployment).toEqual([K.deployment]);
    expect(item(result, 'deployment', K.deployment).relationships.replicaSet).toEqual([K.oldRs, K.rs]);
    expect(item(result, 'replicaSet', K.rs).relationships.pod).toEqual([K.pod1, K.pod2]);
    expect(item(result, 'pod', K.pod1).relationships.replicaSet).toEqual([K.rs]);
    expect(item(result, 'pod', K.dbPod).relationships.statefulSet).toEqual([K.sts]);
  });

  it('links a service to the workloads and pods its selector matches', () => {
    const svc = item(result, 'service', K.svc);
    expect(svc.relationships.replicaSet).toEqual([K.oldRs, K.rs]);
    expect(svc.relationships.pod).toEqual([K.pod1, K.pod2]);
    expect(item(result, 'replicaSet', K.rs).relationships.service).toEqual([K.svc]);
    expect(item(result, 'replicaSet', K.canary).relationships.service).toEqual([]);
    expect(item(result, 'pod', K.pod2).relationships.service).toEqual([K.svc]);
  });

  it('links every Service to exactly the workloads its selector matches, as a check of every pair finds them', () => {
    const rand = prng(7);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const labels = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, () => [pick(['app', 'tier', 'track', 'zone']), pick(['a', 'b', 'c'])]));
    const objects: KubernetesManifest[] = [];
    for (let i = 0; i < 60; i++) {
      const namespace = pick(['n1', 'n2']);
      const kind = pick(['Pod', 'ReplicaSet', 'Service']);
      const meta = { name: `o${i}`, namespace };
      if (kind === 'Service') objects.push({ apiVersion: 'v1', kind, metadata: meta, spec: { selector: labels(Math.floor(rand() * 3)) } });
      else if (kind === 'Pod') objects.push({ apiVersion: 'v1', kind, metadata: { ...meta, labels: labels(1 + Math.floor(rand() * 3)) } });
      else objects.push({ apiVersion: 'apps/v1', kind, metadata: meta, spec: { template: { metadata: { labels: labels(1 + Math.floor(rand() * 3)) } } } });
    }
    const services = objects.filter((m) => m.kind === 'Service');
    const workloads = objects.filter((m) => m.kind !== 'Service');
    // A full rebuild, and models fed Services first (workloads find them) and last (they find workloads).
    const servicesFirst = new KubernetesCacheModel(ACCOUNT);
    for (const m of [...services, ...workloads]) servicesFirst.upsert(m);
    const servicesLast = new KubernetesCacheModel(ACCOUNT);
    for (const m of [...workloads, ...services]) servicesLast.upsert(m);
    const keyOf = (m: KubernetesManifest): string => infrastructureKey(m.kind === 'Service' ? 'service' : m.kind === 'Pod' ? 'pod' : 'replicaSet', ACCOUNT, m.metadata?.namespace ?? '', m.metadata?.name ?? '');
    const workloadLabels = (m: KubernetesManifest): Record<string, string> =>
      ((m.kind === 'Pod' ? m.metadata?.labels : (m.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels) ?? {}) as Record<string, string>;
    let links = 0;
    for (const svc of services) {
      const selector = (svc.spec as { selector: Record<string, string> }).selector;
      const expected = objects
        .filter((w) => w.kind !== 'Service' && w.metadata?.namespace === svc.metadata?.namespace)
        .filter((w) => Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => workloadLabels(w)[k] === v))
        .map(keyOf)
        .sort();
      for (const result of [toCacheData(ACCOUNT, objects), servicesFirst.result(), servicesLast.result()]) {
        const related = item(result, 'service', keyOf(svc)).relationships;
        expect([...(related.pod ?? []), ...(related.replicaSet ?? [])].sort()).toEqual(expected);
      }
      links += expected.length;
    }
    expect(links).toBeGreaterThan(10);
  });

  it('links a statefulSet to its serviceName service even without a selector', () => {
    expect(item(result, 'statefulSet', K.sts).relationships.service).toEqual([K.headless]);
    expect(item(result, 'service', K.headless).relationships.statefulSet).toEqual([K.sts]);
    expect(item(result, 'service', K.headless).relationships.pod).toEqual([]);
  });

  it('links an ingress to the cached services among its backends', () => {
    expect(item(result, 'ingress', K.ingress).relationships.service).toEqual([K.svc]);
    expect(item(result, 'service', K.svc).relationships.ingress).toEqual([K.ingress]);
  });

  it('links load balancers, security groups, server groups and managers to the application', () => {
    const app = item(result, 'applications', K.app);
    expect(app.relationships.service).toEqual([K.headless, K.svc]);
    expect(app.relationships.ingress).toEqual([K.ingress]);
    expect(app.relationships.networkPolicy).toEqual([K.netpol]);
    expect(app.relationships.replicaSet).toEqual([K.canary, K.oldRs, K.rs]);
    expect(app.relationships.deployment).toEqual([K.deployment]);
    expect(app.relationships.statefulSet).toEqual([K.sts]);
    expect(app.relationships.pod).toEqual([]);
    expect(app.relationships.secret).toBeUndefined();
    expect(item(result, 'networkPolicy', K.netpol).relationships.applications).toEqual([K.app]);
    expect(item(result, 'networkPolicy', K.netpol).relationships.clusters).toBeUndefined();
  });

  it('links server groups and managers to their cluster, and clusters to the application', () => {
    const cluster = item(result, 'clusters', K.siteCluster);
    expect(cluster.relationships.deployment).toEqual([K.deployment]);
    expect(cluster.relationships.replicaSet).toEqual([K.oldRs, K.rs]);
    expect(cluster.relationships.applications).toEqual([K.app]);
    expect(item(result, 'applications', K.app).relationships.clusters).toEqual([
      K.siteCluster,
      clusterKey(ACCOUNT, 'docs', 'replicaSet docs-canary'),
      clusterKey(ACCOUNT, 'docs', 'statefulSet docs-db'),
    ]);
    expect(item(result, 'service', K.svc).relationships.clusters).toBeUndefined();
  });

  it('writes logical items with a name and a 600 s ttl', () => {
    expect(item(result, 'applications', K.app)).toMatchObject({ attributes: { name: 'docs' }, ttlSeconds: 600 });
    expect(item(result, 'clusters', K.siteCluster)).toMatchObject({ attributes: { name: 'deployment docs-site' }, ttlSeconds: 600 });
  });

  it('always writes the service and pod relationship groups', () => {
    for (const list of Object.values(result.cacheResults)) {
      for (const d of list) {
        expect(d.relationships.service, d.id).toBeDefined();
        expect(d.relationships.pod, d.id).toBeDefined();
      }
    }
  });

  it('skips ignored objects and strips secret data', () => {
    expect(result.cacheResults.configMap).toBeUndefined();
    const manifest = item(result, 'secret', K.secret).attributes.manifest as KubernetesManifest;
    expect(manifest.data).toBeUndefined();
    expect(JSON.stringify(manifest)).not.toContain('aHVudGVyMg==');
    expect(manifest.metadata?.name).toBe('docs-creds-v001');
  });

  it('keeps relationships to owners that are not cached, without an item for them', () => {
    const r = toCacheData(ACCOUNT, [currentReplicaSet()]);
    expect(r.cacheResults.deployment).toBeUndefined();
    expect(item(r, 'replicaSet', K.rs).relationships.deployment).toEqual([K.deployment]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(toCacheData(ACCOUNT, [...docsNamespace()].reverse()))).toBe(JSON.stringify(result));
  });
});

describe('caching options', () => {
  it('with onlySpinnakerManaged skips objects without the application annotation', () => {
    const r = toCacheData(ACCOUNT, docsNamespace(), { onlySpinnakerManaged: true });
    expect(r.cacheResults.pod).toBeUndefined();
    expect(r.cacheResults.replicaSet).toHaveLength(3);
    expect(shouldCache(runningPod(), { onlySpinnakerManaged: true })).toBe(false);
    expect(shouldCache(runningPod())).toBe(true);
    expect(shouldCache(ignoredConfigMap())).toBe(false);
  });

  it('with cacheAllApplicationRelationships links every kind to its application', () => {
    const r = toCacheData(ACCOUNT, docsNamespace(), { cacheAllApplicationRelationships: true });
    expect(item(r, 'applications', K.app).relationships.secret).toEqual([K.secret]);
    expect(item(r, 'applications', K.app).relationships.pod).toEqual([K.dbPod, K.pod1, K.pod2]);
    expect(item(r, 'secret', K.secret).relationships.clusters).toBeUndefined();
  });
});

describe('helpers', () => {
  it('sanitizes secrets without mutating the input', () => {
    const s = secret();
    const clean = sanitizeManifest(s);
    expect(clean.data).toBeUndefined();
    expect(clean.metadata?.annotations).toEqual({ 'moniker.spinnaker.io/application': 'docs' });
    expect(s.data).toEqual({ password: 'aHVudGVyMg==' });
    expect(sanitizeManifest(service())).toEqual(service());
  });

  it('reads ingress backends in v1 and v1beta1 shapes', () => {
    expect(ingressBackendServices(ingress()).sort()).toEqual(['docs-fallback', 'docs-site']);
    const beta: KubernetesManifest = {
      apiVersion: 'networking.k8s.io/v1beta1', kind: 'Ingress', metadata: { name: 'old' },
      spec: { backend: { serviceName: 'a', servicePort: 80 }, rules: [{ http: { paths: [{ backend: { serviceName: 'b', servicePort: 80 } }] } }] },
    };
    expect(ingressBackendServices(beta).sort()).toEqual(['a', 'b']);
  });
});

describe('incremental model', () => {
  const rebuild = (objects: KubernetesManifest[]) => JSON.stringify(toCacheData(ACCOUNT, objects));

  it('matches a full rebuild whatever order objects arrive in', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    for (const m of [...docsNamespace()].reverse()) model.upsert(m);
    expect(JSON.stringify(model.result())).toBe(rebuild(docsNamespace()));
  });

  it('drops selector links when a workload stops matching and reports the touched keys', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    for (const m of docsNamespace()) model.upsert(m);
    const relabelled = currentReplicaSet();
    (relabelled.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels = { app: 'elsewhere' };
    const touched = model.upsert(relabelled);
    expect(touched).toContain(K.svc);
    expect(touched).toContain(K.rs);
    const objects = docsNamespace().map((m) => (m.kind === 'ReplicaSet' && m.metadata?.name === 'docs-site-7d9f8c6b5' ? relabelled : m));
    expect(JSON.stringify(model.result())).toBe(rebuild(objects));
    expect(item(model.result(), 'service', K.svc).relationships.replicaSet).toEqual([K.oldRs]);
  });

  it('removes a deleted object from its neighbours and drops empty clusters', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    const objects = [deployment(), currentReplicaSet(), runningPod(), pendingPod(), service()];
    for (const m of objects) model.upsert(m);
    model.remove(pendingPod());
    expect(item(model.result(), 'replicaSet', K.rs).relationships.pod).toEqual([K.pod1]);
    model.remove(currentReplicaSet());
    model.remove(deployment());
    const r = model.result();
    expect(r.cacheResults.clusters).toBeUndefined();
    expect(item(r, 'applications', K.app).relationships).toEqual({ pod: [], service: [K.svc] });
    expect(JSON.stringify(r)).toBe(rebuild([runningPod(), service()]));
  });

  it('treats an object that becomes ignored as deleted', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    model.upsert(service());
    const ignored = service();
    ignored.metadata = { ...ignored.metadata, annotations: { 'caching.spinnaker.io/ignore': 'true' } };
    model.upsert(ignored);
    expect(model.result().cacheResults).toEqual({});
  });

  it('links a statefulSet and an ingress when their service arrives later', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    model.upsert(ingress());
    model.upsert(databasePodOwnerFirst());
    model.upsert(headlessService());
    model.upsert(service());
    const r = model.result();
    expect(item(r, 'ingress', K.ingress).relationships.service).toEqual([K.svc]);
    expect(item(r, 'statefulSet', K.sts).relationships.service).toEqual([K.headless]);
  });

  it('returns only the touched items, each with all its relationships', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    for (const m of docsNamespace()) model.upsert(m);
    const touched = model.upsert(runningPod());
    const delta = model.itemsFor(touched);
    expect(Object.keys(delta.cacheResults).sort()).toEqual(['pod', 'replicaSet', 'service']);
    expect(item(delta, 'replicaSet', K.rs)).toEqual(item(model.result(), 'replicaSet', K.rs));
    expect(item(delta, 'service', K.svc)).toEqual(item(model.result(), 'service', K.svc));
  });

  it('includes logical items among touched keys for server groups', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    const touched = model.upsert(deployment());
    expect(touched).toContain(K.app);
    expect(touched).toContain(K.siteCluster);
    const delta = model.itemsFor(touched);
    expect(item(delta, 'applications', K.app).relationships.clusters).toEqual([K.siteCluster]);
    expect(item(delta, 'clusters', K.siteCluster).ttlSeconds).toBe(600);
  });
});

function databasePodOwnerFirst(): KubernetesManifest {
  // the StatefulSet itself; named for readability in the ordering test above
  return docsNamespace().find((m) => m.kind === 'StatefulSet') ?? databasePod();
}

describe('changed keys (what the store needs rewritten)', () => {
  const byKey = (r: CacheResult): Map<string, string> => new Map(Object.values(r.cacheResults).flatMap((list) => list.map((d): [string, string] => [d.id, JSON.stringify(d)])));
  const annotated = (m: KubernetesManifest, value: string): KubernetesManifest => ({ ...m, metadata: { ...m.metadata, annotations: { ...(m.metadata?.annotations ?? {}), 'test/v': value } } });
  const relabelled = (m: KubernetesManifest, app: string): KubernetesManifest => ({ ...m, metadata: { ...m.metadata, labels: { ...(m.metadata?.labels ?? {}), app } } });

  it('names every key whose item differs after any upsert or remove, and only touched keys', () => {
    // Variants of the docs namespace's objects: as is, annotated (items change, links do not),
    // relabelled (selector links change), and removed.
    const pool = docsNamespace();
    let seed = 7;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const model = new KubernetesCacheModel(ACCOUNT);
    let previous = byKey(model.result());
    for (let step = 0; step < 400; step++) {
      const base = pool[random(pool.length)] as KubernetesManifest;
      const op = random(4);
      const touched = new Set<string>();
      const changed = new Set<string>();
      if (op === 0) model.remove(base, touched, changed);
      else model.upsert(op === 1 ? base : op === 2 ? annotated(base, String(step)) : relabelled(base, random(2) === 0 ? 'docs-site' : 'elsewhere'), touched, changed);
      const current = byKey(model.result());
      for (const k of new Set([...previous.keys(), ...current.keys()])) {
        if (previous.get(k) !== current.get(k)) expect(changed, `step ${step}: ${k} differs`).toContain(k);
      }
      for (const k of changed) expect(touched).toContain(k);
      previous = current;
    }
  });

  it('is nothing when the version the model holds arrives again (a relist), except for a Secret', () => {
    const versioned = (m: KubernetesManifest, v: string): KubernetesManifest => ({ ...m, metadata: { ...m.metadata, resourceVersion: v } });
    const model = new KubernetesCacheModel(ACCOUNT);
    const objects = docsNamespace().map((m, i) => versioned(m, String(100 + i)));
    for (const m of objects) model.upsert(m);
    const count = model.changeCount;
    for (const m of objects) {
      const touched = new Set<string>();
      const changed = new Set<string>();
      model.upsert(structuredClone(m), touched, changed);
      // A Secret copy loaded from the store has no data: the listed one replaces it.
      expect([...changed], m.metadata?.name).toEqual(m.kind === 'Secret' ? [model.canonical(infrastructureKey('secret', ACCOUNT, NS, m.metadata?.name ?? ''))] : []);
    }
    // Only the Secret's upsert, and the removals of what is not cached, may have changed the model.
    expect(model.changeCount - count).toBe(objects.filter((m) => m.kind === 'Secret' || !shouldCache(m)).length);
    // A new version is a change, whatever it holds.
    const changed = new Set<string>();
    model.upsert(versioned(runningPod(), '999'), new Set(), changed);
    expect([...changed]).toEqual([K.pod1]);
  });

  it('is just the pod when only a pod’s annotation changes, while its ReplicaSet and Service are still touched', () => {
    const model = new KubernetesCacheModel(ACCOUNT);
    for (const m of docsNamespace()) model.upsert(m);
    const touched = new Set<string>();
    const changed = new Set<string>();
    model.upsert(annotated(runningPod(), 'x'), touched, changed);
    expect([...changed]).toEqual([K.pod1]);
    expect(touched).toContain(K.rs);
    expect(touched).toContain(K.svc);
  });
});
