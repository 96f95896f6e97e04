/**
 * `upsertLoadBalancer` (`UpsertAmazonLoadBalancerAtomicOperationConverter`): `loadBalancerType`
 * `classic` (the default) runs `UpsertAmazonLoadBalancerAtomicOperation`, `application` and
 * `network` run `UpsertAmazonLoadBalancerV2AtomicOperation`, once per region of
 * `availabilityZones`. The result is upstream's `UpsertAmazonLoadBalancer[V2]Result`,
 * `{loadBalancers: {region: {name, dnsName}}}`, which Orca reads to wait for the load balancer.
 */
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { upsertClassicInRegion, type LoadBalancerResult } from './classicLoadBalancer.js';
import { loadBalancerNameOf, upsertLoadBalancerSchema, validateUpsertLoadBalancer } from './loadBalancerDescriptions.js';
import { upsertV2InRegion } from './loadBalancerV2.js';
import { applicationOf, credentialsOf, refreshAfter } from './support.js';

export function upsertLoadBalancer(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'upsertLoadBalancer',
    displayName: 'UpsertAmazonLoadBalancerAtomicOperation',
    schema: upsertLoadBalancerSchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(loadBalancerNameOf(d)),
    validate: (d) => validateUpsertLoadBalancer(deps, d),
    async operate(d, ctx) {
      const classic = d.loadBalancerType === 'classic';
      const phase = classic ? 'CREATE_ELB' : 'CREATE_ELB_V2';
      const creds = credentialsOf(deps, d.account);
      await ctx.task.updateStatus(phase, 'Initializing load balancer creation...');
      const loadBalancers: Record<string, LoadBalancerResult> = {};
      for (const [region, zones] of Object.entries(d.availabilityZones ?? {})) {
        loadBalancers[region] = classic ? await upsertClassicInRegion(deps, creds, d, region, zones ?? [], ctx) : await upsertV2InRegion(deps, creds, d, region, zones ?? [], ctx);
        await refreshAfter(deps, ctx, d.account, region, ['loadBalancers']);
      }
      await ctx.task.updateStatus(phase, 'Done deploying load balancers.');
      return { loadBalancers };
    },
  });
}
