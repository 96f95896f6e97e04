import type { FastifyInstance } from 'fastify';
import { found, InputError, NotFoundError } from '../../../core/errors.js';
import type { TargetCoordinate } from '../../../core/read/ReadContributor.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { anyObject, arrayOf, documented, errorSchema, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

const TARGETS: ReadonlySet<string> = new Set<TargetCoordinate>(['current', 'previous', 'oldest', 'largest', 'fail']);

/**
 * `ClusterController`: an application's clusters in one account (summaries), one cluster across
 * providers or of one provider, its server groups (optionally in one region) and the server
 * group a target coordinate picks.
 */
export function registerClusterRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Params: { app: string; account: string } }>('/applications/:app/clusters/:account', documented(DOC.summaries), async (req) => {
    const list = await read.clusterSummaries(req.params.app, req.params.account);
    if (list.length === 0) throw new NotFoundError(`No clusters found (application: ${req.params.app}, account: ${req.params.account})`);
    return list;
  });
  app.get<{ Params: { app: string; account: string; cluster: string } }>('/applications/:app/clusters/:account/:cluster', documented(DOC.cluster), async (req) => {
    const { app: a, account, cluster } = req.params;
    const list = await read.clusters(a, account, cluster);
    if (list.length === 0) throw new NotFoundError(`Cluster ${cluster} not found`);
    return list;
  });
  const oneCluster = async (p: { app: string; account: string; cluster: string; cp: string }) => {
    const cluster = (await read.clusters(p.app, p.account, p.cluster, p.cp))[0];
    if (cluster === undefined) throw new NotFoundError(`Cluster ${p.cluster} not found for provider ${p.cp}`);
    return cluster;
  };
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string } }>('/applications/:app/clusters/:account/:cluster/:cp', documented(DOC.providerCluster), async (req) => oneCluster(req.params));
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string }; Querystring: { region?: string } }>('/applications/:app/clusters/:account/:cluster/:cp/serverGroups', documented(DOC.serverGroups), async (req) =>
    read.clusterServerGroups(await oneCluster(req.params), req.query.region === undefined ? {} : { region: req.query.region }),
  );
  // One server group when the region is given, else every region's of that name.
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; name: string }; Querystring: { region?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/serverGroups/:name',
    documented(DOC.serverGroup),
    async (req) => {
      const { region } = req.query;
      const matches = read.clusterServerGroups(await oneCluster(req.params), { name: req.params.name, ...(region === undefined ? {} : { region }) });
      if (matches.length === 0) throw new NotFoundError(`Server group ${req.params.name} not found`);
      return region === undefined ? matches : matches[0];
    },
  );
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; scope: string; target: string }; Querystring: { onlyEnabled?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/:scope/serverGroups/target/:target',
    documented(DOC.target),
    async (req) => {
      const { app: a, account, cluster, cp, scope, target } = req.params;
      if (!TARGETS.has(target)) throw new InputError(`unknown target ${target}; expected one of ${[...TARGETS].join(', ')}`);
      return found(await read.target(cp, a, account, cluster, scope, target as TargetCoordinate, req.query.onlyEnabled === 'true'), `Target ${target} in cluster ${cluster}`);
    },
  );
}

const TAGS = ['clusters'];
const clusterParams = { app: PARAM.app, account: PARAM.account, cluster: PARAM.cluster };

/** What the OpenAPI description says about each route (`ClusterController`). */
const DOC = {
  summaries: {
    summary: "An application's clusters in one account",
    description: '`ClusterController.getForAccount`: summaries `{name, accountName, type, serverGroups, loadBalancers}` of the clusters of an application in an account; 404 when there are none.',
    tags: TAGS,
    params: { app: PARAM.app, account: PARAM.account },
    responses: { 200: arrayOf('Cluster summaries'), 404: errorSchema('No clusters') },
  },
  cluster: {
    summary: 'One cluster, across providers',
    description: '`ClusterController.getForAccountAndName`: the cluster of that name from every provider that has it, with its server groups and load balancers; 404 when none has it.',
    tags: TAGS,
    params: clusterParams,
    responses: { 200: arrayOf('The cluster, once per provider'), 404: errorSchema('No such cluster') },
  },
  providerCluster: {
    summary: "One provider's cluster",
    description: '`ClusterController.getForAccountAndNameAndType`: the cluster as one cloud provider has it; 404 when it has none.',
    tags: TAGS,
    params: { ...clusterParams, cp: PARAM.cloudProvider },
    responses: { 200: anyObject('The cluster', { name: { type: 'string' }, accountName: { type: 'string' }, type: { type: 'string' }, serverGroups: { type: 'array', items: { type: 'object', additionalProperties: true } } }), 404: errorSchema('No such cluster') },
  },
  serverGroups: {
    summary: "A cluster's server groups",
    description: "`ClusterController.getServerGroups`: the server groups of one provider's cluster, of one region with `?region=`.",
    tags: TAGS,
    params: { ...clusterParams, cp: PARAM.cloudProvider },
    query: { region: 'Only this region (Kubernetes: namespace)' },
    responses: { 200: arrayOf('Server groups'), 404: errorSchema('No such cluster') },
  },
  serverGroup: {
    summary: 'A server group of a cluster by name',
    description: "`ClusterController.getServerGroup`: with `?region=` the one server group (an object), else every region's server group of that name (a list); 404 when none.",
    tags: TAGS,
    params: { ...clusterParams, cp: PARAM.cloudProvider, name: PARAM.serverGroup },
    query: { region: 'Only this region: the answer is then one object' },
    responses: { 200: anyObject('The server group (or a list of them without region)'), 404: errorSchema('No such server group') },
  },
  target: {
    summary: 'The server group a target coordinate picks',
    description:
      "`ClusterController.getTargetServerGroup`: in one scope (region or namespace) of the cluster, the `current`, `previous`, `oldest` or `largest` server group (`fail` when there is more than one), as Orca's target stages ask; `onlyEnabled=true` ignores disabled ones.",
    tags: TAGS,
    params: { ...clusterParams, cp: PARAM.cloudProvider, scope: 'The region or namespace', target: 'current, previous, oldest, largest or fail' },
    query: { onlyEnabled: '`true`: enabled server groups only' },
    responses: { 200: anyObject('The server group'), 400: errorSchema('Unknown target'), 404: errorSchema('None matches') },
  },
} satisfies Record<string, RouteDoc>;
