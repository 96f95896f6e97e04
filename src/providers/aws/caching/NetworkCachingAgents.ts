/**
 * Clouddriver's small infrastructure agents, one class each: `SubnetCachingAgent`,
 * `VpcCachingAgent`, `AmazonKeyPairCachingAgent`, `AmazonInstanceTypeCachingAgent` (instance
 * types once a day: the catalogue rarely changes), `AmazonElasticIpCachingAgent` (every 5
 * minutes) and `AmazonCertificateCachingAgent` (IAM server certificates). Items are the AWS
 * objects in Clouddriver's JSON with the account and region.
 */
import { DescribeAddressesCommand, DescribeInstanceTypesCommand, DescribeKeyPairsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type InstanceTypeInfo, type Subnet, type Vpc } from '@aws-sdk/client-ec2';
import { ListServerCertificatesCommand, type ServerCertificateMetadata } from '@aws-sdk/client-iam';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { tagMap, toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';
import { subnetPurpose } from './ClusterCachingAgent.js';

export class SubnetCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.subnets, authority: 'AUTHORITATIVE' }];
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'SubnetCachingAgent');
  }
  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const subnets = await allPages<Subnet>(async (NextToken) => {
      const r = await ec2.send(new DescribeSubnetsCommand({ MaxResults: 1000, NextToken }), { abortSignal: signal });
      return { items: r.Subnets, next: r.NextToken };
    }, signal);
    const items = subnets.map((s) => cacheData(awsKeys.subnet(s.SubnetId ?? '', this.account, this.region), { accountId: this.credentials.config.accountId ?? null, ...(toBean(s) as Record<string, unknown>), account: this.account, region: this.region, purpose: subnetPurpose(s) ?? null }));
    return { cacheResults: { [T.subnets]: items } };
  }
}

export class VpcCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.vpcs, authority: 'AUTHORITATIVE' }];
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'VpcCachingAgent');
  }
  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const vpcs = await allPages<Vpc>(async (NextToken) => {
      const r = await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken }), { abortSignal: signal });
      return { items: r.Vpcs, next: r.NextToken };
    }, signal);
    const items = vpcs.map((v) => cacheData(awsKeys.vpc(v.VpcId ?? '', this.account, this.region), { ...(toBean(v) as Record<string, unknown>), name: tagMap(v.Tags).Name ?? null, account: this.account, region: this.region }));
    return { cacheResults: { [T.vpcs]: items } };
  }
}

export class KeyPairCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.keyPairs, authority: 'AUTHORITATIVE' }];
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonKeyPairCachingAgent');
  }
  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    // DescribeKeyPairs is not paged.
    const r = await this.credentials.clients.ec2(this.region).send(new DescribeKeyPairsCommand({}), { abortSignal: signal });
    const items = (r.KeyPairs ?? []).map((k) => cacheData(awsKeys.keyPair(k.KeyName ?? '', this.account, this.region), { keyName: k.KeyName, keyFingerprint: k.KeyFingerprint ?? null, keyPairId: k.KeyPairId ?? null, account: this.account, region: this.region }));
    return { cacheResults: { [T.keyPairs]: items } };
  }
}

export class InstanceTypeCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.instanceTypes, authority: 'AUTHORITATIVE' }];
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonInstanceTypeCachingAgent', 24 * 60 * 60_000);
  }
  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const types = await allPages<InstanceTypeInfo>(async (NextToken) => {
      const r = await ec2.send(new DescribeInstanceTypesCommand({ MaxResults: 100, NextToken }), { abortSignal: signal });
      return { items: r.InstanceTypes, next: r.NextToken };
    }, signal);
    const items = types.map((t) => cacheData(awsKeys.instanceType(t.InstanceType ?? '', this.account, this.region), instanceTypeAttributes(t, this.account, this.region)));
    return { cacheResults: { [T.instanceTypes]: items } };
  }
}

