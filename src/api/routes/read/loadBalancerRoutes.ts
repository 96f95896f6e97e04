import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../core/errors.js';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

/**
 * `LoadBalancerController`: an application's load balancers across providers, one provider's
 * load balancers grouped by name, account and region, and one load balancer's details.
 */
export function registerLoadBalancerRoutes(app: FastifyInstance, read: ReadLayer, accountExists: (cloudProvider: string, name: string) => boolean): void {
  app.get<{ Params: { app: string } }>('/applications/:app/loadBalancers', { config: { readFilter: 'items' } }, async (req) => read.applicationLoadBalancers(req.params.app));
  const provider = (cp: string): string => {
    if (!read.cloudProviders().includes(cp)) throw new NotFoundError(`No load balancers for provider ${cp}`);
    return cp;
  };
  app.get<{ Params: { cp: string } }>('/:cp/loadBalancers', { config: { readFilter: 'loadBalancerTree' } }, async (req) => read.loadBalancerTree(provider(req.params.cp)));
  app.get<{ Params: { cp: string; name: string } }>('/:cp/loadBalancers/:name', { config: { readFilter: 'loadBalancerTree' } }, async (req) => read.loadBalancerTree(provider(req.params.cp), req.params.name));
  app.get<{ Params: { cp: string; account: string; region: string; name: string } }>('/:cp/loadBalancers/:account/:region/:name', async (req) => {
    const { cp, account, region, name } = req.params;
    if (!accountExists(provider(cp), account)) throw new NotFoundError(`Account ${account} not found`);
    return read.loadBalancers(cp, { account, region, name });
  });
}
