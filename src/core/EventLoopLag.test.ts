import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventLoopLag } from './EventLoopLag.js';

afterEach(() => void vi.useRealTimers());

describe('EventLoopLag', () => {
  it('reports the largest lateness of the last window, and nothing once stopped', () => {
    vi.useFakeTimers();
    let now = 0;
    const lag = new EventLoopLag(20, 100, () => now);
    /** `times` readings of the 20 ms timer, each `lateMs` after it was due (the clock moves with the timers). */
    const readings = (times: number, lateMs = 0): void => {
      for (let i = 0; i < times; i++) {
        now += 20 + lateMs;
        vi.advanceTimersByTime(20);
      }
    };
    lag.start();
    readings(5);
    expect(lag.recentMs()).toBe(0);
    // One reading 300 ms late (the loop was held), then on time again: it counts for a window (five readings).
    readings(1, 300);
    expect(lag.recentMs()).toBe(300);
    readings(4);
    expect(lag.recentMs()).toBe(300);
    readings(1);
    expect(lag.recentMs()).toBe(0);
    lag.stop();
    expect(lag.recentMs()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
