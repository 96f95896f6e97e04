import type { FastifyInstance } from 'fastify';
import type { Clock } from '../core/Clock.js';
import { errorBody } from './errorBody.js';

export interface RateLimitSettings {
  /** Sustained requests per second per caller. */
  readonly requestsPerSecond: number;
  /** Requests a caller may make at once before the sustained rate applies. */
  readonly burst: number;
  /** Callers tracked at most (the least recently seen are forgotten first). */
  readonly maxCallers: number;
}

/** Paths never limited: orchestrators and probes must always reach them. */
const EXEMPT = new Set(['/health', '/metrics']);

/**
 * Per-caller token buckets: the caller is `X-SPINNAKER-USER`, else the client address. A caller
 * over its rate gets 429 with `Retry-After` (seconds) and a JSON body; nothing is queued.
 */
export function installRateLimit(app: FastifyInstance, settings: RateLimitSettings, clock: Clock): void {
  const buckets = new Map<string, { tokens: number; at: number }>();
  app.addHook('onRequest', async (req, reply) => {
    if (EXEMPT.has(req.url.split('?')[0] ?? '')) return;
    const user = req.headers['x-spinnaker-user'];
    const caller = typeof user === 'string' && user !== '' ? `user:${user}` : `ip:${req.ip}`;
    const now = clock.now();
    const bucket = buckets.get(caller) ?? { tokens: settings.burst, at: now };
    buckets.delete(caller);
    bucket.tokens = Math.min(settings.burst, bucket.tokens + ((now - bucket.at) / 1000) * settings.requestsPerSecond);
    bucket.at = now;
    buckets.set(caller, bucket);
    if (buckets.size > settings.maxCallers) buckets.delete(buckets.keys().next().value ?? '');
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / settings.requestsPerSecond));
    return reply.status(429).header('retry-after', String(retryAfter)).send(errorBody(429, `Too many requests from ${caller.startsWith('user:') ? 'this user' : 'this address'}; retry in ${retryAfter} s`));
  });
}
