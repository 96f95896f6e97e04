import { describe, expect, it } from 'vitest';
import { majorGc } from './HeapSettler.js';
import { StringInterner } from './StringInterner.js';

describe('StringInterner', () => {
  it('keeps one copy of each value: parsed copies held through it take no heap of their own', () => {
    const gc = majorGc();
    if (gc === undefined) throw new Error('no major collection available');
    const live = (): number => {
      let min = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        gc();
        min = Math.min(min, process.memoryUsage().heapUsed);
      }
      return min;
    };
    // 100,000 objects, each with its own parsed copy of one of ten 40-character values.
    const parse = (i: number): { t: string } => JSON.parse(`{"t":"2026-12-04T19:10:27Z ContainersReady ${i % 10}"}`) as { t: string };
    const base = live();
    let held: { t: string }[] = Array.from({ length: 100_000 }, (_, i) => parse(i));
    const copies = live() - base;
    held = [];
    const interner = new StringInterner();
    held = Array.from({ length: 100_000 }, (_, i) => {
      const o = parse(i);
      interner.internValues(o);
      return o;
    });
    const shared = live() - base;
    expect(held[3]?.t).toBe('2026-12-04T19:10:27Z ContainersReady 3');
    // The copies' ~5.6 MB (56 bytes each) are gone; the objects themselves stay.
    expect(shared).toBeLessThan(copies * 0.6);
    expect(interner.size).toBe(10);
  });

  it('walks nested objects and arrays and leaves short, long and non-string values alone', () => {
    const interner = new StringInterner(100, 11, 40);
    const o = JSON.parse(
      JSON.stringify({ a: 'short', b: 'x'.repeat(41), c: 12, d: null, e: true, f: [{ g: 'ContainersReady' }, 'PodScheduled', ['MinimumReplicasAvailable']], h: { i: { j: 'ContainersReady' } } }),
    ) as Record<string, unknown>;
    const before = JSON.stringify(o);
    interner.internValues(o);
    expect(JSON.stringify(o)).toBe(before);
    // ContainersReady (twice), PodScheduled, MinimumReplicasAvailable: 'short' and the 41 x's are not kept.
    expect(interner.size).toBe(3);
  });

  it('starts again empty once it holds maxEntries values (bounded)', () => {
    const interner = new StringInterner(1_000);
    for (let i = 0; i < 2_500; i++) interner.intern(`value-number-${i}`);
    expect(interner.size).toBe(500);
    expect(interner.intern('value-number-2499')).toBe('value-number-2499');
    expect(interner.size).toBe(500);
  });
});
