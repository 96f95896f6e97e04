import { describe, expect, it } from 'vitest';
import { RateLimiter } from './RateLimiter.js';

describe('RateLimiter', () => {
  it('lets a burst through, then spaces calls at the rate', async () => {
    let now = 0;
    const limiter = new RateLimiter(1000, 2, () => now);
    await limiter.acquire();
    await limiter.acquire();
    let third = false;
    const pending = limiter.acquire().then(() => (third = true));
    await new Promise((r) => setTimeout(r, 5));
    // No time passed on the limiter's clock: still waiting.
    expect(third).toBe(false);
    now += 1;
    await pending;
    expect(third).toBe(true);
  });

  it('rejects a wait when its signal aborts, and lets later calls through', async () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1, () => now);
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
    now += 1000;
    await limiter.acquire();
  });

  it('is unlimited at rate 0', async () => {
    const limiter = new RateLimiter(0, 1, () => 0);
    for (let i = 0; i < 100; i++) await limiter.acquire();
  });
});
