/**
 * Regression guard for docs/benchmarks.md §19 (sustained churn), on ratios only: one account of
 * ~4,900 objects takes 200 pod changes per second for 15 s while a probe ReplicaSet changes four
 * times a second. Against the same run's figures before the churn: the probe's freshness in the
 * read API, and how far the cache store lags the cluster; the service's CPU per change against
 * its CPU per object of the fill; and the heap must not grow from the first half of the churn to
 * the second. What it catches: per-change work that grows with the
 * account (a change rebuilding views or items beyond its own), a write-through that falls behind,
 * garbage or state kept per change.
 */
import { describe, expect, it } from 'vitest';
import { measureChurn } from '../bench/churnScenario.js';

/** Service CPU per change during churn over its CPU per object of the fill, at most (measured 2.5–3.1; 21 when every flush rewrote the whole account). */
const MAX_CPU_PER_CHANGE_RATIO = 8;
/** Probe freshness p90 during churn over before it, at most (measured 0.7–0.95). */
const MAX_FRESHNESS_RATIO = 4;
/** Store lag during churn (p50 of the samples) over before it, at most (measured 2.4–3.2: the 100 ms write batching). */
const MAX_STORE_LAG_RATIO = 10;
/** Average heap in the churn's second half over its first half, at most (measured 1.05–1.07; 1.9 when every flush rewrote the whole account). */
const MAX_HEAP_GROWTH = 1.4;

describe('sustained churn (regression guard on ratios, §19)', () => {
  it('keeps freshness, store lag and heap near their levels before the churn', { timeout: 120_000 }, async () => {
    const r = await measureChurn({ rate: 200, seconds: 15, deployments: 40, baselineProbes: 20, probeIntervalMs: 250, sampleSeconds: 2.5, settleSeconds: 3 });
    const summary = JSON.stringify({ freshness: r.freshness, baseline: r.baselineFreshness, storeLag: r.storeLag, memory: r.memory, cpu: r.cpu, achievedRate: r.achievedRate });
    expect(r.achievedRate, summary).toBeGreaterThan(150);
    expect(r.cpu.perChangeOverFillPerObject, summary).toBeLessThan(MAX_CPU_PER_CHANGE_RATIO);
    // A floor of 5 ms under the baselines, so a sub-millisecond quiet probe does not make the ratio noise.
    expect(r.freshness.p90Ms / Math.max(r.baselineFreshness.p90Ms, 5), summary).toBeLessThan(MAX_FRESHNESS_RATIO);
    expect(r.storeLag.p50Ms / Math.max(r.storeLag.baselineMs, 5), summary).toBeLessThan(MAX_STORE_LAG_RATIO);
    expect(r.memory.secondHalfAvgHeapMb / r.memory.firstHalfAvgHeapMb, summary).toBeLessThan(MAX_HEAP_GROWTH);
  });
});
