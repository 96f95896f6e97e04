/**
 * The Kubernetes cache model's own cost, in process: building the model of one account's
 * objects from already-parsed LIST pages (`KubernetesCacheModel.upsert` for every object), as CPU
 * time and as bytes allocated (V8's sampling heap profiler, counting what the collector has freed
 * too: what young-generation collections pay for). Same-run baseline: JSON-parsing the same
 * pages. Median of several alternating runs.
 *
 *   npm run bench:model [-- 50000]
 *
 * `BENCH_MODEL_BEFORE=<path of another build's compiled cacheModel.js>` measures that build too,
 * alternating with this one (docs/benchmarks.md, "Profiling").
 */
import { env } from 'node:process';
import { pathToFileURL } from 'node:url';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubernetesManifest } from '../src/providers/kubernetes/model/KubernetesManifest.js';
import * as current from '../src/providers/kubernetes/cacheModel.js';
import { allocatedBytes, cpuMs } from '../test/helpers/cost.js';
import { listPages } from '../test/helpers/listPages.js';
import { coldFillSeed, report, round } from './lib.js';

type ModelModule = Pick<typeof current, 'KubernetesCacheModel'>;

const RUNS = 7;
const objectsWanted = Number(process.argv[2] ?? 50_000);

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const sim = await startKubeSim({ tls: false, controllers: false });
sim.seed('sim-1', coldFillSeed(objectsWanted));
const { pages, objects } = listPages(sim.cluster('sim-1'));
await sim.stop();

const parse = (): KubernetesManifest[][] => pages.map((p) => (JSON.parse(p) as { items: KubernetesManifest[] }).items);
const build = (mod: ModelModule, parsed: KubernetesManifest[][]) => (): void => {
  const model = new mod.KubernetesCacheModel('acct');
  for (const items of parsed) for (const m of items) model.upsert(m);
};

const builds: [string, ModelModule][] = [['this build', current]];
if (env.BENCH_MODEL_BEFORE !== undefined) builds.push(['before', (await import(pathToFileURL(env.BENCH_MODEL_BEFORE).href)) as ModelModule]);

const parseMs: number[] = [];
const buildMs = new Map<string, number[]>(builds.map(([name]) => [name, []]));
for (let run = 0; run < RUNS; run++) {
  parseMs.push(cpuMs(() => void parse()));
  for (const [name, mod] of builds) {
    const parsed = parse();
    buildMs.get(name)?.push(cpuMs(build(mod, parsed)));
  }
}
const baseline = median(parseMs);
for (const [name, mod] of builds) {
  const ms = median(buildMs.get(name) ?? []);
  report('modelBuild', {
    build: name,
    objects,
    modelBuildCpuMs: round(ms),
    baselineParseCpuMs: round(baseline),
    ratioToBaseline: round(ms / baseline, 2),
    allocatedMb: round((await allocatedBytes(build(mod, parse()))) / 1e6),
  });
}
process.exit(0);
