/** Clouddriver's `AmazonSecurityGroupCachingAgent`: security groups with their rules as EC2 describes them. */
import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

export class SecurityGroupCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.securityGroups, authority: 'AUTHORITATIVE' }];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonSecurityGroupCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const groups = await allPages<SecurityGroup>(async (NextToken) => {
      const r = await ec2.send(new DescribeSecurityGroupsCommand({ MaxResults: 1000, NextToken }), { abortSignal: signal });
      return { items: r.SecurityGroups, next: r.NextToken };
    }, signal);
    const items = groups
      .filter((g) => g.GroupId !== undefined && g.GroupName !== undefined)
      .map((g) => cacheData(awsKeys.securityGroup(g.GroupName ?? '', g.GroupId ?? '', this.region, this.account, g.VpcId), { ...(toBean(g) as Record<string, unknown>), account: this.account, region: this.region }));
    return { cacheResults: { [T.securityGroups]: items } };
  }
}
