/**
 * Clouddriver's `AmazonLaunchTemplateCachingAgent`: launch templates with their `$Default` and
 * `$Latest` versions (`versions[]`, `latestVersion`), linked to the images those versions launch.
 * As upstream, the versions of every template come from one paged DescribeLaunchTemplateVersions
 * that names no template (a call per template would take a region's EC2 rate limit for minutes
 * at a few thousand templates).
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
    const allVersions = await allPages<LaunchTemplateVersion>(async (NextToken) => {
      const r = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Default', '$Latest'], MaxResults: 200, NextToken }), opts);
      return { items: r.LaunchTemplateVersions, next: r.NextToken };
    }, signal);
    const versionsOf = new Map<string, LaunchTemplateVersion[]>();
    for (const v of allVersions) if (v.LaunchTemplateId !== undefined) versionsOf.set(v.LaunchTemplateId, [...(versionsOf.get(v.LaunchTemplateId) ?? []), v]);
    const items = [];
    for (const t of templates) {
      if (t.LaunchTemplateId === undefined || t.LaunchTemplateName === undefined) continue;
      const versions = versionsOf.get(t.LaunchTemplateId) ?? [];
      const latest = versions.find((v) => v.VersionNumber === t.LatestVersionNumber);
      // Upstream skips a template whose latest version it did not get (created between the calls).
      if (latest === undefined) continue;
      const images = [...new Set(versions.map((v) => v.LaunchTemplateData?.ImageId).filter((i): i is string => i !== undefined))];
      items.push(
        cacheData(
          awsKeys.launchTemplate(this.account, this.region, t.LaunchTemplateName),
          { ...(toBean(t) as Record<string, unknown>), latestVersion: versionBean(latest), versions: versions.map(versionBean), application: t.LaunchTemplateName.split('-')[0] ?? '' },
          { [T.images]: images.map((i) => awsKeys.image(this.account, this.region, i)) },
        ),
      );
    }
    return { cacheResults: { [T.launchTemplates]: items } };
  }
}
