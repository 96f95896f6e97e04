/**
 * Clouddriver's `AmazonLoadBalancerCachingAgent`: classic load balancers with their attributes
 * and tags, linked to their registered instances.
 */
import { DescribeLoadBalancerAttributesCommand, DescribeLoadBalancersCommand, DescribeTagsCommand, type LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { tagMap, toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages, chunks } from './AwsAgentBase.js';

export class ClassicLoadBalancerCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [{ typeName: T.loadBalancers, authority: 'AUTHORITATIVE' }];

  constructor(credentials: AwsCredentials, region: string) {
    super(credentials, region, 'AmazonLoadBalancerCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const elb = this.credentials.clients.elb(this.region);
    const opts = { abortSignal: signal };
    const lbs = await allPages<LoadBalancerDescription>(async (Marker) => {
      const r = await elb.send(new DescribeLoadBalancersCommand({ PageSize: 400, Marker }), opts);
      return { items: r.LoadBalancerDescriptions, next: r.NextMarker };
    }, signal);
    const names = lbs.map((lb) => lb.LoadBalancerName).filter((n): n is string => n !== undefined);
    const tags = new Map<string, Record<string, string>>();
    for (const batch of chunks(names, 20)) {
      const r = await elb.send(new DescribeTagsCommand({ LoadBalancerNames: batch }), opts);
      for (const d of r.TagDescriptions ?? []) if (d.LoadBalancerName) tags.set(d.LoadBalancerName, tagMap(d.Tags));
    }
    const items = [];
    for (const lb of lbs) {
      const name = lb.LoadBalancerName;
      if (name === undefined) continue;
      const attrs = await elb.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerName: name }), opts);
      items.push(
        cacheData(
          awsKeys.loadBalancer(this.account, this.region, name, lb.VPCId),
          { ...(toBean(lb) as Record<string, unknown>), loadBalancerType: 'classic', account: this.account, region: this.region, attributes: toBean(attrs.LoadBalancerAttributes), tags: tags.get(name) ?? {} },
          { [T.instances]: (lb.Instances ?? []).map((i) => awsKeys.instance(this.account, this.region, i.InstanceId ?? '')) },
        ),
      );
    }
    return { cacheResults: { [T.loadBalancers]: items } };
  }
}
