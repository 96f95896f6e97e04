/**
 * The AWS provider's infrastructure lists, read from the cache on every call: `AmazonSubnetProvider`
 * (`AmazonSubnet`), `AmazonVpcProvider` (`AmazonVpc`), `AmazonKeyPairProvider` (`AmazonKeyPair`),
 * `AmazonInstanceTypeProvider` (`AmazonInstanceType`), `AmazonElasticIpProvider`
 * (`AmazonElasticIp`) and `AmazonCertificateProvider` (`AmazonCertificate`).
 */
import type { Cache } from '../../../core/cache/Cache.js';
import type { CertificateModel, InfrastructureReader, NetworkModel } from '../../../core/read/ReadContributor.js';
import { AWS, keyGlob, parseAwsKey, T } from '../keys.js';

type Json = Record<string, unknown>;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const tags = (item: Json): { key: string; value: string }[] =>
  (Array.isArray(item.tags) ? item.tags : []).flatMap((t) => (typeof t === 'object' && t !== null && typeof (t as Json).key === 'string' ? [{ key: String((t as Json).key), value: String((t as Json).value ?? '') }] : []));
/** Groovy's `new Boolean(String)`: true only for "true", case-insensitive. */
const javaBoolean = (v: string | undefined): boolean => v?.toLowerCase() === 'true';

/** `AmazonSubnetProvider.fromCacheData`: purpose and target from the `immutable_metadata` tag, else from a `{a}.{b}.{c}` name tag. */
export function subnetView(key: string, a: Json): Json {
  const parts = parseAwsKey(key);
  const t = tags(a);
  let purpose: string | null = null;
  let target: string | null = null;
  const metadata = t.find((x) => x.key === 'immutable_metadata')?.value;
  if (metadata) {
    try {
      const m = JSON.parse(metadata) as Json;
      purpose = str(m.purpose);
      target = str(m.target);
    } catch {
      // Upstream logs and carries on without purpose or target.
    }
  }
  const name = t.find((x) => x.key.toLowerCase() === 'name')?.value;
  if (name && !purpose) {
    const splits = name.split('.');
    if (splits.length === 3) purpose = `${splits[1]} (${splits[0]})`;
  }
  return {
    type: AWS,
    id: a.subnetId ?? null,
    state: a.state ?? null,
    vpcId: a.vpcId ?? null,
    cidrBlock: a.cidrBlock ?? null,
    availableIpAddressCount: a.availableIpAddressCount ?? null,
    account: parts?.account ?? null,
    accountId: a.accountId ?? null,
    region: parts?.region ?? null,
    availabilityZone: a.availabilityZone ?? null,
    purpose,
    target,
    deprecated: javaBoolean(t.find((x) => x.key === 'is_deprecated')?.value),
  };
}

/** `AmazonVpcProvider.fromCacheData`. */
export function vpcView(key: string, a: Json): NetworkModel & { deprecated: boolean } {
  const parts = parseAwsKey(key);
  const t = tags(a);
  return {
    cloudProvider: AWS,
    id: String(a.vpcId ?? parts?.id ?? ''),
    name: t.find((x) => x.key === 'Name')?.value ?? null,
    account: parts?.account ?? '',
    region: parts?.region ?? '',
    deprecated: javaBoolean(t.find((x) => x.key === 'is_deprecated')?.value),
  };
}

/** `AmazonInstanceType`'s fields (Jackson ignores the rest of the cached bean). */
const INSTANCE_TYPE_FIELDS = [
  'account', 'region', 'name', 'defaultVCpus', 'memoryInGiB', 'hypervisor', 'instanceStorageInfo', 'ebsInfo', 'gpuInfo', 'instanceStorageSupported', 'currentGeneration',
  'bareMetal', 'ipv6Supported', 'burstablePerformanceSupported', 'supportedArchitectures', 'supportedUsageClasses', 'supportedRootDeviceTypes', 'supportedVirtualizationTypes',
] as const;

export function instanceTypeView(a: Json): Json {
  const ebs = (a.ebsInfo ?? null) as Json | null;
  return {
    ...Object.fromEntries(INSTANCE_TYPE_FIELDS.map((f) => [f, a[f] ?? null])),
    ebsInfo: ebs === null ? null : { ebsOptimizedSupport: ebs.ebsOptimizedSupport ?? null, nvmeSupport: ebs.nvmeSupport ?? null, encryptionSupport: ebs.encryptionSupport ?? null },
  };
}

/** `AmazonElasticIp` is `@JsonInclude(NON_EMPTY)`: empty fields are left out. */
export function elasticIpView(a: Json): Json {
  const out: Json = { type: AWS };
  for (const f of ['address', 'domain', 'attachedToId', 'accountName', 'region']) if (typeof a[f] === 'string' && a[f] !== '') out[f] = a[f];
  return out;
}

/** `AmazonCertificate`: `Certificate`'s fields plus `arn` and `uploadDate`. */
export function certificateView(a: Json): CertificateModel & Json {
  return {
    serverCertificateName: String(a.serverCertificateName ?? ''),
    serverCertificateId: a.serverCertificateId ?? null,
    path: a.path ?? null,
    expiration: a.expiration ?? null,
    arn: a.arn ?? null,
    uploadDate: a.uploadDate ?? null,
  };
}

export function createAwsInfrastructureReader(cache: Cache): InfrastructureReader {
  const all = async (type: string): Promise<{ id: string; attributes: Json }[]> => (await cache.getAll(type)).map((d) => ({ id: d.id, attributes: d.attributes as Json }));
  return {
    subnets: async () => (await all(T.subnets)).map((d) => subnetView(d.id, d.attributes)),
    networks: async () => (await all(T.vpcs)).map((d) => vpcView(d.id, d.attributes)),
    keyPairs: async () =>
      (await all(T.keyPairs)).map((d) => {
        const parts = parseAwsKey(d.id);
        return { account: parts?.account ?? null, region: parts?.region ?? null, keyName: d.attributes.keyName ?? null, keyFingerprint: d.attributes.keyFingerprint ?? null };
      }),
    instanceTypes: async () => (await all(T.instanceTypes)).map((d) => instanceTypeView(d.attributes)),
    elasticIps: async (account, region) => {
      const glob = keyGlob(T.elasticIps, '*', account.replace(/[*?[\]]/g, '?'), region === undefined ? '*' : region.replace(/[*?[\]]/g, '?'));
      const ids = await cache.filterIdentifiers(T.elasticIps, glob);
      // The glob's `?` stands for a literal character it could not name; keep only exact matches.
      return (await cache.getAll(T.elasticIps, ids)).filter((d) => d.attributes.accountName === account && (region === undefined || d.attributes.region === region)).map((d) => elasticIpView(d.attributes as Json));
    },
    certificates: async () => (await all(T.certificates)).map((d) => certificateView(d.attributes)),
  };
}
