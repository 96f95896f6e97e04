import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';
import { arrayOf, documented, type RouteDoc } from '../../openapi/routeDoc.js';

const TAGS = ['infrastructure'];
const CLOUD_PROVIDER = { cloudProvider: 'A cloud provider id (aws, kubernetes, ...)' };
const doc = (summary: string, description: string, extra: Partial<RouteDoc> = {}) => documented({ summary, description, tags: TAGS, responses: { 200: arrayOf(summary) }, ...extra });
const items = { readFilter: 'items' } as const;

/**
 * Infrastructure lists, merged from every provider: `SubnetController`, `NetworkController`,
 * `VpcController`, `KeyPairController`, `InstanceTypeController`, `ElasticIpController` and
 * `CertificateController`. Items of accounts the caller may not READ are left out (upstream
 * does not filter these lists; we do not show what Fiat would hide elsewhere).
 */
export function registerInfrastructureRoutes(app: FastifyInstance, read: ReadLayer): void {
  const infra = read.infrastructure;
  app.get('/subnets', { config: items, ...doc('Every subnet', "Every provider's subnets (`SubnetController.list`; AWS: `AmazonSubnet`).") }, () => infra.subnets());
  app.get<{ Params: { cloudProvider: string } }>(
    '/subnets/:cloudProvider',
    { config: items, ...doc("One provider's subnets", 'The subnets of one cloud provider (`SubnetController.listByCloudProvider`).', { params: CLOUD_PROVIDER }) },
    (req) => infra.subnets(req.params.cloudProvider),
  );
  app.get(
    '/networks',
    {
      config: { readFilter: 'groupedItems' },
      ...documented({
        summary: 'Every network by cloud provider',
        description: '`{cloudProvider: [network]}`, each list sorted by name, id, account, region (`NetworkController.list`; AWS: VPCs as `AmazonVpc`).',
        tags: TAGS,
        responses: { 200: { description: 'Networks by cloud provider', type: 'object', additionalProperties: arrayOf('Networks') } },
      }),
    },
    () => infra.networksByCloudProvider(),
  );
  app.get<{ Params: { cloudProvider: string } }>(
    '/networks/:cloudProvider',
    { config: items, ...doc("One provider's networks", 'The networks of one cloud provider (`NetworkController.listByCloudProvider`).', { params: CLOUD_PROVIDER }) },
    (req) => infra.networks(req.params.cloudProvider),
  );
  app.get('/vpcs', { config: items, ...doc('AWS VPCs (deprecated)', "The AWS provider's networks (`VpcController`, deprecated upstream in favour of `/networks/aws`).") }, () => infra.networks('aws'));
  app.get('/keyPairs', { config: items, ...doc('Every key pair', "Every provider's key pairs (`KeyPairController`; AWS: `AmazonKeyPair`).") }, () => infra.keyPairs());
  app.get('/instanceTypes', { config: items, ...doc('Every instance type', "Every provider's instance types per account and region (`InstanceTypeController`; AWS: `AmazonInstanceType`).") }, () => infra.instanceTypes());
  app.get<{ Params: { account: string }; Querystring: { region?: string } }>(
    '/elasticIps/:account',
    {
      config: items,
      ...doc("An account's elastic IPs", 'Elastic IPs of one account, of one region with `?region=` (`ElasticIpController`; AWS: `AmazonElasticIp`). Needs READ on the account.', {
        params: { account: 'The account name' },
        query: { region: 'Only this region' },
      }),
    },
    (req) => infra.elasticIps(req.params.account, req.query.region),
  );
  app.get('/certificates', doc('Every server certificate', "Every provider's server certificates sorted by name (`CertificateController.list`; AWS: IAM server certificates as `AmazonCertificate`)."), () => infra.certificates());
  app.get<{ Params: { cloudProvider: string } }>(
    '/certificates/:cloudProvider',
    doc("One provider's certificates", 'The server certificates of one cloud provider (`CertificateController.listByCloudProvider`).', { params: CLOUD_PROVIDER }),
    (req) => infra.certificates(req.params.cloudProvider),
  );
}
