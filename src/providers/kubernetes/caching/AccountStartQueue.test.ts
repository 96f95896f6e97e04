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

describe('AccountStartQueue', () => {
  it('starts at most `concurrency` accounts, the next as one syncs', async () => {
    vi.useFakeTimers();
    const list = accounts(5);
    const q = new AccountStartQueue<Account>({ concurrency: 2, stillWanted: () => true });
    for (const a of list) q.enqueue(a);
    await vi.advanceTimersByTimeAsync(0);
    expect(led(list)).toBe(2);
    list[0]?.sync();
    await vi.advanceTimersByTimeAsync(0);
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
    expect(led(list)).toBe(8);
    for (const a of list) a.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(led(list)).toBe(10);
    for (const a of list) a.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(busy.at(0)).toBe(true);
    expect(busy.at(-1)).toBe(false);
  });

  it('skips accounts no longer wanted when their turn comes', async () => {
    vi.useFakeTimers();
    const list = accounts(3);
    const q = new AccountStartQueue<Account>({ concurrency: 1, stillWanted: (a) => a.name !== 'a1' });
    for (const a of list) q.enqueue(a);
    await vi.advanceTimersByTimeAsync(0);
    list[0]?.sync();
    await vi.advanceTimersByTimeAsync(0);
    expect(list.map((a) => a.led)).toEqual([true, false, true]);
  });
});
