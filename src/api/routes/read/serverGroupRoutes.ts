import type { FastifyInstance } from 'fastify';
import { found, InputError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { firstParam, listParam } from '../../listParam.js';
import { anyObject, arrayOf, documented, errorSchema, listQuery, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

/**
 * `ServerGroupController` and `ServerGroupManagerController`: summaries of an application's
 * server groups (optionally some clusters or one provider), summaries by application or by id,
 * one server group in full, and an application's server group managers.
 */
export function registerServerGroupRoutes(app: FastifyInstance, read: ReadLayer): void {
  // `clusters` given repeated (`clusters=a&clusters=b`) is one list, as Spring binds a repeated String parameter.
  app.get<{ Params: { app: string }; Querystring: { clusters?: string | string[]; cloudProvider?: string | string[] } }>(
    '/applications/:app/serverGroups',
    { config: { readFilter: 'items' }, ...documented(DOC.application) },
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
  app.get<{ Querystring: { applications?: string | string[]; ids?: string | string[] } }>('/serverGroups', { config: { readFilter: 'items' }, ...documented(DOC.list) }, async (req) => {
    const applications = listParam(req.query.applications, 'applications');
    const ids = listParam(req.query.ids, 'ids');
    if ((applications.length === 0) === (ids.length === 0)) throw new InputError("Provide either 'applications' or 'ids' parameter (but not both)");
    if (applications.length > 0) return (await Promise.all(applications.map((a) => read.applicationServerGroups(a)))).flat();
    return read.serverGroupsByIds(ids);
  });
  const serverGroup = async (req: { params: { account: string; region: string; name: string } }) =>
    found(await read.serverGroup(req.params.account, req.params.region, req.params.name), `Server group ${req.params.name} in ${req.params.account}/${req.params.region}`);
  app.get<{ Params: { account: string; region: string; name: string } }>('/serverGroups/:account/:region/:name', { config: { readFilter: 'single' }, ...documented(DOC.one) }, serverGroup);
  app.get<{ Params: { app: string; account: string; region: string; name: string } }>('/applications/:app/serverGroups/:account/:region/:name', { config: { readFilter: 'single' }, ...documented(DOC.oneOfApplication) }, serverGroup);
  app.get<{ Params: { app: string } }>('/applications/:app/serverGroupManagers', { config: { readFilter: 'items' }, ...documented(DOC.managers) }, async (req) => read.serverGroupManagers(req.params.app));
}

const TAGS = ['serverGroups'];
const oneParams = { account: PARAM.account, region: PARAM.region, name: PARAM.serverGroup };

/** What the OpenAPI description says about each route (`ServerGroupController`, `ServerGroupManagerController`). */
const DOC = {
  application: {
    summary: "An application's server groups",
    description: "`ServerGroupController.list` for an application: summaries of its server groups across providers (Deck's clusters view), of some clusters with `clusters=`, of one provider with `cloudProvider=`.",
    tags: TAGS,
    params: { app: PARAM.app },
    query: { clusters: listQuery('Only these clusters (repeated or comma-separated)'), cloudProvider: 'Only this provider' },
    responses: { 200: arrayOf('Server group summaries') },
  },
  list: {
    summary: 'Server groups by application or by id',
    description: "`ServerGroupController.getServerGroups`: summaries of the server groups of `applications`, or of the server groups `ids` (`account:region:name`); exactly one of the two (400 otherwise).",
    tags: TAGS,
    query: { applications: listQuery('Application names'), ids: listQuery('Server group ids `account:region:name`') },
    responses: { 200: arrayOf('Server group summaries'), 400: errorSchema('Neither or both of applications and ids') },
  },
  one: {
    summary: 'One server group',
    description: '`ServerGroupController.getServerGroupByAccountRegionName`: one server group in full (instances, load balancers, capacity, launch config or manifest); 404 when unknown.',
    tags: TAGS,
    params: oneParams,
    responses: { 200: anyObject('The server group'), 404: errorSchema('No such server group') },
  },
  oneOfApplication: {
    summary: 'One server group of an application',
    description: '`ServerGroupController.getServerGroupByApplication`: as `/serverGroups/{account}/{region}/{name}`, under the application (application READ).',
    tags: TAGS,
    params: { app: PARAM.app, ...oneParams },
    responses: { 200: anyObject('The server group'), 404: errorSchema('No such server group') },
  },
  managers: {
    summary: "An application's server group managers",
    description: "`ServerGroupManagerController.getForApplication`: controllers that manage server groups (Kubernetes: deployments), with the server groups they manage.",
    tags: TAGS,
    params: { app: PARAM.app },
    responses: { 200: arrayOf('Server group managers') },
  },
} satisfies Record<string, RouteDoc>;
