/**
 * Clouddriver's AWS cache keys (`clouddriver-aws` `data/Keys.groovy` and `cache/Keys.groovy`) and
 * their parsed form, which `/search` answers. Namespace `aws`; types are Clouddriver's lowerCamel
 * `Namespace` names.
 */
import { keyCodec } from '../../core/cache/keys.js';
import { parseName } from './names.js';

export const AWS = 'aws';
const codec = keyCodec(AWS);

export const T = {
  applications: 'applications',
  clusters: 'clusters',
  serverGroups: 'serverGroups',
  instances: 'instances',
  launchConfigs: 'launchConfigs',
  launchTemplates: 'launchTemplates',
  loadBalancers: 'loadBalancers',
  targetGroups: 'targetGroups',
  health: 'health',
  securityGroups: 'securityGroups',
  images: 'images',
  namedImages: 'namedImages',
  subnets: 'subnets',
  vpcs: 'vpcs',
  keyPairs: 'keyPairs',
  instanceTypes: 'instanceTypes',
  elasticIps: 'elasticIps',
  certificates: 'certificates',
} as const;

/** Health provider ids in health keys (`AmazonHealthIndicator` sources). */
export const HEALTH = {
  platform: 'amazon-instance',
  classic: 'aws-load-balancer-instance-health',
  targetGroup: 'aws-load-balancer-v2-target-group-instance-health',
} as const;

export const awsKeys = {
  application: (app: string) => codec.build(T.applications, app.toLowerCase()),
  cluster: (app: string, account: string, cluster: string) => codec.build(T.clusters, app.toLowerCase(), account, cluster),
  serverGroup: (name: string, account: string, region: string) => codec.build(T.serverGroups, parseName(name).cluster, account, region, name),
  instance: (account: string, region: string, id: string) => codec.build(T.instances, account, region, id),
  launchConfig: (account: string, region: string, name: string) => codec.build(T.launchConfigs, account, region, name),
  launchTemplate: (account: string, region: string, name: string) => codec.build(T.launchTemplates, account, region, name),
  /** `Keys.getLoadBalancerKey`: `:{vpcId}` when in a VPC, then `:{type}` unless classic. */
  loadBalancer: (account: string, region: string, name: string, vpcId?: string, type?: string) =>
    codec.build(T.loadBalancers, account, region, name, ...(vpcId ? [vpcId] : []), ...(type && type !== 'classic' ? [type] : [])),
  targetGroup: (account: string, region: string, name: string, targetType: string, vpcId?: string) =>
    codec.build(T.targetGroups, account, region, name, targetType, ...(vpcId ? [vpcId] : [])),
  health: (instanceId: string, account: string, region: string, provider: string) => codec.build(T.health, instanceId, account, region, provider),
  image: (account: string, region: string, imageId: string) => codec.build(T.images, account, region, imageId),
  namedImage: (account: string, name: string) => codec.build(T.namedImages, account, name),
  securityGroup: (name: string, id: string, region: string, account: string, vpcId?: string) => codec.build(T.securityGroups, name, id, region, account, vpcId ?? 'null'),
  subnet: (id: string, account: string, region: string) => codec.build(T.subnets, id, account, region),
  vpc: (id: string, account: string, region: string) => codec.build(T.vpcs, id, account, region),
  keyPair: (name: string, account: string, region: string) => codec.build(T.keyPairs, name, account, region),
  instanceType: (type: string, account: string, region: string) => codec.build(T.instanceTypes, type, account, region),
  elasticIp: (address: string, account: string, region: string) => codec.build(T.elasticIps, address, account, region),
  /** `Keys.getCertificateKey`: upstream writes these ids under the `subnets` prefix (stored as type `certificates`). */
  certificate: (id: string, account: string, region: string, certificateType: string) => codec.build(T.subnets, id, account, region, certificateType),
};

/** A glob over every key of a type (for `filterIdentifiers`), parts `*` where not given. */
export function keyGlob(type: string, ...parts: string[]): string {
  return codec.build(type, ...parts);
}

