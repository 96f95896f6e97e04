import type { FastifyInstance } from 'fastify';
import { found, InputError, NotFoundError } from '../../../core/errors.js';
import type { TargetCoordinate } from '../../../core/read/ReadContributor.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

const TARGETS: ReadonlySet<string> = new Set<TargetCoordinate>(['current', 'previous', 'oldest', 'largest', 'fail']);

/**
 * `ClusterController`: an application's clusters in one account (summaries), one cluster across
 * providers or of one provider, its server groups (optionally in one region) and the server
 * group a target coordinate picks.
 */
export function registerClusterRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Params: { app: string; account: string } }>('/applications/:app/clusters/:account', async (req) => {
    const list = await read.clusterSummaries(req.params.app, req.params.account);
    if (list.length === 0) throw new NotFoundError(`No clusters found (application: ${req.params.app}, account: ${req.params.account})`);
    return list;
  });
  app.get<{ Params: { app: string; account: string; cluster: string } }>('/applications/:app/clusters/:account/:cluster', async (req) => {
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
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string } }>('/applications/:app/clusters/:account/:cluster/:cp', async (req) => oneCluster(req.params));
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string }; Querystring: { region?: string } }>('/applications/:app/clusters/:account/:cluster/:cp/serverGroups', async (req) =>
    read.clusterServerGroups(await oneCluster(req.params), req.query.region === undefined ? {} : { region: req.query.region }),
  );
  // One server group when the region is given, else every region's of that name.
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; name: string }; Querystring: { region?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/serverGroups/:name',
    async (req) => {
      const { region } = req.query;
      const matches = read.clusterServerGroups(await oneCluster(req.params), { name: req.params.name, ...(region === undefined ? {} : { region }) });
      if (matches.length === 0) throw new NotFoundError(`Server group ${req.params.name} not found`);
      return region === undefined ? matches : matches[0];
    },
  );
  app.get<{ Params: { app: string; account: string; cluster: string; cp: string; scope: string; target: string }; Querystring: { onlyEnabled?: string } }>(
    '/applications/:app/clusters/:account/:cluster/:cp/:scope/serverGroups/target/:target',
    async (req) => {
      const { app: a, account, cluster, cp, scope, target } = req.params;
      if (!TARGETS.has(target)) throw new InputError(`unknown target ${target}; expected one of ${[...TARGETS].join(', ')}`);
      return found(await read.target(cp, a, account, cluster, scope, target as TargetCoordinate, req.query.onlyEnabled === 'true'), `Target ${target} in cluster ${cluster}`);
    },
  );
}