/** `AmazonInstanceTypeCachingAgent`'s attributes: the SDK bean plus the fields `AmazonInstanceType` reads. */
function instanceTypeAttributes(t: InstanceTypeInfo, account: string, region: string): Record<string, unknown> {
  const storage = t.InstanceStorageInfo;
  const gpu = t.GpuInfo;
  return {
    ...(toBean(t) as Record<string, unknown>),
    account,
    region,
    name: t.InstanceType,
    defaultVCpus: t.VCpuInfo?.DefaultVCpus ?? null,
    // Integer division, as upstream (`getSizeInMiB() / 1024`).
    memoryInGiB: t.MemoryInfo?.SizeInMiB === undefined ? null : Math.floor(t.MemoryInfo.SizeInMiB / 1024),
    supportedArchitectures: t.ProcessorInfo?.SupportedArchitectures ?? null,
    ...(storage === undefined
      ? {}
      : {
          instanceStorageInfo: {
            totalSizeInGB: storage.TotalSizeInGB ?? null,
            ...(storage.Disks !== undefined && storage.Disks.length > 0 ? { storageTypes: storage.Disks.map((d) => d.Type).join(',') } : {}),
            ...(storage.NvmeSupport === undefined ? {} : { nvmeSupport: storage.NvmeSupport }),
          },
        }),
    ...(gpu === undefined
      ? {}
      : {
          gpuInfo: {
            ...(gpu.TotalGpuMemoryInMiB === undefined ? {} : { totalGpuMemoryInMiB: gpu.TotalGpuMemoryInMiB }),
            ...(gpu.Gpus === undefined ? {} : { gpus: gpu.Gpus.map((g) => ({ name: g.Name ?? null, manufacturer: g.Manufacturer ?? null, count: g.Count ?? null, gpuSizeInMiB: g.MemoryInfo?.SizeInMiB ?? null })) }),
          },
        }),
    ...(t.NetworkInfo === undefined ? {} : { ipv6Supported: t.NetworkInfo.Ipv6Supported ?? null }),
  };
}

export class ElasticIpCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.elasticIps, authority: 'AUTHORITATIVE' }];
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonElasticIpCachingAgent', 5 * 60_000);
  }
  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    // DescribeAddresses is not paged.
    const r = await this.credentials.clients.ec2(this.region).send(new DescribeAddressesCommand({}), { abortSignal: signal });
    const items = (r.Addresses ?? [])
      .filter((a) => a.PublicIp !== undefined)
      .map((a) => cacheData(awsKeys.elasticIp(a.PublicIp ?? '', this.account, this.region), { address: a.PublicIp, domain: a.Domain ?? null, attachedToId: a.InstanceId ?? null, accountName: this.account, region: this.region }));
    return { cacheResults: { [T.elasticIps]: items } };
  }
}

/** After a failed ListServerCertificates, upstream does not ask again for 10 minutes. */
const CERTIFICATE_RETRY_DELAY_MS = 10 * 60_000;

export class CertificateCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.certificates, authority: 'AUTHORITATIVE' }];
  private lastFailure: { at: number; error: unknown } | undefined;
  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonCertificateCachingAgent');
  }
  protected async load({ signal, clock }: AgentContext): Promise<CacheResult> {
    // Within the retry delay the run fails again without asking IAM: the cached certificates stay.
    if (this.lastFailure !== undefined && clock.now() - this.lastFailure.at < CERTIFICATE_RETRY_DELAY_MS) throw this.lastFailure.error;
    const iam = this.credentials.clients.iam(this.region);
    let certificates: ServerCertificateMetadata[];
    try {
      certificates = await allPages<ServerCertificateMetadata>(async (Marker) => {
        const r = await iam.send(new ListServerCertificatesCommand({ Marker }), { abortSignal: signal });
        return { items: r.ServerCertificateMetadataList, next: r.IsTruncated === true ? r.Marker : undefined };
      }, signal);
    } catch (error) {
      this.lastFailure = { at: clock.now(), error };
      throw error;
    }
    this.lastFailure = undefined;
    const items = certificates.map((c) => cacheData(awsKeys.certificate(c.ServerCertificateId ?? '', this.account, this.region, 'iam'), toBean(c) as Record<string, unknown>));
    return { cacheResults: { [T.certificates]: items } };
  }
}
