import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { arrayOf, documented, errorSchema, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

/**
 * `LoadBalancerController`: an application's load balancers across providers, one provider's
 * load balancers grouped by name, account and region, and one load balancer's details.
 */
export function registerLoadBalancerRoutes(app: FastifyInstance, read: ReadLayer, accountExists: (cloudProvider: string, name: string) => boolean): void {
  app.get<{ Params: { app: string } }>('/applications/:app/loadBalancers', { config: { readFilter: 'items' }, ...documented(DOC.application) }, async (req) => read.applicationLoadBalancers(req.params.app));
  const provider = (cp: string): string => {
    if (!read.cloudProviders().includes(cp)) throw new NotFoundError(`No load balancers for provider ${cp}`);
    return cp;
  };
  app.get<{ Params: { cp: string } }>('/:cp/loadBalancers', { config: { readFilter: 'loadBalancerTree' }, ...documented(DOC.tree) }, async (req) => read.loadBalancerTree(provider(req.params.cp)));
  app.get<{ Params: { cp: string; name: string } }>('/:cp/loadBalancers/:name', { config: { readFilter: 'loadBalancerTree' }, ...documented(DOC.byName) }, async (req) => read.loadBalancerTree(provider(req.params.cp), req.params.name));
  app.get<{ Params: { cp: string; account: string; region: string; name: string } }>('/:cp/loadBalancers/:account/:region/:name', documented(DOC.details), async (req) => {
    const { cp, account, region, name } = req.params;
    if (!accountExists(provider(cp), account)) throw new NotFoundError(`Account ${account} not found`);
    return read.loadBalancers(cp, { account, region, name });
  });
}

const TAGS = ['loadBalancers'];

/** What the OpenAPI description says about each route (`LoadBalancerController`). */
const DOC = {
  application: {
    summary: "An application's load balancers",
    description: "`LoadBalancerController.list` for an application: every provider's load balancers of the application (Kubernetes: services and ingresses), with the server groups behind them.",
    tags: TAGS,
    params: { app: PARAM.app },
    responses: { 200: arrayOf('Load balancers') },
  },
  tree: {
    summary: "One provider's load balancers by name, account and region",
    description: '`LoadBalancerController.list` for a provider: `[{name, accounts: [{name, regions: [{name, loadBalancers}]}]}]`; 404 for a provider without load balancers.',
    tags: TAGS,
    params: { cp: PARAM.cloudProvider },
    responses: { 200: arrayOf('Load balancer summaries by name'), 404: errorSchema('Unknown provider') },
  },
  byName: {
    summary: "One provider's load balancers of one name",
    description: '`LoadBalancerController.get`: the summary tree for one load balancer name.',
    tags: TAGS,
    params: { cp: PARAM.cloudProvider, name: 'The load balancer name' },
    responses: { 200: arrayOf('Load balancer summaries'), 404: errorSchema('Unknown provider') },
  },
  details: {
    summary: "One load balancer's details",
    description: '`LoadBalancerController.getDetailsInAccountAndRegionByName`: the details of the load balancers of that name in an account and region; 404 for an unknown account.',
    tags: TAGS,
    params: { cp: PARAM.cloudProvider, account: PARAM.account, region: PARAM.region, name: 'The load balancer name' },
    responses: { 200: arrayOf('Load balancer details'), 404: errorSchema('Unknown provider or account') },
  },
} satisfies Record<string, RouteDoc>;
