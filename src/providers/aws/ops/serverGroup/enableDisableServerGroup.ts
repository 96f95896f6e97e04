/**
 * `enableServerGroup` / `disableServerGroup` (`AbstractEnableDisableAtomicOperation`, with
 * `EnableAsgAtomicOperation` / `DisableAsgAtomicOperation`; description
 * `EnableDisableAsgDescription`). Per group: disabling suspends Launch, Terminate and
 * AddToLoadBalancer (only for a whole disable: `desiredPercentage` null or 100) and deregisters
 * the running instances from the group's classic load balancers and target groups; enabling
 * resumes the processes and registers the instances again. A missing group, or one being
 * deleted, counts as done. A failure on one group is reported as a status line and fails the
 * task after the other groups were handled.
 *
 * Discovery (Eureka) is left out: no instance is marked UP/OUT_OF_SERVICE anywhere, and a partial
 * disable (`desiredPercentage` < 100) picks the first instances by id instead of asking Eureka
 * (`AwsEurekaSupport.getInstanceToModify`).
 */
import { ResumeProcessesCommand, SuspendProcessesCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, type Reservation } from '@aws-sdk/client-ec2';
import { DeregisterInstancesFromLoadBalancerCommand, RegisterInstancesWithLoadBalancerCommand } from '@aws-sdk/client-elastic-load-balancing';
import { DeregisterTargetsCommand, RegisterTargetsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { accountFields, accountOf, asgsOf, describeAsgs, legacyAsgFields, type AsgRef } from './descriptions.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, AwsValidator, awsErrorCode, describeGroup, errorMessage, regionClients, type RegionClients } from './support.js';

/** `AutoScalingProcessType.getDisableProcesses()`. */
export const DISABLE_PROCESSES = ['Launch', 'Terminate', 'AddToLoadBalancer'];

const schema = z.object({
  ...accountFields,
  ...legacyAsgFields,
  desiredPercentage: z.coerce.number().int().min(0).max(100).nullish(),
  targetHealthyDeployPercentage: z.coerce.number().int().min(0).max(100).nullish(),
});
type EnableDisableDescription = z.infer<typeof schema>;

/** The group's InService/Pending instances that EC2 reports running or pending. */
async function liveInstanceIds(c: RegionClients, groupInstanceIds: string[], groupName: string, ctx: OperationContext, phase: string): Promise<string[]> {
  if (groupInstanceIds.length === 0) return [];
  const reservations: Reservation[] = [];
  try {
    let token: string | undefined;
    do {
      const out = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: groupInstanceIds, ...(token === undefined ? {} : { NextToken: token }) }), c.opts);
      reservations.push(...(out.Reservations ?? []));
      token = out.NextToken;
    } while (token !== undefined && token !== '');
  } catch (err) {
    // Upstream retries 10 times before this fall-back; one failure is enough here (an id EC2 no
    // longer knows fails every retry the same way).
    await ctx.task.updateStatus(phase, `Failed to describe instances (${errorMessage(err)}). Falling back to tag-based instance lookup`);
    reservations.length = 0;
    const out = await c.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [groupName] }] }), c.opts);
    reservations.push(...(out.Reservations ?? []));
  }
  const ids = reservations.flatMap((r) => r.Instances ?? []).filter((i) => ['running', 'pending'].includes(i.State?.Name ?? '')).map((i) => i.InstanceId ?? '');
  return [...new Set(ids)].filter((id) => id !== '');
}

