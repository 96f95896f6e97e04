/**
 * Clouddriver's `AmazonLoadBalancerInstanceStateCachingAgent`: classic ELB `DescribeInstanceHealth`
 * as `LoadBalancer` health per instance (`InService` → Up, else OutOfService), one item per
 * instance listing every classic load balancer it is registered with.
 */
import { DescribeInstanceHealthCommand, DescribeLoadBalancersCommand, type LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { HEALTH, awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

export class LoadBalancerInstanceStateCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.health, authority: 'AUTHORITATIVE' }];

  constructor(credentials: AwsCredentials, region: string) {
    // Clouddriver runs it every 10 s (health moves faster than topology).
    super(credentials, region, 'AmazonLoadBalancerInstanceStateCachingAgent', 10_000);
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const elb = this.credentials.clients.elb(this.region);
    const opts = { abortSignal: signal };
    const lbs = await allPages<LoadBalancerDescription>(async (Marker) => {
      const r = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }), opts);
      return { items: r.LoadBalancerDescriptions, next: r.NextMarker };
    }, signal);
    const byInstance = new Map<string, Record<string, unknown>[]>();
    for (const lb of lbs) {
      if (lb.LoadBalancerName === undefined || (lb.Instances ?? []).length === 0) continue;
      const r = await elb.send(new DescribeInstanceHealthCommand({ LoadBalancerName: lb.LoadBalancerName }), opts);
      for (const s of r.InstanceStates ?? []) {
        if (s.InstanceId === undefined) continue;
        const list = byInstance.get(s.InstanceId) ?? [];
        list.push({ loadBalancerName: lb.LoadBalancerName, state: s.State ?? 'Unknown', reasonCode: s.ReasonCode ?? null, description: s.Description ?? null, healthState: s.State === 'InService' ? 'Up' : 'OutOfService' });
        byInstance.set(s.InstanceId, list);
      }
    }
    const health = [...byInstance].map(([id, loadBalancers]) =>
      cacheData(awsKeys.health(id, this.account, this.region, HEALTH.classic), {
        type: 'LoadBalancer',
        instanceId: id,
        loadBalancers,
        state: loadBalancers.every((l) => l.healthState === 'Up') ? 'Up' : 'OutOfService',
      }),
    );
    return { cacheResults: { [T.health]: health } };
  }
}
