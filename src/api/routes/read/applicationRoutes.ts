import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { anyObject, arrayOf, documented, errorSchema, PARAM } from '../../openapi/routeDoc.js';

/**
 * `ApplicationsController`: `/applications` (each provider's applications; `expand` and
 * `restricted` are read by the authorization filter), `/applications/{app}` (merged across
 * providers, 404 when none has it) and `/applications/{app}/clusters` (names by account).
 */
export function registerApplicationRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get(
    '/applications',
    {
      config: { readFilter: 'applications' },
      ...documented({
        summary: 'Every application',
        description:
          "`ApplicationsController.list`: each provider's applications (not merged across providers) as `{name, attributes, clusterNames}`; `expand=false` drops the cluster names, `restricted=false` keeps applications the caller may not READ out of the filter. Only applications the caller may READ.",
        tags: ['applications'],
        query: { expand: '`false`: without cluster names', restricted: '`false`: also applications without permissions' },
        responses: { 200: arrayOf('Applications', anyObject('An application', { name: { type: 'string' }, attributes: { type: 'object', additionalProperties: true }, clusterNames: { type: 'object', additionalProperties: true } })) },
      }),
    },
    async () => read.applications(),
  );
  app.get<{ Params: { app: string } }>(
    '/applications/:app',
    {
      config: { readFilter: 'application' },
      ...documented({
        summary: 'One application',
        description: '`ApplicationsController.get`: the application merged across providers (attributes, `clusters` by account, `cloudProviders`); 404 when no provider has it.',
        tags: ['applications'],
        params: { app: PARAM.app },
        responses: { 200: anyObject('The application', { name: { type: 'string' }, attributes: { type: 'object', additionalProperties: true }, clusters: { type: 'object', additionalProperties: true } }), 404: errorSchema('No provider has it') },
      }),
    },
    async (req) => {
      const view = await read.application(req.params.app);
      if (view === undefined) throw new NotFoundError(`Application does not exist (name: ${req.params.app})`);
      return view;
    },
  );
  app.get<{ Params: { app: string } }>(
    '/applications/:app/clusters',
    {
      config: { readFilter: 'accountKeys' },
      ...documented({
        summary: "An application's cluster names by account",
        description: '`ClusterController.listByAccount`: `{account: [cluster name]}` for the accounts the caller may READ.',
        tags: ['clusters'],
        params: { app: PARAM.app },
        responses: { 200: { description: 'Cluster names by account', type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } } },
      }),
    },
    async (req) => read.clusterNames(req.params.app),
  );
}