function enableDisable(deps: AwsOperationDeps, disable: boolean): OperationDefinition {
  const phase = disable ? 'DISABLE_ASG' : 'ENABLE_ASG';
  const verb = disable ? 'Disable' : 'Enable';
  const participle = disable ? 'Disabling' : 'Enabling';

  /** `operateOnAsg`: true when done (or nothing to do), false on a failure already reported. */
  async function operateOnAsg(d: EnableDisableDescription, account: string, asg: AsgRef, ctx: OperationContext, results: string[][]): Promise<string | undefined> {
    const { serverGroupName: name, region } = asg;
    try {
      const c = regionClients(deps, account, region, ctx.signal);
      const group = await describeGroup(c, name);
      if (group === undefined) {
        await ctx.task.updateStatus(phase, `No ASG named '${name}' found in ${region}`);
        return undefined;
      }
      if (group.Status !== undefined && group.Status !== '') {
        await ctx.task.updateStatus(phase, `ASG '${name}' is currently being destroyed and cannot be modified (status: ${group.Status})`);
        return undefined;
      }
      await ctx.task.updateStatus(phase, `${participle} ASG '${name}' in ${region}...`);
      if (disable) {
        if (d.desiredPercentage == null || d.desiredPercentage === 100) await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: DISABLE_PROCESSES }), c.opts);
      } else {
        await c.autoScaling.send(new ResumeProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: DISABLE_PROCESSES }), c.opts);
      }

      const inGroup = (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService' || (i.LifecycleState ?? '').startsWith('Pending')).map((i) => i.InstanceId ?? '');
      let instanceIds = await liveInstanceIds(c, inGroup, name, ctx, phase);

      if (instanceIds.length > 0 && disable && d.desiredPercentage != null && d.desiredPercentage > 0 && d.desiredPercentage < 100) {
        const n = Math.ceil((instanceIds.length * d.desiredPercentage) / 100);
        instanceIds = [...instanceIds].sort().slice(0, n);
        await ctx.task.updateStatus(phase, `Only disabling instances [${instanceIds.join(', ')}] on ASG ${name} with percentage ${d.desiredPercentage}`);
        results.push(instanceIds);
      }

      if (instanceIds.length > 0) {
        for (const lb of group.LoadBalancerNames ?? []) {
          const Instances = instanceIds.map((InstanceId) => ({ InstanceId }));
          if (disable) {
            try {
              await ctx.task.updateStatus(phase, 'Deregistering instances from Load Balancers...');
              await c.elb.send(new DeregisterInstancesFromLoadBalancerCommand({ LoadBalancerName: lb, Instances }), c.opts);
            } catch (err) {
              if (!awsErrorCode(err).startsWith('LoadBalancerNotFound')) throw err;
              await ctx.task.updateStatus(phase, `Unable to deregister instances, ${lb} does not exist (${errorMessage(err)})`);
            }
          } else {
            await ctx.task.updateStatus(phase, 'Registering instances with Load Balancers...');
            await c.elb.send(new RegisterInstancesWithLoadBalancerCommand({ LoadBalancerName: lb, Instances }), c.opts);
          }
        }
        for (const arn of group.TargetGroupARNs ?? []) {
          const Targets = instanceIds.map((Id) => ({ Id }));
          if (disable) {
            try {
              await ctx.task.updateStatus(phase, 'Deregistering instances from Target Groups...');
              await c.elbv2.send(new DeregisterTargetsCommand({ TargetGroupArn: arn, Targets }), c.opts);
            } catch (err) {
              const code = awsErrorCode(err);
              if (!code.startsWith('TargetGroupNotFound') && !code.startsWith('InvalidTarget')) throw err;
              await ctx.task.updateStatus(phase, `Unable to deregister targets, ${arn} invalid (${errorMessage(err)})`);
            }
          } else {
            await ctx.task.updateStatus(phase, 'Registering instances with Target Groups...');
            await c.elbv2.send(new RegisterTargetsCommand({ TargetGroupArn: arn, Targets }), c.opts);
          }
        }
      }
      await ctx.task.updateStatus(phase, `Finished ${participle} ASG ${name}.`);
      return undefined;
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const failure = `Could not ${verb} ASG '${name}' in region ${region}! Failure Type: ${err instanceof Error ? err.name : 'Error'}; Message: ${errorMessage(err)}`;
      await ctx.task.updateStatus(phase, failure);
      return failure;
    }
  }

  return defineOperation({
    name: disable ? 'disableServerGroup' : 'enableServerGroup',
    displayName: disable ? 'DisableAsgAtomicOperation' : 'EnableAsgAtomicOperation',
    schema,
    account: (d) => accountOf(d),
    applications: (d) => [...new Set(asgsOf(d).map((a) => parseName(a.serverGroupName).app))].filter((a) => a !== ''),
    validate(d) {
      const v = new AwsValidator('EnableDisableAsgDescription', deps);
      const account = accountOf(d);
      v.credentials(account);
      v.asgs(account, asgsOf(d));
      return v.problems;
    },
    async operate(d, ctx) {
      const account = accountOf(d) ?? '';
      const asgs = asgsOf(d);
      const descriptor = describeAsgs(asgs);
      await ctx.task.updateStatus(phase, `Initializing ${verb} ASG operation for ${descriptor}...`);
      const partial: string[][] = [];
      const failures: string[] = [];
      for (const asg of asgs) {
        const failure = await operateOnAsg(d, account, asg, ctx, partial);
        if (failure !== undefined) failures.push(failure);
      }
      await refreshAfterChange(deps, ctx, account, asgs.map((a) => a.region), ['serverGroups', 'loadBalancers']);
      if (failures.length > 0) throw new AwsOperationError(failures.join('; '), `${verb}AsgFailure`);
      await ctx.task.updateStatus(phase, `Finished ${verb} ASG operation for ${descriptor}.`);
      return partial.length > 0 ? { instanceIdsToDisable: partial.flat() } : undefined;
    },
  });
}

export const enableServerGroup = (deps: AwsOperationDeps): OperationDefinition => enableDisable(deps, false);
export const disableServerGroup = (deps: AwsOperationDeps): OperationDefinition => enableDisable(deps, true);
