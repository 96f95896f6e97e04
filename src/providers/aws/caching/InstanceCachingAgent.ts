/**
 * Clouddriver's `InstanceCachingAgent`: EC2 instances (terminated ones left out), their platform
 * health (`AmazonInstanceHealth`: Starting while pending, Unknown while running, Down otherwise)
 * and their server group (the `aws:autoscaling:groupName` tag) and image, with the group's
 * `application` and the instance's `capacityType` (on-demand or spot).
 */
import { DescribeInstancesCommand, type Instance, type Reservation } from '@aws-sdk/client-ec2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { tagMap, toBean } from '../javaBean.js';
import { HEALTH, awsKeys, T } from '../keys.js';
import { parseName } from '../names.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

export function platformHealthState(instance: Instance): string {
  switch (instance.State?.Name) {
    case 'pending':
      return 'Starting';
    case 'running':
      return 'Unknown';
    default:
      return 'Down';
  }
}

/** `InstanceCachingAgent.getCapacityType`: on-demand without an instance lifecycle, spot for spot, else none. */
export function capacityType(instance: Instance): string | undefined {
  if (instance.InstanceLifecycle === undefined) return 'on-demand';
  return instance.InstanceLifecycle.toLowerCase() === 'spot' ? 'spot' : undefined;
}

export class InstanceCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [
    { typeName: T.instances, authority: 'AUTHORITATIVE' },
    // Health ids end in their source, so each agent's are its own and may be evicted when gone.
    { typeName: T.health, authority: 'AUTHORITATIVE' },
  ];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'InstanceCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const reservations = await allPages<Reservation>(async (NextToken) => {
      const r = await ec2.send(new DescribeInstancesCommand({ MaxResults: 1000, NextToken }), { abortSignal: signal });
      return { items: r.Reservations, next: r.NextToken };
    }, signal);
    const instances: CacheData[] = [];
    const health: CacheData[] = [];
    for (const instance of reservations.flatMap((r) => r.Instances ?? [])) {
      const id = instance.InstanceId;
      if (id === undefined || instance.State?.Name === 'terminated') continue;
      const group = tagMap(instance.Tags)['aws:autoscaling:groupName'];
      const capacity = capacityType(instance);
      const attributes = {
        ...(toBean(instance) as Record<string, unknown>),
        name: id,
        account: this.account,
        region: this.region,
        // Upstream adds the server group's application and the capacity type Deck shows.
        ...(group ? { application: parseName(group).app } : {}),
        ...(capacity === undefined ? {} : { capacityType: capacity }),
      };
      instances.push(
        cacheData(awsKeys.instance(this.account, this.region, id), attributes, {
          ...(group ? { [T.serverGroups]: [awsKeys.serverGroup(group, this.account, this.region)] } : {}),
          ...(instance.ImageId ? { [T.images]: [awsKeys.image(this.account, this.region, instance.ImageId)] } : {}),
        }),
      );
      health.push(
        cacheData(awsKeys.health(id, this.account, this.region, HEALTH.platform), {
          type: 'Amazon',
          healthClass: 'platform',
          state: platformHealthState(instance),
          instanceId: id,
        }),
      );
    }
    return { cacheResults: { [T.instances]: instances, [T.health]: health }, introspectionDetails: { instances: instances.length } };
  }
}
