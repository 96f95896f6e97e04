import { describe, expect, it } from 'vitest';
import { ConnectAhead } from './ConnectAhead.js';

/** A connection attempt the test settles by hand. */
function attempt(): { connect: () => Promise<void>; started: boolean; settle: () => void } {
  let settle = (): void => undefined;
  const a = {
    started: false,
    settle: () => settle(),
    connect: () => {
      a.started = true;
      return new Promise<void>((resolve) => (settle = resolve));
    },
  };
  return a;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ConnectAhead', () => {
  it('makes at most `concurrency` connections at once, the next as one settles, in queue order', async () => {
    const ahead = new ConnectAhead(2);
    const attempts = [attempt(), attempt(), attempt(), attempt()];
    for (const a of attempts) ahead.enqueue(a.connect);
    expect(attempts.map((a) => a.started)).toEqual([true, true, false, false]);
    expect(ahead.pending).toBe(4);
    attempts[1]?.settle();
    await turn();
    expect(attempts.map((a) => a.started)).toEqual([true, true, true, false]);
    attempts[0]?.settle();
    attempts[2]?.settle();
    await turn();
    expect(attempts[3]?.started).toBe(true);
    attempts[3]?.settle();
    await turn();
    expect(ahead.pending).toBe(0);
  });
});
