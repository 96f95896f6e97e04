import { describe, expect, it } from 'vitest';
import { ForegroundActivity } from './ForegroundActivity.js';

/** A clock that moves only when `quiet()` sleeps, and a log of those sleeps. */
function harness(quietMs = 20) {
  let now = 1_000;
  const slept: number[] = [];
  const steps: (() => void)[] = [];
  const activity = new ForegroundActivity(
    () => now,
    async (ms) => {
      slept.push(ms);
      now += ms;
      steps.shift()?.();
    },
    quietMs,
  );
  return { activity, slept, steps, advance: (ms: number) => (now += ms) };
}

describe('ForegroundActivity', () => {
  it('is quiet at once with no request served recently', async () => {
    const h = harness();
    await h.activity.quiet(250);
    expect(h.slept).toEqual([]);
  });

  it('waits while a request is in flight, and for quietMs after the last one ends', async () => {
    const h = harness();
    h.activity.begin();
    // The request ends after the third look.
    h.steps.push(
      () => undefined,
      () => undefined,
      () => h.activity.end(),
    );
    await h.activity.quiet(250);
    // 15 ms in flight, then 20 ms of quiet after its end.
    expect(h.slept.reduce((a, b) => a + b, 0)).toBe(35);
    expect(h.activity.active()).toBe(false);
  });

  it('never waits longer than it is told, however busy', async () => {
    const h = harness();
    h.activity.begin();
    await h.activity.quiet(12);
    expect(h.slept).toEqual([5, 5, 2]);
    expect(h.activity.active()).toBe(true);
  });

  it('counts concurrent requests, and an extra end does not go below none', () => {
    const h = harness(0);
    h.activity.begin();
    h.activity.begin();
    h.activity.end();
    expect(h.activity.active()).toBe(true);
    h.activity.end();
    h.activity.end();
    h.advance(1);
    expect(h.activity.active()).toBe(false);
    h.activity.begin();
    expect(h.activity.active()).toBe(true);
  });
});
