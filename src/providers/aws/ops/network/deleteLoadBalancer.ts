/**
 * `deleteLoadBalancer` (`DeleteAmazonLoadBalancerAtomicOperationConverter`): `classic` (the
 * default) runs `DeleteAmazonLoadBalancerClassicAtomicOperation` (`DELETE_ELB`); `application` and
 * `network` run `DeleteAmazonLoadBalancerV2AtomicOperation` (`DELETE_ELB_V2`), which refuses a
 * load balancer with deletion protection and deletes its listeners, then its target groups,
 * then the load balancer. No result object.
 */
import { DeleteLoadBalancerCommand as DeleteClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { AwsValidator, applicationOf, awsErrorCode, credentialsOf, nameField, refreshAfter, withAccount } from './support.js';

export const deleteLoadBalancerSchema = withAccount({
  loadBalancerType: nameField.default('classic'),
  loadBalancerName: nameField.nullish(),
  regions: z.array(nameField).max(100).nullish(),
});
type DeleteLoadBalancerDescription = z.infer<typeof deleteLoadBalancerSchema>;

async function deleteClassic(deps: AwsOperationDeps, creds: AwsCredentials, d: DeleteLoadBalancerDescription, ctx: OperationContext): Promise<void> {
  const status = (s: string) => ctx.task.updateStatus('DELETE_ELB', s);
  const name = d.loadBalancerName ?? '';
  const regions = d.regions ?? [];
  await status('Initializing Delete Amazon Load Balancer Classic Operation...');
  for (const region of regions) {
    await status(`Deleting ${name} in ${region} for ${d.account}.`);
    await creds.clients.elb(region).send(new DeleteClassicCommand({ LoadBalancerName: name }), { abortSignal: ctx.signal });
    await refreshAfter(deps, ctx, d.account, region, ['loadBalancers']);
  }
  await status(`Done deleting ${name} in [${regions.join(', ')}] for ${d.account}.`);
}

async function deleteV2(deps: AwsOperationDeps, creds: AwsCredentials, d: DeleteLoadBalancerDescription, ctx: OperationContext): Promise<void> {
  const status = (s: string) => ctx.task.updateStatus('DELETE_ELB_V2', s);
  const opts = { abortSignal: ctx.signal };
  const name = d.loadBalancerName ?? '';
  const regions = d.regions ?? [];
  await status('Initializing Delete Amazon Load Balancer V2 Operation...');
  for (const region of regions) {
    const elbv2 = creds.clients.elbv2(region);
    let lb: LoadBalancer | undefined;
    try {
      lb = (await elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }), opts)).LoadBalancers?.[0];
    } catch (err) {
      if (awsErrorCode(err) !== 'LoadBalancerNotFound') throw err;
    }
    if (lb === undefined) {
      await status(`Failed deleting ${name} in ${region} for ${d.account}. Not found.`);
      continue;
    }
    await status(`Deleting ${name} in ${region} for ${d.account}.`);
    const attributes = (await elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }), opts)).Attributes ?? [];
    if (attributes.some((a) => a.Key === 'deletion_protection.enabled' && a.Value === 'true')) {
      const err = new Error(`Load Balancer ${name} has deletion protection enabled. Aborting delete operation.`);
      err.name = 'DeletionProtectionEnabledException';
      throw err;
    }
    // Both are described first: a target group cannot be deleted while a listener forwards to it,
    // and a deleted listener no longer ties its target groups to the load balancer.
    const targetGroups = (await elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.LoadBalancerArn }), opts)).TargetGroups ?? [];
    const listeners = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }), opts)).Listeners ?? [];
    for (const l of listeners) {
      try {
        await elbv2.send(new DeleteListenerCommand({ ListenerArn: l.ListenerArn }), opts);
        await status(`Deleted listener ${l.ListenerArn ?? ''} in ${region} for ${d.account}.`);
      } catch {
        await status(`Failed deleting listener ${l.ListenerArn ?? ''} in ${region} for ${d.account}. Not found.`);
      }
    }
    for (const tg of targetGroups) {
      try {
        await elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn }), opts);
        await status(`Deleted target group ${tg.TargetGroupArn ?? ''} in ${region} for ${d.account}.`);
      } catch {
        await status(`Failed deleting target group ${tg.TargetGroupArn ?? ''} in ${region} for ${d.account}. Not found.`);
      }
    }
    await elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }), opts);
    await refreshAfter(deps, ctx, d.account, region, ['loadBalancers']);
  }
  await status(`Done deleting ${name} in [${regions.join(', ')}] for ${d.account}.`);
}

export function deleteLoadBalancer(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteLoadBalancer',
    displayName: 'DeleteAmazonLoadBalancerAtomicOperation',
    schema: deleteLoadBalancerSchema,
    account: (d) => d.account,
    applications: (d) => applicationOf(d.loadBalancerName),
    validate(d) {
      const v = new AwsValidator('deleteAmazonLoadBalancerDescription', deps);
      v.regions(d.account, d.regions ?? []);
      if (d.loadBalancerName == null || d.loadBalancerName === '') v.reject('loadBalancerName.empty', 'loadBalancerName is required');
      if (!['classic', 'application', 'network'].includes(d.loadBalancerType)) v.reject('loadBalancerType.invalid', `loadBalancerType must be classic, application or network, not ${d.loadBalancerType}`);
      return v.problems;
    },
    async operate(d, ctx) {
      const creds = credentialsOf(deps, d.account);
      if (d.loadBalancerType === 'classic') await deleteClassic(deps, creds, d, ctx);
      else await deleteV2(deps, creds, d, ctx);
      return undefined;
    },
  });
}
