/** Clouddriver's `LaunchConfigCachingAgent`: launch configurations, linked to their image. */
import { DescribeLaunchConfigurationsCommand, type LaunchConfiguration } from '@aws-sdk/client-auto-scaling';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

export class LaunchConfigCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.launchConfigs, authority: 'AUTHORITATIVE' }];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'LaunchConfigCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const as = this.credentials.clients.autoScaling(this.region);
    const configs = await allPages<LaunchConfiguration>(async (NextToken) => {
      const r = await as.send(new DescribeLaunchConfigurationsCommand({ MaxRecords: 100, NextToken }), { abortSignal: signal });
      return { items: r.LaunchConfigurations, next: r.NextToken };
    }, signal);
    const items = configs
      .filter((c) => c.LaunchConfigurationName !== undefined)
      .map((c) =>
        cacheData(awsKeys.launchConfig(this.account, this.region, c.LaunchConfigurationName ?? ''), toBean(c) as Record<string, unknown>, {
          [T.images]: c.ImageId ? [awsKeys.image(this.account, this.region, c.ImageId)] : [],
        }),
      );
    return { cacheResults: { [T.launchConfigs]: items } };
  }
}
