import type { FastifyInstance } from 'fastify';
import { found, InputError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { firstParam, listParam } from '../../listParam.js';

/**
 * `ServerGroupController` and `ServerGroupManagerController`: summaries of an application's
 * server groups (optionally some clusters or one provider), summaries by application or by id,
 * one server group in full, and an application's server group managers.
 */
export function registerServerGroupRoutes(app: FastifyInstance, read: ReadLayer): void {
  // `clusters` given repeated (`clusters=a&clusters=b`) is one list, as Spring binds a repeated String parameter.
  app.get<{ Params: { app: string }; Querystring: { clusters?: string | string[]; cloudProvider?: string | string[] } }>(
    '/applications/:app/serverGroups',
    { config: { readFilter: 'items' } },
    async (req, reply) => {
      const names = req.query.clusters === undefined ? undefined : listParam(req.query.clusters, 'clusters');
      const cloudProvider = firstParam(req.query.cloudProvider);
      const opts = { ...(names === undefined ? {} : { clusters: new Set(names) }), ...(cloudProvider === undefined ? {} : { cloudProvider }) };
      // The memoised body serves callers who see everything; others get objects, filtered on the way out.
      if (!(await req.permissions()).admin) return read.applicationServerGroups(req.params.app, opts);
      const body = await read.serialized(`appServerGroups|${req.params.app}|${names?.join(',') ?? ''}|${cloudProvider ?? ''}`, () => read.applicationServerGroups(req.params.app, opts));
      return reply.type('application/json; charset=utf-8').send(body);
    },
  );
  // Gate forwards lists as repeated parameters (`ids=a&ids=b`); Spring also accepts `ids=a,b`.
  app.get<{ Querystring: { applications?: string | string[]; ids?: string | string[] } }>('/serverGroups', { config: { readFilter: 'items' } }, async (req) => {
    const applications = listParam(req.query.applications, 'applications');
    const ids = listParam(req.query.ids, 'ids');
    if ((applications.length === 0) === (ids.length === 0)) throw new InputError("Provide either 'applications' or 'ids' parameter (but not both)");
    if (applications.length > 0) return (await Promise.all(applications.map((a) => read.applicationServerGroups(a)))).flat();
    return read.serverGroupsByIds(ids);
  });
  const serverGroup = async (req: { params: { account: string; region: string; name: string } }) =>
    found(await read.serverGroup(req.params.account, req.params.region, req.params.name), `Server group ${req.params.name} in ${req.params.account}/${req.params.region}`);
  app.get<{ Params: { account: string; region: string; name: string } }>('/serverGroups/:account/:region/:name', { config: { readFilter: 'single' } }, serverGroup);
  app.get<{ Params: { app: string; account: string; region: string; name: string } }>('/applications/:app/serverGroups/:account/:region/:name', { config: { readFilter: 'single' } }, serverGroup);
  app.get<{ Params: { app: string } }>('/applications/:app/serverGroupManagers', { config: { readFilter: 'items' } }, async (req) => read.serverGroupManagers(req.params.app));
}
