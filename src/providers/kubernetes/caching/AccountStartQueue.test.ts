import { afterEach, describe, expect, it, vi } from 'vitest';
import { AccountStartQueue } from './AccountStartQueue.js';

/** An account whose first sync ends when the test says. */
class Account {
  led = false;
  private synced: (() => void) | undefined;
  constructor(readonly name: string) {}
  lead(): void {
    this.led = true;
  }
  waitForInitialSync(): Promise<boolean> {
    return new Promise((resolve) => (this.synced = () => resolve(true)));
  }
  sync(): void {
    this.synced?.();
  }
}

const accounts = (n: number) => Array.from({ length: n }, (_, i) => new Account(`a${i}`));
const led = (list: Account[]) => list.filter((a) => a.led).length;

afterEach(() => void vi.useRealTimers());

/**
 * Lets `n` event-loop turns pass on the fake clock, a millisecond each (the fake clock runs an
 * immediate set by another only once time moves on).
 */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await vi.advanceTimersByTimeAsync(1);
}

describe('AccountStartQueue', () => {
  it('starts at most `concurrency` accounts, the next as one syncs', async () => {
    vi.useFakeTimers();
    const list = accounts(5);
    const q = new AccountStartQueue<Account>({ concurrency: 2, stillWanted: () => true });
    for (const a of list) q.enqueue(a);
    await turns(5);
    expect(led(list)).toBe(2);
    list[0]?.sync();
    await turns(5);
    expect(led(list)).toBe(3);
    expect(q.inProgress).toBe(2);
  });

  it('holds starts beyond `minRunning` while the event loop runs late, and goes on once it does not', async () => {
    vi.useFakeTimers();
    const list = accounts(10);
    let lag = 400;
    const busy: boolean[] = [];
    const q = new AccountStartQueue<Account>({ concurrency: 8, stillWanted: () => true, lagMs: () => lag, minRunning: 2, lagTargetMs: 50, retryMs: 50, onBusy: (b) => busy.push(b) });
    for (const a of list) q.enqueue(a);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(led(list)).toBe(2);
    lag = 10;
    await vi.advanceTimersByTimeAsync(50);
    await turns(10);
    expect(led(list)).toBe(8);
    for (const a of list) a.sync();
    await turns(5);
    expect(led(list)).toBe(10);
    for (const a of list) a.sync();
    await turns(1);
    expect(busy.at(0)).toBe(true);
    expect(busy.at(-1)).toBe(false);
  });

  it('starts one account per event-loop turn, so the starts of many do not make one long task', async () => {
    const list = accounts(6);
    const q = new AccountStartQueue<Account>({ concurrency: 4, stillWanted: () => true });
    for (const a of list) q.enqueue(a);
    const perTurn: number[] = [];
    for (let i = 0; i < 6; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      perTurn.push(led(list));
    }
    expect(perTurn).toEqual([1, 2, 3, 4, 4, 4]);
  });

  it('skips accounts no longer wanted when their turn comes', async () => {
    vi.useFakeTimers();
    const list = accounts(3);
    const q = new AccountStartQueue<Account>({ concurrency: 1, stillWanted: (a) => a.name !== 'a1' });
    for (const a of list) q.enqueue(a);
    await turns(2);
    list[0]?.sync();
    await turns(2);
    expect(list.map((a) => a.led)).toEqual([true, false, true]);
  });
});
