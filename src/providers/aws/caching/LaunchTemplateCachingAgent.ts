/**
 * Clouddriver's `AmazonLaunchTemplateCachingAgent`: launch templates with their versions
 * (`versions[]`, `latestVersion`, `defaultVersion`), linked to the images the versions launch.
 */
import { DescribeLaunchTemplateVersionsCommand, DescribeLaunchTemplatesCommand, type LaunchTemplate, type LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { toBean, type Json } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

/**
 * The list members of SDK v1 `ResponseLaunchTemplateData`: Clouddriver caches that class, whose
 * lists auto-construct (`SdkInternalList`), so Jackson writes `[]` for any EC2 left out. Deck's
 * clone command builder reads `launchTemplateData.securityGroups.length` unguarded.
 */
const LAUNCH_TEMPLATE_DATA_LISTS = ['blockDeviceMappings', 'elasticGpuSpecifications', 'elasticInferenceAccelerators', 'licenseSpecifications', 'networkInterfaces', 'securityGroupIds', 'securityGroups', 'tagSpecifications'] as const;

function versionBean(version: LaunchTemplateVersion): Json {
  const bean = toBean(version) as { [k: string]: Json };
  const data = bean.launchTemplateData;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return bean;
  const filled: { [k: string]: Json } = { ...data };
  for (const key of LAUNCH_TEMPLATE_DATA_LISTS) if (!Array.isArray(filled[key])) filled[key] = [];
  return { ...bean, launchTemplateData: filled };
}

export class LaunchTemplateCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.launchTemplates, authority: 'AUTHORITATIVE' }];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonLaunchTemplateCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const opts = { abortSignal: signal };
    const templates = await allPages<LaunchTemplate>(async (NextToken) => {
      const r = await ec2.send(new DescribeLaunchTemplatesCommand({ MaxResults: 200, NextToken }), opts);
      return { items: r.LaunchTemplates, next: r.NextToken };
    }, signal);
    const items = [];
    for (const t of templates) {
      if (t.LaunchTemplateId === undefined || t.LaunchTemplateName === undefined) continue;
      const versions = await allPages<LaunchTemplateVersion>(async (NextToken) => {
        const r = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: t.LaunchTemplateId, MaxResults: 200, NextToken }), opts);
        return { items: r.LaunchTemplateVersions, next: r.NextToken };
      }, signal);
      const images = [...new Set(versions.map((v) => v.LaunchTemplateData?.ImageId).filter((i): i is string => i !== undefined))];
      items.push(
        cacheData(
          awsKeys.launchTemplate(this.account, this.region, t.LaunchTemplateName),
          { ...(toBean(t) as Record<string, unknown>), versions: versions.map(versionBean), application: t.LaunchTemplateName.split('-')[0] ?? '' },
          { [T.images]: images.map((i) => awsKeys.image(this.account, this.region, i)) },
        ),
      );
    }
    return { cacheResults: { [T.launchTemplates]: items } };
  }
}
