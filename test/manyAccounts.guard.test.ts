/**
 * Regression guard for docs/benchmarks.md §5 (many accounts), on ratios only: the real service
 * started with 20 and then with 200 Kubernetes accounts (each its own simulated cluster with a
 * few dozen objects), in the same run, beside the RSS of the service with no account. Per account,
 * the 200-account start must cost no more time and no more memory (over the no-account RSS) than
 * the 20-account one: a fixed part (the Kubernetes client library, the first store writes) is
 * shared, so linear per-account work measures about 0.3 on both (2026-12-02, load 6 on 2 cores:
 * 4.5 s and 63 MB for 20 accounts, 14.8 s and 202 MB for 200). Anything that grows with the square
 * of the accounts (a scan of every account per account, a turn-based start that serialises them,
 * a per-account copy of every account's state) passes 1 well before it matters at thousands.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, memoryOf, startServiceWith, type HealthBody, type RunningService } from '../bench/lib.js';
import { startKubeSim, type KubeSim } from '../src/testing/kubeSim/index.js';
import { waitFor } from './helpers/waitFor.js';

const SMALL = 20;
const LARGE = 200;
/** Per-account time and memory at LARGE over SMALL, at most (measured about 0.3). */
const MAX_PER_ACCOUNT_RATIO = 1;

const names = Array.from({ length: LARGE }, (_, i) => `acct-${i + 1}`);
const counted = ['apps/deployments', 'apps/replicasets', '/pods', '/services'];
const noAccountStorage = { account: { storage: { enabled: false } } };

describe('many accounts (regression guard on ratios, §5)', () => {
  let sim: KubeSim;
  let perAccount = 0;
  let service: RunningService | undefined;

  beforeAll(async () => {
    sim = await startKubeSim({ tls: true, clusters: names, controllers: false, bookmarkIntervalMs: 30_000 });
    for (const name of names) sim.seed(name, { namespaces: 1, deployments: 3, podsPerDeployment: 4, applications: 1 });
    perAccount = counted.reduce((n, gr) => n + sim.cluster(names[0] ?? '').store.count(gr), 0);
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
  });

  /**
   * Starts the service with the first `n` accounts; resolves ms from start to every account
   * cached, RSS (MB) then, and the caching-agent runs that failed because their account was not
   * led yet (waiting for a start-up turn): none should run at all.
   */
  async function fill(n: number): Promise<{ ms: number; rssMb: number; failedWhileQueued: number }> {
    const accounts = names.slice(0, n).map((name) => ({ name, kubeconfigContents: sim.kubeconfigFor(name) }));
    const t0 = performance.now();
    const running = (service = await startServiceWith({ kubernetes: { accounts }, ...noAccountStorage }));
    await waitFor(async () => {
      const d = (await getJson<HealthBody>(`${running.url}/health`)).components.kubernetes?.details ?? {};
      expect(accounts.filter((a) => d[a.name]?.state === 'watching' && d[a.name]?.objects === perAccount)).toHaveLength(n);
    }, 60_000, 100);
    const ms = performance.now() - t0;
    const { rssMb } = memoryOf(running.pid);
    const failedWhileQueued = running.process.output().split('\n').filter((l) => l.includes('"msg":"caching agent run failed"') && / is following"/.test(l)).length;
    await running.stop();
    service = undefined;
    return { ms, rssMb, failedWhileQueued };
  }

  it('ten times the accounts cost no more than ten times the start-up time and memory', { timeout: 150_000 }, async () => {
    const none = await startServiceWith({ kubernetes: { accounts: [] }, ...noAccountStorage });
    service = none;
    await new Promise((r) => setTimeout(r, 1000));
    const baselineMb = memoryOf(none.pid).rssMb;
    await none.stop();
    service = undefined;

    const small = await fill(SMALL);
    const large = await fill(LARGE);
    const scale = LARGE / SMALL;
    const timeRatio = large.ms / small.ms / scale;
    // A floor under the small run's growth, so that GC timing in a small difference cannot fail the test.
    const memoryRatio = (large.rssMb - baselineMb) / Math.max(small.rssMb - baselineMb, 20) / scale;
    const figures = `baseline ${baselineMb} MB; ${SMALL}: ${Math.round(small.ms)} ms, ${small.rssMb} MB; ${LARGE}: ${Math.round(large.ms)} ms, ${large.rssMb} MB`;
    expect(timeRatio, figures).toBeLessThan(MAX_PER_ACCOUNT_RATIO);
    expect(memoryRatio, figures).toBeLessThan(MAX_PER_ACCOUNT_RATIO);
    // 200 accounts start 32 at a time: the others' snapshot agents used to run and fail (and log a warning each).
    expect(large.failedWhileQueued).toBe(0);
  });
});
