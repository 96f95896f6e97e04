import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ForegroundActivity } from '../core/ForegroundActivity.js';
import { Metrics } from '../observability/Metrics.js';
import { createServer } from './server.js';

describe('createServer', () => {
  it('tells the foreground activity of every request while it is served, failed ones included', async () => {
    let now = 0;
    const foreground = new ForegroundActivity(() => now, async () => undefined, 20);
    const app = createServer({ logger: pino({ level: 'silent' }), metrics: new Metrics(), bodyLimitBytes: 1024, foreground });
    const seen: boolean[] = [];
    app.get('/ok', async () => {
      seen.push(foreground.active());
      return { ok: true };
    });
    app.get('/fails', async () => {
      seen.push(foreground.active());
      throw new Error('boom');
    });
    await app.ready();
    try {
      expect((await app.inject({ method: 'GET', url: '/ok' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/fails' })).statusCode).toBe(500);
      expect((await app.inject({ method: 'GET', url: '/unknown' })).statusCode).toBe(404);
      expect(seen).toEqual([true, true]);
      // Every request ended: quiet once quietMs has passed.
      now += 20;
      expect(foreground.active()).toBe(false);
    } finally {
      await app.close();
    }
  });
});
