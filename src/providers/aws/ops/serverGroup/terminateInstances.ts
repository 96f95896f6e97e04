/**
 * `terminateInstances` (`TerminateInstancesAtomicOperation`, description
 * `TerminateInstancesDescription`: `region`, `instanceIds`, optional `serverGroups`) and
 * `terminateInstanceAndDecrementServerGroup` (`TerminateInstanceAndDecrementAsgAtomicOperation`,
 * description `TerminateInstanceAndDecrementAsgDescription`: `asgName`, `instance`, `region`,
 * `adjustMinIfNecessary`, `setMaxToNewDesired`).
 */
import { TerminateInstanceInAutoScalingGroupCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { DeregisterInstancesFromLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { accountFields, accountOf } from './descriptions.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, AwsValidator, describeGroup, regionClients, type RegionClients } from './support.js';

const INSTANCE_ID = /^i-[0-9a-f]{8,17}$/;

const terminateSchema = z.object({
  ...accountFields,
  region: z.string().max(255).nullish(),
  instanceIds: z.array(z.string().max(64)).max(1000).nullish(),
  serverGroups: z.array(z.string().max(255)).max(1000).nullish(),
});

export function terminateInstances(deps: AwsOperationDeps): OperationDefinition {
  const PHASE = 'TERMINATE_INSTANCES';
  return defineOperation({
    name: 'terminateInstances',
    displayName: 'TerminateInstancesAtomicOperation',
    schema: terminateSchema,
    account: (d) => accountOf(d),
    applications: (d) => [...new Set((d.serverGroups ?? []).map((s) => parseName(s).app))],
    validate(d) {
      const key = 'TerminateInstancesDescription';
      const v = new AwsValidator(key, deps);
      const account = accountOf(d);
      v.credentials(account);
      const ids = d.instanceIds ?? [];
      if (ids.length === 0) v.reject('instanceIds', 'empty', 'instanceIds must name at least one instance');
      const bad = ids.filter((id) => !INSTANCE_ID.test(id));
      if (bad.length > 0) v.reject('instanceId', 'invalid', `not an instance id: ${bad.slice(0, 5).join(', ')}`);
      v.regions(account, d.region ? [d.region] : []);
      return v.problems;
    },
    async operate(d, ctx) {
      const account = accountOf(d) ?? '';
      const region = d.region ?? '';
      const ids = d.instanceIds ?? [];
      await ctx.task.updateStatus(PHASE, `Initializing termination of instances (${ids.join(', ')}).`);
      const c = regionClients(deps, account, region, ctx.signal);
      await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: ids }), c.opts);
      await ctx.task.updateStatus(PHASE, `Done executing termination of instances (${ids.join(', ')}).`);
      await refreshAfterChange(deps, ctx, account, [region]);
      return undefined;
    },
  });
}

const decrementSchema = z.object({
  ...accountFields,
  asgName: z.string().max(255).nullish(),
  serverGroupName: z.string().max(255).nullish(),
  instance: z.string().max(64).nullish(),
  region: z.string().max(255).nullish(),
  adjustMinIfNecessary: z.boolean().nullish(),
  setMaxToNewDesired: z.boolean().nullish(),
});

export function terminateInstanceAndDecrementServerGroup(deps: AwsOperationDeps): OperationDefinition {
  const PHASE = 'TERMINATE-AND-DEC-ASG_PHASE';
  const groupOf = async (c: RegionClients, name: string, ctx: OperationContext): Promise<AutoScalingGroup> => {
    const g = await describeGroup(c, name);
    if (g !== undefined) return g;
    await ctx.task.updateStatus(PHASE, 'ASG not found in specified regions.');
    throw new AwsOperationError(`No ASG named ${name} in ${c.region}`, 'AutoScalingGroupNotFoundException');
  };
  return defineOperation({
    name: 'terminateInstanceAndDecrementServerGroup',
    displayName: 'TerminateInstanceAndDecrementAsgAtomicOperation',
    schema: decrementSchema,
    account: (d) => accountOf(d),
    applications: (d) => {
      const app = parseName(d.asgName ?? d.serverGroupName ?? '').app;
      return app === '' ? [] : [app];
    },
    validate(d) {
      const v = new AwsValidator('TerminateInstanceAndDecrementAsgDescription', deps);
      const account = accountOf(d);
      v.credentials(account);
      if (!(d.asgName ?? d.serverGroupName)) v.reject('asgName', 'empty', 'asgName is required');
      if (!d.instance) v.reject('instance', 'empty', 'instance is required');
      v.regions(account, d.region ? [d.region] : []);
      return v.problems;
    },
    async operate(d, ctx) {
      const account = accountOf(d) ?? '';
      const region = d.region ?? '';
      const asgName = d.asgName ?? d.serverGroupName ?? '';
      const instance = d.instance ?? '';
      await ctx.task.updateStatus(PHASE, `Initializing termination of ${instance} in ${asgName}`);
      const c = regionClients(deps, account, region, ctx.signal);
      let group = await groupOf(c, asgName, ctx);
      if (!(group.Instances ?? []).some((i) => i.InstanceId === instance)) {
        await ctx.task.updateStatus(PHASE, `Cannot terminate invalid instance ${instance} in server group ${asgName}`);
        throw new AwsOperationError(`Invalid instance ${instance} for ${asgName}`, 'IllegalArgumentException');
      }
      if (group.MinSize === group.DesiredCapacity) {
        if (d.adjustMinIfNecessary === true) {
          const newMin = (group.MinSize ?? 0) - 1;
          if (newMin < 0) await ctx.task.updateStatus(PHASE, 'Cannot adjust min size below 0');
          else await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: asgName, MinSize: newMin }), c.opts);
        } else {
          await ctx.task.updateStatus(PHASE, 'Cannot decrement ASG below minSize - set adjustMinIfNecessary to resize down minSize before terminating');
          throw new AwsOperationError(`Invalid ASG capacity for terminateAndDecrementAsg: min: ${group.MinSize ?? 0}, max: ${group.MaxSize ?? 0}, desired: ${group.DesiredCapacity ?? 0}`);
        }
      }
      for (const lb of group.LoadBalancerNames ?? []) {
        await c.elb.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: lb, Instances: [{ InstanceId: instance }] }), c.opts);
      }
      await c.autoScaling.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: instance, ShouldDecrementDesiredCapacity: true }), c.opts);
      if (d.setMaxToNewDesired === true) {
        group = await groupOf(c, asgName, ctx);
        if (group.DesiredCapacity !== group.MaxSize) await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: asgName, MaxSize: group.DesiredCapacity }), c.opts);
      }
      await ctx.task.updateStatus(PHASE, 'Done executing termination and ASG size decrement.');
      await refreshAfterChange(deps, ctx, account, [region]);
      return undefined;
    },
  });
}
