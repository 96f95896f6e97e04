import type { FastifyInstance } from 'fastify';
import { InputError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { firstParam, listParam } from '../../listParam.js';
import { documented, listQuery, type RouteDoc } from '../../openapi/routeDoc.js';

/**
 * `SearchController`: `type` is required (one or more); `pageSize` defaults to 10000 and `page`
 * to 1; `platform` limits the providers asked. Other parameters (Deck's `cloudProvider`, filters)
 * are accepted and ignored, as the Kubernetes search provider does.
 */
export function registerSearchRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Querystring: { q?: string | string[]; type?: string | string[]; pageSize?: string; page?: string; platform?: string | string[] } }>(
    '/search',
    { config: { readFilter: 'search' }, ...documented(DOC) },
    async (req) => {
      const types = listParam(req.query.type, 'type');
      if (types.length === 0) throw new InputError('type is required');
      const pageSize = Math.max(1, Number(req.query.pageSize ?? '10000') || 10000);
      const page = Math.max(1, Number(req.query.page ?? '1') || 1);
      return read.search(firstParam(req.query.q) ?? '', types, page, pageSize, firstParam(req.query.platform));
    },
  );
}

/** What the OpenAPI description says about the route. */
const DOC: RouteDoc = {
  summary: 'Search the cache',
  description:
    '`SearchController.search`: one page `[{platform, query, totalMatches, pageNumber, pageSize, results}]` of cache keys of the given types whose names contain `q`; one provider\'s set as is, several merged into one set with `platform: "aws"`. Only results the caller may READ.',
  tags: ['search'],
  query: {
    q: 'Text the results contain (case-insensitive)',
    type: listQuery('Result types: applications, clusters, serverGroups, instances, loadBalancers, securityGroups, ...'),
    pageSize: 'Results per page (default 10000)',
    page: 'Page number, from 1',
    platform: listQuery('Only this provider'),
  },
  requiredQuery: ['type'],
  responses: { 200: { description: 'One page per answer', type: 'array', items: { type: 'object', additionalProperties: true } }, 400: { description: 'No type' } },
};
