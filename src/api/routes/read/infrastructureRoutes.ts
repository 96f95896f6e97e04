import type {} from '@fastify/swagger'; // its FastifySchema fields: tags, summary, description
import type { FastifyInstance } from 'fastify';
import type { ReadLayer } from '../../../core/read/ReadLayer.js';

const TAGS = ['infrastructure'];
const cloudProviderParam = { type: 'object', properties: { cloudProvider: { type: 'string', description: 'A cloud provider id (aws, kubernetes, ...)' } }, required: ['cloudProvider'] } as const;

/**
 * Infrastructure lists, merged from every provider: `SubnetController`, `NetworkController`,
 * `VpcController`, `KeyPairController`, `InstanceTypeController`, `ElasticIpController` and
 * `CertificateController`. Items of accounts the caller may not READ are left out (upstream
 * does not filter these lists; we do not show what Fiat would hide elsewhere).
 */
export function registerInfrastructureRoutes(app: FastifyInstance, read: ReadLayer): void {
  const infra = read.infrastructure;
  const items = { readFilter: 'items' } as const;
  app.get('/subnets', { config: items, schema: { tags: TAGS, summary: 'Every subnet', description: "Every provider's subnets (`SubnetController.list`; AWS: `AmazonSubnet`)." } }, () => infra.subnets());
  app.get<{ Params: { cloudProvider: string } }>(
    '/subnets/:cloudProvider',
    { config: items, schema: { tags: TAGS, summary: "One provider's subnets", description: 'The subnets of one cloud provider (`SubnetController.listByCloudProvider`).', params: cloudProviderParam } },
    (req) => infra.subnets(req.params.cloudProvider),
  );
  app.get(
    '/networks',
    { config: { readFilter: 'groupedItems' }, schema: { tags: TAGS, summary: 'Every network by cloud provider', description: '`{cloudProvider: [network]}`, each list sorted by name, id, account, region (`NetworkController.list`; AWS: VPCs as `AmazonVpc`).' } },
    () => infra.networksByCloudProvider(),
  );
  app.get<{ Params: { cloudProvider: string } }>(
    '/networks/:cloudProvider',
    { config: items, schema: { tags: TAGS, summary: "One provider's networks", description: 'The networks of one cloud provider (`NetworkController.listByCloudProvider`).', params: cloudProviderParam } },
    (req) => infra.networks(req.params.cloudProvider),
  );
  app.get('/vpcs', { config: items, schema: { tags: TAGS, summary: 'AWS VPCs (deprecated)', description: "The AWS provider's networks (`VpcController`, deprecated upstream in favour of `/networks/aws`)." } }, () => infra.networks('aws'));
  app.get('/keyPairs', { config: items, schema: { tags: TAGS, summary: 'Every key pair', description: "Every provider's key pairs (`KeyPairController`; AWS: `AmazonKeyPair`)." } }, () => infra.keyPairs());
  app.get('/instanceTypes', { config: items, schema: { tags: TAGS, summary: 'Every instance type', description: "Every provider's instance types per account and region (`InstanceTypeController`; AWS: `AmazonInstanceType`)." } }, () => infra.instanceTypes());
  app.get<{ Params: { account: string }; Querystring: { region?: string } }>(
    '/elasticIps/:account',
    {
      config: items,
      schema: {
        tags: TAGS,
        summary: "An account's elastic IPs",
        description: 'Elastic IPs of one account, of one region with `?region=` (`ElasticIpController`; AWS: `AmazonElasticIp`). Needs READ on the account.',
        params: { type: 'object', properties: { account: { type: 'string' } }, required: ['account'] },
        querystring: { type: 'object', properties: { region: { type: 'string' } } },
      },
    },
    (req) => infra.elasticIps(req.params.account, req.query.region),
  );
  app.get('/certificates', { schema: { tags: TAGS, summary: 'Every server certificate', description: "Every provider's server certificates sorted by name (`CertificateController.list`; AWS: IAM server certificates as `AmazonCertificate`)." } }, () => infra.certificates());
  app.get<{ Params: { cloudProvider: string } }>(
    '/certificates/:cloudProvider',
    { schema: { tags: TAGS, summary: "One provider's certificates", description: 'The server certificates of one cloud provider (`CertificateController.listByCloudProvider`).', params: cloudProviderParam } },
    (req) => infra.certificates(req.params.cloudProvider),
  );
}
