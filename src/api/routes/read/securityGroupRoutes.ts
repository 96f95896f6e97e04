import { found } from '../../../core/errors.js';
import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

/**
 * `SecurityGroupController`: summaries keyed `{account: {cloudProvider: {region: [...]}}}`, the
 * narrower trees of one account or one account and provider (optionally one region), and one
 * security group by name or id.
 */
export function registerSecurityGroupRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Querystring: { region?: string } }>('/securityGroups', { config: { readFilter: 'accountKeys' } }, async (req) =>
    read.securityGroupTree(req.query.region === undefined ? {} : { region: req.query.region }),
  );
  app.get<{ Params: { account: string } }>('/securityGroups/:account', async (req) => (await read.securityGroupTree({ account: req.params.account }))[req.params.account] ?? {});
  app.get<{ Params: { account: string; cp: string }; Querystring: { region?: string } }>('/securityGroups/:account/:cp', async (req) => {
    const { account, cp } = req.params;
    return (await read.securityGroupTree({ account, cloudProvider: cp, ...(req.query.region === undefined ? {} : { region: req.query.region }) }))[account]?.[cp] ?? {};
  });
  app.get<{ Params: { account: string; cp: string; region: string; name: string } }>('/securityGroups/:account/:cp/:region/:name', { config: { readFilter: 'single' } }, async (req) => {
    const { account, cp, region, name } = req.params;
    return found(await read.securityGroup(cp, account, region, name), `Security group ${name}`);
  });
}
