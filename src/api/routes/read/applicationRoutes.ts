import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

/**
 * `ApplicationsController`: `/applications` (each provider's applications; `expand` and
 * `restricted` are read by the authorization filter), `/applications/{app}` (merged across
 * providers, 404 when none has it) and `/applications/{app}/clusters` (names by account).
 */
export function registerApplicationRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get('/applications', { config: { readFilter: 'applications' } }, async () => read.applications());
  app.get<{ Params: { app: string } }>('/applications/:app', { config: { readFilter: 'application' } }, async (req) => {
    const view = await read.application(req.params.app);
    if (view === undefined) throw new NotFoundError(`Application does not exist (name: ${req.params.app})`);
    return view;
  });
  app.get<{ Params: { app: string } }>('/applications/:app/clusters', { config: { readFilter: 'accountKeys' } }, async (req) => read.clusterNames(req.params.app));
}
