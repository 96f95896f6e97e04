/**
 * Scenario 1, cold fill: one account holding N objects (default 10,000 and 50,000); time from
 * the service accepting the account to every object being readable through the API, and the
 * service's peak RSS. Same-run baseline: listing the same collections from the simulator and
 * JSON-parsing them, with nothing else (what any client must spend at least). The service runs
 * with `kubernetes.enabled: true`, as Halyard configures a provider in use.
 *
 *   npm run bench:coldfill [-- 10000 50000]
 */
import https from 'node:https';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import type { KubeSim } from '../src/testing/kubeSim/index.js';
import { UI_DEFAULT_KINDS, DEFAULT_KIND_REGISTRY, resourcePath } from '../src/providers/kubernetes/KubernetesKind.js';
import { coldFillSeed, getJson, memoryOf, report, round, sleep, startServiceWith, until } from './lib.js';
import type { HealthBody } from './lib.js';

function fetchText(url: string, token: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { rejectUnauthorized: false, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', reject);
  });
}

/** Baseline: page through every cached kind (500 per page, as the provider does) and JSON.parse. */
async function listAndParse(sim: KubeSim): Promise<{ ms: number; parseMs: number; objects: number }> {
  const t0 = performance.now();
  let parseMs = 0;
  let objects = 0;
  for (const kindName of UI_DEFAULT_KINDS) {
    const kind = DEFAULT_KIND_REGISTRY.get(kindName);
    let cont: string | undefined;
    do {
      const text = await fetchText(`${sim.serverUrl('sim-1')}${resourcePath(kind)}?limit=500${cont === undefined ? '' : `&continue=${encodeURIComponent(cont)}`}`, 'sim-token-sim-1');
      const p0 = performance.now();
      const page = JSON.parse(text) as { items: unknown[]; metadata: { continue?: string } };
      parseMs += performance.now() - p0;
      objects += page.items.length;
      cont = page.metadata.continue || undefined;
    } while (cont !== undefined);
  }
  return { ms: performance.now() - t0, parseMs, objects };
}

async function run(n: number): Promise<void> {
  const sim = await startKubeSim({ tls: true, controllers: false });
  try {
    sim.seed('sim-1', coldFillSeed(n));
    const objects = (await listAndParse(sim)).objects; // warm-up, and the exact count
    const baseline = await listAndParse(sim);
    const service = await startServiceWith({ kubernetes: { enabled: true, accounts: [] }, ...(process.env.BENCH_CACHE === 'memory' ? { storage: { cache: 'memory' } } : {}) });
    try {
      // Idle: what the service does once it listens (loading provider libraries) is done, as in §20's footprint bench.
      await sleep(2000);
      const idleRss = memoryOf(service.pid).rssMb;
      const t0 = performance.now();
      const res = await fetch(`${service.url}/credentials`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'kubernetes', name: 'big', kubeconfigContents: sim.kubeconfigFor('sim-1') }) });
      if (res.status !== 200) throw new Error(`account not added: ${res.status} ${await res.text()}`);
      await until(async () => {
        const h = await getJson<HealthBody>(`${service.url}/health`);
        const d = h.components.kubernetes?.details.big;
        return d?.state === 'watching' && d.objects === objects;
      }, 120_000, 10);
      const syncMs = performance.now() - t0;
      // Readable through the read API: every application's server groups answer.
      const apps = await getJson<{ name: string }[]>(`${service.url}/applications`);
      let serverGroups = 0;
      for (const app of apps) serverGroups += (await getJson<unknown[]>(`${service.url}/applications/${app.name}/serverGroups`)).length;
      const fillMs = performance.now() - t0;
      const mem = memoryOf(service.pid);
      report('coldFill', {
        objects,
        fillMs: round(fillMs),
        syncMs: round(syncMs),
        firstReadsMs: round(fillMs - syncMs),
        baselineListAndParseMs: round(baseline.ms),
        baselineParseOnlyMs: round(baseline.parseMs),
        ratioToBaseline: round(fillMs / baseline.ms, 2),
        serverGroups,
        idleRssMb: idleRss,
        rssMb: mem.rssMb,
        peakRssMb: mem.peakRssMb,
      });
    } finally {
      await service.stop();
    }
  } finally {
    await sim.stop();
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length > 0 ? sizes : [10_000, 50_000]) await run(n);
process.exit(0);
