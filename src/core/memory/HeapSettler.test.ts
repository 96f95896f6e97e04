import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HeapSettler, majorGc } from './HeapSettler.js';

describe('HeapSettler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    heapUsed = 500;
  });
  afterEach(() => vi.useRealTimers());

  let heapUsed = 0;
  const limits = { maxHeapBytes: 1000, heapUsedBytes: () => heapUsed };
  const settler = (collect: () => void): HeapSettler => new HeapSettler({ minItems: 1000, quietMs: 3000, trimAfterMs: 10_000, obtainCollector: () => collect, ...limits });

  it('collects once, after loads of enough items have been quiet for the quiet time', () => {
    const collect = vi.fn();
    const s = settler(collect);
    s.loadedItems(600);
    s.loadedItems(600);
    vi.advanceTimersByTime(2000);
    s.loadedItems(100); // still loading: the quiet time starts again
    vi.advanceTimersByTime(2999);
    expect(collect).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(s.collections).toBe(1);
  });

  it('does not collect for small loads, and counts again from zero after a collection', () => {
    const collect = vi.fn();
    const s = settler(collect);
    s.loadedItems(999);
    vi.advanceTimersByTime(20_000);
    expect(collect).not.toHaveBeenCalled();
    s.loadedItems(1);
    vi.advanceTimersByTime(3000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000); // the trim
    expect(collect).toHaveBeenCalledTimes(2);
    s.loadedItems(999);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(2);
  });

  it('trims with a second collection once nothing has been loaded for the trim time after the first', () => {
    const collect = vi.fn();
    const s = settler(collect);
    s.loadedItems(5000);
    vi.advanceTimersByTime(3000);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(6000);
    s.loadedItems(10); // a small load: not quiet yet, the trim waits its full time again
    vi.advanceTimersByTime(9999);
    expect(collect).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(collect).toHaveBeenCalledTimes(2);
    expect(s.collections).toBe(2);
    vi.advanceTimersByTime(60_000);
    expect(collect).toHaveBeenCalledTimes(2); // once per settled load, not periodic
  });

  it('a big load before the trim settles again, and trims after that settling', () => {
    const collect = vi.fn();
    const s = settler(collect);
    s.loadedItems(5000);
    vi.advanceTimersByTime(3000);
    s.loadedItems(5000);
    vi.advanceTimersByTime(3000);
    expect(collect).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(3);
  });

  it('leaves a heap over its limit to V8 (an atomic collection there would hold the event loop for seconds), and collects once it is back under', () => {
    const collect = vi.fn();
    const s = settler(collect);
    heapUsed = 1001;
    s.loadedItems(5000);
    vi.advanceTimersByTime(3000);
    expect(collect).not.toHaveBeenCalled();
    heapUsed = 1000; // V8's own collections shrank it before the trim
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
    expect([s.collections, s.skipped]).toEqual([1, 1]);
  });

  it('does nothing when no collection can be had', () => {
    const s = new HeapSettler({ minItems: 1, quietMs: 10, trimAfterMs: 10, obtainCollector: () => undefined, ...limits });
    s.loadedItems(5);
    vi.advanceTimersByTime(10);
    expect(s.collections).toBe(0);
  });
});

describe('majorGc', () => {
  it('runs a full collection: unreachable old objects are gone afterwards', async () => {
    const gc = majorGc();
    expect(gc).toBeTypeOf('function');
    const ref = new WeakRef(Array.from({ length: 200_000 }, (_, i) => ({ i, s: `item-${i}` })));
    // A WeakRef keeps its target for the rest of the job that made or read it.
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
    expect(ref.deref()).toBeUndefined();
  });
});