/**
 * `Keys.parse`: the fields a key names, as Clouddriver's search returns them (`provider`, `type`
 * and the type's own fields; server groups and clusters add the Frigga parts).
 */
export function parseAwsKey(key: string): Record<string, string> | undefined {
  const parts = codec.parse(key);
  if (parts === undefined) return undefined;
  const [type, ...p] = parts;
  const base = { provider: AWS, type: type ?? '' };
  const frigga = (name: string): Record<string, string> => {
    const n = parseName(name);
    return { application: n.app, ...(n.stack === undefined ? {} : { stack: n.stack }), ...(n.detail === undefined ? {} : { detail: n.detail }), ...(n.sequence === undefined ? {} : { sequence: String(n.sequence) }) };
  };
  switch (type) {
    case T.applications:
      return p.length === 1 ? { ...base, application: p[0] ?? '' } : undefined;
    case T.clusters:
      return p.length === 3 ? { ...base, ...frigga(p[2] ?? ''), application: p[0] ?? '', account: p[1] ?? '', cluster: p[2] ?? '' } : undefined;
    case T.serverGroups:
      return p.length === 4 ? { ...base, ...frigga(p[3] ?? ''), cluster: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '', serverGroup: p[3] ?? '' } : undefined;
    case T.instances:
      return p.length === 3 ? { ...base, account: p[0] ?? '', region: p[1] ?? '', instanceId: p[2] ?? '' } : undefined;
    case T.loadBalancers: {
      if (p.length < 3) return undefined;
      const n = parseName(p[2] ?? '');
      return {
        ...base,
        account: p[0] ?? '',
        region: p[1] ?? '',
        loadBalancer: p[2] ?? '',
        application: n.app,
        ...(n.stack === undefined ? {} : { stack: n.stack }),
        ...(n.detail === undefined ? {} : { detail: n.detail }),
        ...(p[3] === undefined ? {} : { vpcId: p[3] }),
        loadBalancerType: p[4] ?? 'classic',
      };
    }
    case T.targetGroups:
      return p.length >= 4 ? { ...base, account: p[0] ?? '', region: p[1] ?? '', targetGroup: p[2] ?? '', targetType: p[3] ?? '', ...(p[4] === undefined ? {} : { vpcId: p[4] }), application: parseName(p[2] ?? '').app } : undefined;
    case T.securityGroups:
      return p.length === 5 ? { ...base, application: parseName(p[0] ?? '').app, name: p[0] ?? '', id: p[1] ?? '', region: p[2] ?? '', account: p[3] ?? '', vpcId: p[4] ?? 'null' } : undefined;
    case T.launchConfigs:
    case T.launchTemplates:
      return p.length === 3 ? { ...base, account: p[0] ?? '', region: p[1] ?? '', [type === T.launchConfigs ? 'launchConfig' : 'launchTemplate']: p[2] ?? '', application: parseName(p[2] ?? '').app } : undefined;
    case T.images:
      return p.length === 3 ? { ...base, account: p[0] ?? '', region: p[1] ?? '', imageId: p[2] ?? '' } : undefined;
    case T.namedImages:
      return p.length === 2 ? { ...base, account: p[0] ?? '', imageName: p[1] ?? '' } : undefined;
    case T.health:
      return p.length === 4 ? { ...base, instanceId: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '', provider: p[3] ?? '' } : undefined;
    case T.subnets:
      // A fourth part marks a certificate id (the `getCertificateKey` quirk above).
      if (p.length === 4) return { ...base, type: T.certificates, id: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '', certificateType: p[3] ?? '' };
      return p.length === 3 ? { ...base, id: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '' } : undefined;
    case T.elasticIps:
      return p.length === 3 ? { ...base, address: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '' } : undefined;
    case T.vpcs:
      return p.length === 3 ? { ...base, id: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '' } : undefined;
    case T.keyPairs:
    case T.instanceTypes:
      return p.length === 3 ? { ...base, [type === T.keyPairs ? 'keyName' : 'instanceType']: p[0] ?? '', account: p[1] ?? '', region: p[2] ?? '' } : undefined;
    default:
      return undefined;
  }
}
