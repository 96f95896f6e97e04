import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { OnDemandHandler } from '../../../core/read/ReadContributor.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { anyObject, arrayOf, documented, errorSchema, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

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
  app.post<{ Params: { cp: string; type: string }; Body: Record<string, unknown> | null }>('/cache/:cp/:type', documented(DOC.refresh), async (req, reply) => {
    const outcome = await handler(req.params.cp).refresh(req.params.type, req.body ?? {});
    return reply.code(outcome.status).send(outcome.body);
  });
  app.get<{ Params: { cp: string; type: string }; Querystring: { id?: string } }>('/cache/:cp/:type', documented(DOC.pending), async (req) => handler(req.params.cp).pending(req.params.type, req.query.id));
}

const params = { cp: PARAM.cloudProvider, type: 'The on-demand type, e.g. manifest (Kubernetes), serverGroup, loadBalancer, securityGroup (AWS)' };

/** What the OpenAPI description says about each route (`CacheController`). */
const DOC = {
  refresh: {
    summary: 'Refresh one object in the cache (on demand)',
    description:
      "`CacheController.handleOnDemand`: the provider re-reads one object from the cloud and writes it to the cache. 200 when the change is in the cache, 202 when it is pending (poll `GET` with the same type); 404 for a provider without on-demand refresh. Kubernetes: `{account, location, name: \"kind name\"}`.",
    tags: ['cache'],
    params,
    body: anyObject("The object's coordinates (provider-specific)", { account: { type: 'string' }, credentials: { type: 'string' }, region: { type: 'string' }, location: { type: 'string' }, name: { type: 'string' } }),
    responses: { 200: anyObject('Refreshed'), 202: anyObject('Pending'), 404: errorSchema('No on-demand refresh for that provider') },
  },
  pending: {
    summary: 'Pending on-demand refreshes',
    description: '`CacheController.pendingOnDemands`: the on-demand records of that type still pending (or recent), optionally one `id`.',
    tags: ['cache'],
    params,
    query: { id: 'One record only' },
    responses: { 200: arrayOf('On-demand records'), 404: errorSchema('No on-demand refresh for that provider') },
  },
} satisfies Record<string, RouteDoc>;
