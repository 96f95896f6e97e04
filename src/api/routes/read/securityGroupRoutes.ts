import { found } from '../../../core/errors.js';
import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { anyObject, documented, errorSchema, PARAM, type RouteDoc } from '../../openapi/routeDoc.js';

/**
 * `SecurityGroupController`: summaries keyed `{account: {cloudProvider: {region: [...]}}}`, the
 * narrower trees of one account or one account and provider (optionally one region), and one
 * security group by name or id.
 */
export function registerSecurityGroupRoutes(app: FastifyInstance, read: ReadLayer): void {
  app.get<{ Querystring: { region?: string } }>('/securityGroups', { config: { readFilter: 'accountKeys' }, ...documented(DOC.all) }, async (req) =>
    read.securityGroupTree(req.query.region === undefined ? {} : { region: req.query.region }),
  );
  app.get<{ Params: { account: string } }>('/securityGroups/:account', documented(DOC.account), async (req) => (await read.securityGroupTree({ account: req.params.account }))[req.params.account] ?? {});
  app.get<{ Params: { account: string; cp: string }; Querystring: { region?: string } }>('/securityGroups/:account/:cp', documented(DOC.provider), async (req) => {
    const { account, cp } = req.params;
    return (await read.securityGroupTree({ account, cloudProvider: cp, ...(req.query.region === undefined ? {} : { region: req.query.region }) }))[account]?.[cp] ?? {};
  });
  app.get<{ Params: { account: string; cp: string; region: string; name: string }; Querystring: { vpcId?: string } }>('/securityGroups/:account/:cp/:region/:name', { config: { readFilter: 'single' }, ...documented(DOC.one) }, async (req) => {
    const { account, cp, region, name } = req.params;
    // `vpcId` defaults to `*` (any network), as the controller's request parameter does.
    const vpcId = typeof req.query.vpcId === 'string' && req.query.vpcId !== '' && req.query.vpcId !== '*' ? req.query.vpcId : undefined;
    return found(await read.securityGroup(cp, account, region, name, vpcId), `Security group ${name}`);
  });
}

const TAGS = ['securityGroups'];
const tree = (description: string) => ({ description, type: 'object', additionalProperties: true });

/** What the OpenAPI description says about each route (`SecurityGroupController`). */
const DOC = {
  all: {
    summary: 'Every security group',
    description: '`SecurityGroupController.list`: summaries keyed `{account: {cloudProvider: {region: [...]}}}`, of one region with `?region=`; accounts the caller may READ.',
    tags: TAGS,
    query: { region: 'Only this region' },
    responses: { 200: tree('{account: {cloudProvider: {region: [summary]}}}') },
  },
  account: {
    summary: "An account's security groups",
    description: '`SecurityGroupController.listByAccount`: `{cloudProvider: {region: [...]}}` of one account (`{}` when it has none).',
    tags: TAGS,
    params: { account: PARAM.account },
    responses: { 200: tree('{cloudProvider: {region: [summary]}}') },
  },
  provider: {
    summary: "An account's security groups of one provider",
    description: '`SecurityGroupController.listByAccountAndCloudProvider`: `{region: [...]}`, of one region with `?region=`.',
    tags: TAGS,
    params: { account: PARAM.account, cp: PARAM.cloudProvider },
    query: { region: 'Only this region' },
    responses: { 200: tree('{region: [summary]}') },
  },
  one: {
    summary: 'One security group',
    description: '`SecurityGroupController.get`: one security group by name (or id) with its rules, in the VPC of `?vpcId=` (default `*`, any); 404 when unknown.',
    tags: TAGS,
    params: { account: PARAM.account, cp: PARAM.cloudProvider, region: PARAM.region, name: 'The security group name or id' },
    query: { vpcId: 'Only the group in this VPC (default `*`: any)' },
    responses: { 200: anyObject('The security group'), 404: errorSchema('No such security group') },
  },
} satisfies Record<string, RouteDoc>;
