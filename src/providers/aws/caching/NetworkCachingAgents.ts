/**
 * Clouddriver's small EC2 agents, one class each: `SubnetCachingAgent`, `VpcCachingAgent`,
 * `AmazonKeyPairCachingAgent` and `AmazonInstanceTypeCachingAgent` (instance types once a day:
 * the catalogue rarely changes). Items are the EC2 objects in Clouddriver's JSON with the
 * account and region.
 */
import { DescribeInstanceTypesCommand, DescribeKeyPairsCommand, DescribeSubnetsCommand, DescribeVpcsCommand, type InstanceTypeInfo, type Subnet, type Vpc } from '@aws-sdk/client-ec2';
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
    const items = subnets.map((s) => cacheData(awsKeys.subnet(s.SubnetId ?? '', this.account, this.region), { ...(toBean(s) as Record<string, unknown>), account: this.account, region: this.region, purpose: subnetPurpose(s) ?? null }));
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
    const items = types.map((t) => cacheData(awsKeys.instanceType(t.InstanceType ?? '', this.account, this.region), { ...(toBean(t) as Record<string, unknown>), name: t.InstanceType, account: this.account, region: this.region }));
    return { cacheResults: { [T.instanceTypes]: items } };
  }
}
