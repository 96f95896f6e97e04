/**
 * Regression guards for docs/benchmarks.md §1 (cold fill) and §4 (memory), in process and on
 * ratios only, with objects shaped like the benchmarks' (the simulator's seed: Deployments,
 * ReplicaSets, Pods and Services):
 * - fill: CPU to JSON-parse the objects' LIST pages, build the cache model and serialize every
 *   item as the store write-through does, over the CPU to JSON-parse the same pages alone;
 * - allocation: bytes the model allocates while it is built (garbage included: what the young
 *   generation's collections pay for), over what JSON-parsing the same pages allocates;
 * - memory: live heap (after a full collection) the model adds per object, over what the parsed
 *   manifests themselves take;
 * - flat: live heap after 1,000 update cycles (20 pods and a ReplicaSet replaced per cycle)
 *   within 5 % of the figure after the first 200 (by then every pod has been replaced once and
 *   carries the cycle annotation, as in the §4 benchmark).
 * CPU time, not wall time, so a busy machine does not fail it; bounds leave room for noise.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { majorGc } from '../src/core/memory/HeapSettler.js';
import { allocatedBytes, cpuMs } from './helpers/cost.js';
import { listPages } from './helpers/listPages.js';
import { KubernetesCacheModel } from '../src/providers/kubernetes/cacheModel.js';
import type { KubernetesManifest } from '../src/providers/kubernetes/model/KubernetesManifest.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';

/** Fill CPU over parse-only CPU, at most (10.3-11.4 measured; 21.0 with the cache model before the footprint work, docs/benchmarks.md §1). */
const MAX_FILL_RATIO = 16;
/** Heap the model adds per object over the parsed manifests' own, at most (0.51 measured; 1.22 before, docs/benchmarks.md §4). */
const MAX_MODEL_OVERHEAD = 1.0;
/** Bytes the model allocates while built over what parsing allocates, at most (2.39-2.45 measured at 5,005 objects; ~5 before the model allocated less, docs/benchmarks.md §1). */
const MAX_MODEL_ALLOCATION_RATIO = 3;

const gc = majorGc();
/**
 * The heap after full collections: the smallest `heapUsed` of three in a row, since one
 * collection's figure can still count garbage it left for the next (some runs read
 * 2-15 MB high after a single collection, failing the flat check on noise).
 */
const liveHeap = (): number => {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++) {
    gc?.();
    min = Math.min(min, process.memoryUsage().heapUsed);
  }
  return min;
};

describe('cache footprint (regression guards on ratios, §1 and §4)', () => {
  let sim: KubeSim;
  let pages: string[] = [];
  let objects = 0;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: false, controllers: false });
    sim.seed('sim-1', { namespaces: 5, deployments: 77, podsPerDeployment: 10, applications: 10 });
    ({ pages, objects } = listPages(sim.cluster('sim-1')));
  });

  afterAll(async () => {
    pages = [];
    await sim.stop();
  });

  const parse = (): KubernetesManifest[] => pages.flatMap((p) => (JSON.parse(p) as { items: KubernetesManifest[] }).items);

  it('fills within a bounded multiple of parsing the same LIST pages', () => {
    const fill = (): void => {
      const model = new KubernetesCacheModel('guard');
      for (const p of pages) for (const m of (JSON.parse(p) as { items: KubernetesManifest[] }).items) model.upsert(m);
      const keys = [...model.keys()];
      for (let i = 0; i < keys.length; i += 1000) for (const list of Object.values(model.itemsFor(keys.slice(i, i + 1000)).cacheResults)) for (const d of list) JSON.stringify(d);
    };
    const best = (fn: () => void): number => Math.min(cpuMs(fn), cpuMs(fn), cpuMs(fn));
    best(fill); // warm-up
    const parseMs = best(() => void parse());
    const fillMs = best(fill);
    const ratio = fillMs / parseMs;
    console.log(`cold fill guard: ${objects} objects, parse ${parseMs.toFixed(0)} ms CPU, fill ${fillMs.toFixed(0)} ms CPU, ratio ${ratio.toFixed(2)} (bound ${MAX_FILL_RATIO})`);
    expect(objects).toBeGreaterThan(4000);
    expect(ratio).toBeLessThan(MAX_FILL_RATIO);
  });

  it('allocates a bounded multiple of what parsing the same LIST pages allocates while it builds the model', async () => {
    let parsed: KubernetesManifest[] = [];
    const parseBytes = await allocatedBytes(() => void (parsed = parse()));
    const modelBytes = await allocatedBytes(() => {
      const model = new KubernetesCacheModel('guard');
      for (const m of parsed) model.upsert(m);
    });
    const ratio = modelBytes / parseBytes;
    console.log(`allocation guard: ${objects} objects, parse ${(parseBytes / objects).toFixed(0)} B/object, model ${(modelBytes / objects).toFixed(0)} B/object, ratio ${ratio.toFixed(2)} (bound ${MAX_MODEL_ALLOCATION_RATIO})`);
    expect(ratio).toBeLessThan(MAX_MODEL_ALLOCATION_RATIO);
  });

  it('adds a bounded multiple of the manifests’ own heap per object, and stays flat over 1,000 update cycles', () => {
    expect(gc).toBeTypeOf('function');
    const h0 = liveHeap();
    const manifests = parse();
    const h1 = liveHeap();
    const model = new KubernetesCacheModel('guard');
    for (const m of manifests) model.upsert(m);
    const h2 = liveHeap();
    const manifestBytes = (h1 - h0) / objects;
    const modelBytes = (h2 - h1) / objects;
    console.log(`memory guard: ${objects} objects, manifests ${manifestBytes.toFixed(0)} B/object, model ${modelBytes.toFixed(0)} B/object, ratio ${(modelBytes / manifestBytes).toFixed(2)} (bound ${MAX_MODEL_OVERHEAD})`);
    expect(modelBytes / manifestBytes).toBeLessThan(MAX_MODEL_OVERHEAD);

    const pods = manifests.filter((m) => m.kind === 'Pod');
    const sets = manifests.filter((m) => m.kind === 'ReplicaSet');
    const changed = (m: KubernetesManifest, cycle: number): KubernetesManifest => ({ ...m, metadata: { ...m.metadata, annotations: { ...(m.metadata?.annotations ?? {}), 'guard/cycle': String(cycle) } } });
    let warm = 0;
    for (let c = 1; c <= 1000; c++) {
      if (c === 201) warm = liveHeap();
      for (let i = 0; i < 20; i++) {
        const p = pods[(c * 20 + i) % pods.length];
        if (p !== undefined) model.itemsFor(model.upsert(changed(p, c)));
      }
      const rs = sets[c % sets.length];
      if (rs !== undefined) model.itemsFor(model.upsert(changed(rs, c)));
    }
    const h3 = liveHeap();
    console.log(`memory guard: live heap ${(h2 / 1048576).toFixed(1)} MB loaded, ${(warm / 1048576).toFixed(1)} MB after 200 update cycles, ${(h3 / 1048576).toFixed(1)} MB after 1,000`);
    expect(model.size).toBe(objects);
    // Replaced objects differ only by their annotation's value; anything kept per change would show.
    expect((h3 - warm) / (warm - h0)).toBeLessThan(0.05);
  });
});
