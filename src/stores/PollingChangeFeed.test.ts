import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../testing/ManualClock.js';
import { PollingChangeFeed, type ChangeFeedRow, type ChangeFeedTable } from './PollingChangeFeed.js';

/** An in-memory `cdts_change_feed` table that counts the polls' reads. */
function memoryTable(): ChangeFeedTable & { reads: number } {
  const rows: ChangeFeedRow[] = [];
  const table = {
    reads: 0,
    insert: async (batch: readonly { topic: string; message: string }[]) => {
      for (const r of batch) rows.push({ id: rows.length + 1, topic: r.topic, message: r.message });
    },
    maxId: async () => rows.length,
    readFrom: async (from: number, limit: number) => {
      table.reads++;
      return rows.filter((r) => r.id >= from).slice(0, limit);
    },
    readIds: async (ids: readonly number[]) => rows.filter((r) => ids.includes(r.id)),
    purge: async () => undefined,
    ping: async () => undefined,
  };
  return table;
}

describe('PollingChangeFeed idle back-off', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('doubles the poll interval up to idlePollIntervalMs while nothing arrives, and polls at once again after a publish', async () => {
    const table = memoryTable();
    const feed = new PollingChangeFeed({ name: 'test', table, clock: new ManualClock(0), pollIntervalMs: 50, idlePollIntervalMs: 400, maxMessageBytes: 10_000 });
    const got: string[] = [];
    await feed.subscribe('t', { onMessage: (m) => got.push(m) });
    const readsAfter = async (ms: number): Promise<number> => {
      await vi.advanceTimersByTimeAsync(ms);
      return table.reads;
    };
    // Polls at 50, then 100, 200, 400, 400 ms apart.
    expect(await readsAfter(50)).toBe(1);
    expect(await readsAfter(99)).toBe(1);
    expect(await readsAfter(1)).toBe(2);
    expect(await readsAfter(200)).toBe(3);
    expect(await readsAfter(400)).toBe(4);
    expect(await readsAfter(400)).toBe(5);
    expect(await readsAfter(400)).toBe(6);
    // A publish here brings the next poll to within pollIntervalMs, and the interval back down.
    await feed.publish('t', 'hello');
    await vi.advanceTimersByTimeAsync(50);
    expect(got).toEqual(['hello']);
    const afterMessage = table.reads;
    expect(await readsAfter(50)).toBe(afterMessage + 1);
    await feed.close();
  });

  it('never backs off without idlePollIntervalMs', async () => {
    const table = memoryTable();
    const feed = new PollingChangeFeed({ name: 'test', table, clock: new ManualClock(0), pollIntervalMs: 50, maxMessageBytes: 10_000 });
    await feed.subscribe('t', { onMessage: () => undefined });
    await vi.advanceTimersByTimeAsync(1000);
    expect(table.reads).toBe(20);
    await feed.close();
  });
});
