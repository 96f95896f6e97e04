/**
 * Start-up: process spawn → first answer of `/health`, with no accounts and with N (default
 * 1,000) Kubernetes accounts on the simulator (as scenario 5), for each way of running the
 * service, same run:
 *   - `tsx`: `node --import tsx src/main.ts`, what `npm start` exec'd before it ran compiled code;
 *   - `compiled`: `node dist/main.js`, what `npm start` execs now;
 *   - `npm`: `npm start` itself (npm, the prestart freshness check, then the exec).
 * With accounts it also records when every account was cached (watching, with all its objects,
 * per `/health`) and the progress lines the service logged on the way ("accounts syncing: n/N",
 * then "accounts synced").
 *
 * With `BENCH_STARTUP_BEFORE=<dir>` (a copy of an earlier version with its `dist/` built, e.g.
 * `git archive <commit> | tar -x -C dir`, node_modules linked, `node scripts/build.mjs`), a
 * `before` runner starts that copy's `dist/main.js` beside the others, so a change to start-up is
 * measured against its previous version in the same run. `BENCH_STARTUP_RUNNERS=before,compiled`
 * picks the runners (default: every one).
 *
 *   npm run bench:startup [-- accounts [repeats [repeatsWithAccounts]]]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import { startKubeSim } from '../src/testing/kubeSim/index.js';
import { ensureBuilt, startService } from '../test/helpers/serviceProcess.js';
import type { ServiceRunner } from '../test/helpers/serviceProcess.js';
import { getJson, percentile, report, round, sleep, until } from './lib.js';
import type { HealthBody } from './lib.js';

const n = Number(process.argv[2] ?? '1000');
const repeats = Number(process.argv[3] ?? '5');
const accountRepeats = Number(process.argv[4] ?? '2');
type Runner = ServiceRunner | 'before';
const beforeDir = process.env.BENCH_STARTUP_BEFORE;
const allRunners: Runner[] = [...(beforeDir === undefined ? [] : ['before' as const]), 'tsx', 'compiled', 'npm'];
const runners = allRunners.filter((r) => (process.env.BENCH_STARTUP_RUNNERS?.split(',') ?? allRunners).includes(r));
ensureBuilt();

/** Starts the service as `runner` runs it (`before`: the earlier version's compiled entry). */
function start(runner: Runner, file: string): ReturnType<typeof startService> {
  if (runner === 'before') return startService({ args: ['--config', file], runner: 'compiled', main: join(beforeDir ?? '', 'dist/main.js'), healthPollMs: 5 });
  return startService({ args: ['--config', file], runner, healthPollMs: 5 });
}

function configFile(accounts: Record<string, unknown>[]): { file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cd-bench-startup-'));
  const file = join(dir, 'clouddriver.yml');
  writeFileSync(file, toYaml({ storage: { sqlite: { path: join(dir, 'cd.db') } }, logging: { level: 'info' }, kubernetes: { probeIntervalSeconds: 30, accounts } }));
  return { file, dir };
}

// No accounts: each runner `repeats` times, interleaved so machine load hits them alike.
const empty: Record<Runner, number[]> = { before: [], tsx: [], compiled: [], npm: [] };
for (let i = 0; i < repeats; i++) {
  for (const runner of runners) {
    const { file, dir } = configFile([]);
    const service = await start(runner, file);
    // A prestart that had to rebuild (someone edited src/ meanwhile) is not a start-up figure.
    if (!service.output().includes('scripts/build.mjs: built')) empty[runner].push(service.startMs);
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
for (const runner of runners) {
  report('startup', { runner, accounts: 0, samples: empty[runner].length, healthP50Ms: round(percentile(empty[runner], 50)), healthMaxMs: round(Math.max(...empty[runner])) });
}

// N accounts: `accountRepeats` runs per runner, interleaved.
const names = Array.from({ length: n }, (_, i) => `acct-${i + 1}`);
const sim = await startKubeSim({ tls: true, clusters: names, controllers: false, bookmarkIntervalMs: 30_000 });
for (const name of names) sim.seed(name, { namespaces: 1, deployments: 7, podsPerDeployment: 12, applications: 3 });
const perAccount = ['apps/deployments', 'apps/replicasets', '/pods', '/services'].reduce((s, gr) => s + sim.cluster(names[0] ?? '').store.count(gr), 0);
for (const runner of Array.from({ length: accountRepeats }, () => runners).flat()) {
  const { file, dir } = configFile(names.map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor(name) })));
  const t0 = performance.now();
  const service = await start(runner, file);
  // All cached, as scenario 5 judges it: every account watching with all of its objects.
  const allCachedMs = await until(async () => {
    const d = (await getJson<HealthBody>(`${service.url}/health`)).components.kubernetes?.details ?? {};
    return names.every((name) => d[name]?.state === 'watching' && d[name]?.objects === perAccount);
  }, Number(process.env.BENCH_TIMEOUT_MS ?? 300_000), 200).then(() => performance.now() - t0);
  // The service's own account of it: progress lines, then "accounts synced" (within one report interval).
  const deadline = Date.now() + 10_000;
  while (!/"msg":"accounts synced: /.test(service.output()) && Date.now() < deadline) await sleep(100);
  const synced = /"msg":"accounts synced: ([^"]*)"/.exec(service.output())?.[1] ?? 'not logged';
  const progress = [...service.output().matchAll(/"msg":"accounts syncing: ([^"]*)"/g)].map((m) => m[1]);
  report('startup', { runner, accounts: n, objectsPerAccount: perAccount, rebuilt: service.output().includes('scripts/build.mjs: built'), healthMs: round(service.startMs), allCachedMs: round(allCachedMs), logged: { synced, progress } });
  await service.stop();
  rmSync(dir, { recursive: true, force: true });
}
await sim.stop();
process.exit(0);
