import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventLoopLag } from './EventLoopLag.js';

afterEach(() => void vi.useRealTimers());

describe('EventLoopLag', () => {
  it('reports the largest lateness of the last window, and nothing once stopped', () => {
    vi.useFakeTimers();
    let now = 0;
    const lag = new EventLoopLag(20, 100, () => now);
    lag.start();
    // On time: the clock moves with the timers.
    for (let i = 0; i < 5; i++) {
      now += 20;
      vi.advanceTimersByTime(20);
    }
    expect(lag.recentMs()).toBe(0);
    // One reading 300 ms late (the loop was held), then on time again.
    now += 320;
    vi.advanceTimersByTime(20);
    expect(lag.recentMs()).toBe(300);
    for (let i = 0; i < 4; i++) {
      now += 20;
      vi.advanceTimersByTime(20);
    }
    expect(lag.recentMs()).toBe(300);
    now += 20;
    vi.advanceTimersByTime(20);
    expect(lag.recentMs()).toBe(0);
    lag.stop();
    expect(lag.recentMs()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
