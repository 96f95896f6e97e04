import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { OnDemandHandler } from '../../../core/read/ReadContributor.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

/**
 * `CacheController`: `POST /cache/{cloudProvider}/{type}` asks the provider's on-demand agents to
 * refresh one object (200 when the change is in the cache, 202 when pending); `GET` lists the
 * refreshes still pending, optionally one `id`.
 */
export function registerOnDemandRoutes(app: FastifyInstance, read: ReadLayer): void {
  const handler = (cp: string): OnDemandHandler => {
    const h = read.onDemand(cp);
    if (h === undefined) throw new NotFoundError(`No on-demand cache refresh for provider ${cp}`);
    return h;
  };
  app.post<{ Params: { cp: string; type: string }; Body: Record<string, unknown> | null }>('/cache/:cp/:type', async (req, reply) => {
    const outcome = await handler(req.params.cp).refresh(req.params.type, req.body ?? {});
    return reply.code(outcome.status).send(outcome.body);
  });
  app.get<{ Params: { cp: string; type: string }; Querystring: { id?: string } }>('/cache/:cp/:type', async (req) => handler(req.params.cp).pending(req.params.type, req.query.id));
}
