import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../testing/ManualClock.js';
import { installRateLimit } from './rateLimit.js';

function server(clock: ManualClock) {
  const app = Fastify();
  installRateLimit(app, { requestsPerSecond: 2, burst: 3, maxCallers: 2 }, clock);
  app.get('/x', async () => ({ ok: true }));
  app.get('/health', async () => ({ status: 'UP' }));
  return app;
}

describe('per-caller rate limit', () => {
  it('lets a burst through, then answers 429 with Retry-After until tokens refill', async () => {
    const clock = new ManualClock(1_000_000);
    const app = server(clock);
    const as = (user: string) => app.inject({ method: 'GET', url: '/x', headers: { 'x-spinnaker-user': user } });
    for (let i = 0; i < 3; i++) expect((await as('alice')).statusCode).toBe(200);
    const limited = await as('alice');
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('1');
    expect(limited.json()).toMatchObject({ status: 429, error: 'Too Many Requests' });
    // Another caller has its own bucket; health is never limited.
    expect((await as('bob')).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health', headers: { 'x-spinnaker-user': 'alice' } })).statusCode).toBe(200);
    clock.advance(500); // one token at 2 per second
    expect((await as('alice')).statusCode).toBe(200);
    expect((await as('alice')).statusCode).toBe(429);
  });

  it('keys anonymous callers by address and forgets the least recently seen beyond maxCallers', async () => {
    const clock = new ManualClock(0);
    const app = server(clock);
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/x', headers: { 'x-spinnaker-user': 'carol' } });
    expect((await app.inject({ method: 'GET', url: '/x', headers: { 'x-spinnaker-user': 'carol' } })).statusCode).toBe(429);
    await app.inject({ method: 'GET', url: '/x', headers: { 'x-spinnaker-user': 'dave' } });
    await app.inject({ method: 'GET', url: '/x' }); // anonymous (address): carol is forgotten
    expect((await app.inject({ method: 'GET', url: '/x', headers: { 'x-spinnaker-user': 'carol' } })).statusCode).toBe(200);
  });
});
