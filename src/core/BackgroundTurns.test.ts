import { describe, expect, it } from 'vitest';
import { BackgroundTurns } from './BackgroundTurns.js';

/** Turns run by hand; the clock moves only as the steps say they took time. */
function harness(sliceMs: number) {
  let clock = 0;
  const deferred: (() => void)[] = [];
  const turns = new BackgroundTurns(sliceMs, () => clock, (run) => deferred.push(run));
  const ran: string[] = [];
  /** A writer of `steps` steps, each taking `ms`, every one waiting for a turn as the cache writes do. */
  const writer = async (name: string, steps: number, ms: number): Promise<void> => {
    for (let i = 0; i < steps; i++) {
      await turns.next();
      ran.push(`${name}${i}`);
      clock += ms;
    }
  };
  /** Runs the turns deferred so far (one event-loop turn), then lets the released steps finish. */
  const runTurn = async (): Promise<string[]> => {
    const before = ran.length;
    for (const run of deferred.splice(0)) run();
    await new Promise((r) => setImmediate(r));
    return ran.slice(before);
  };
  return { turns, writer, runTurn, ran };
}

describe('BackgroundTurns', () => {
  it('releases nothing before a turn', async () => {
    const h = harness(10);
    void h.writer('a', 1, 1);
    await Promise.resolve();
    expect(h.ran).toEqual([]);
    expect(h.turns.pending).toBe(1);
    expect(await h.runTurn()).toEqual(['a0']);
  });

  it('runs steps of many writers in one turn until the slice is used, the rest in later turns', async () => {
    const h = harness(10);
    const writers = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => h.writer(n, 1, 4));
    // 4 ms each: the third step brings the turn to 12 ms, past the 10 ms slice.
    expect(await h.runTurn()).toEqual(['a0', 'b0', 'c0']);
    expect(await h.runTurn()).toEqual(['d0', 'e0', 'f0']);
    await Promise.all(writers);
    expect(h.turns.pending).toBe(0);
  });

  it('serves waiters in the order they asked, a writer’s next step behind those already waiting', async () => {
    const h = harness(10);
    const done = Promise.all([h.writer('a', 2, 6), h.writer('b', 2, 6), h.writer('c', 1, 6)]);
    expect(await h.runTurn()).toEqual(['a0', 'b0']);
    expect(await h.runTurn()).toEqual(['c0', 'a1']);
    expect(await h.runTurn()).toEqual(['b1']);
    await done;
  });

  it('lets a lone writer take several quick steps in one turn', async () => {
    const h = harness(10);
    const done = h.writer('a', 5, 1);
    const first = await h.runTurn();
    expect(first.length).toBeGreaterThan(1);
    while (h.ran.length < 5) await h.runTurn();
    await done;
    expect(h.ran).toEqual(['a0', 'a1', 'a2', 'a3', 'a4']);
  });

  it('a step longer than the slice still runs, alone in its turn', async () => {
    const h = harness(10);
    const done = Promise.all([h.writer('a', 1, 50), h.writer('b', 1, 1)]);
    expect(await h.runTurn()).toEqual(['a0']);
    expect(await h.runTurn()).toEqual(['b0']);
    await done;
  });
});
