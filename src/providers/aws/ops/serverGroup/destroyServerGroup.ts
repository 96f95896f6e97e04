/**
 * `destroyServerGroup` (`DestroyAsgAtomicOperation`, description `DestroyAsgDescription`): per
 * group, force-deletes the Auto Scaling group, deletes its launch configuration or launch template
 * (retried with back-off, as upstream's `RetrySupport` with 5 attempts: a launch configuration
 * stays attached until the group is gone), then terminates its instances 100 at a time. A group
 * that does not exist counts as destroyed (idempotent).
 */
import { DeleteAutoScalingGroupCommand, DeleteLaunchConfigurationCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DeleteLaunchTemplateCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { accountFields, accountOf, asgsOf, describeAsgs, legacyAsgFields } from './descriptions.js';
import { refreshAfterChange } from './refresh.js';
import { AwsValidator, awsErrorCode, describeGroup, errorMessage, regionClients, sleep, type RegionClients } from './support.js';

const PHASE = 'DESTROY_ASG';
/** `MAX_SIMULTANEOUS_TERMINATIONS`. */
const TERMINATE_BATCH = 100;
/** Attempts and first back-off of the launch setting's deletion (doubling, as `RetrySupport` with exponential back-off). */
const DELETE_ATTEMPTS = 5;
const DELETE_BACKOFF_MS = 1_000;

const schema = z.object({ ...accountFields, ...legacyAsgFields });

async function deleteLaunchSetting(c: RegionClients, group: AutoScalingGroup, ctx: OperationContext): Promise<void> {
  const lcName = group.LaunchConfigurationName;
  const templateId = group.LaunchTemplate?.LaunchTemplateId ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification?.LaunchTemplateId;
  if (!lcName && !templateId) return;
  for (let attempt = 1; ; attempt++) {
    try {
      if (lcName) {
        await ctx.task.updateStatus(PHASE, `Deleting launch config ${lcName} in ${c.region}.`);
        try {
          await c.autoScaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: lcName }), c.opts);
        } catch (err) {
          if (!errorMessage(err).toLowerCase().includes('launch configuration name not found')) throw err;
        }
      } else if (templateId) {
        await ctx.task.updateStatus(PHASE, `Deleting launch template ${templateId} in ${c.region}.`);
        try {
          await c.ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: templateId }), c.opts);
        } catch (err) {
          if (!errorMessage(err).toLowerCase().includes('does not exist') && !awsErrorCode(err).startsWith('InvalidLaunchTemplateId.NotFound')) throw err;
        }
      }
      return;
    } catch (err) {
      if (attempt >= DELETE_ATTEMPTS) throw err;
      await sleep(DELETE_BACKOFF_MS * 2 ** (attempt - 1), ctx.signal);
    }
  }
}

export function destroyServerGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'destroyServerGroup',
    displayName: 'DestroyAsgAtomicOperation',
    schema,
    account: (d) => accountOf(d),
    applications: (d) => [...new Set(asgsOf(d).map((a) => parseName(a.serverGroupName).app))].filter((a) => a !== ''),
    validate(d) {
      const v = new AwsValidator('DestroyAsgDescription', deps);
      const account = accountOf(d);
      v.credentials(account);
      v.asgs(account, asgsOf(d));
      return v.problems;
    },
    async operate(d, ctx) {
      const account = accountOf(d) ?? '';
      const asgs = asgsOf(d);
      const descriptor = describeAsgs(asgs);
      await ctx.task.updateStatus(PHASE, `Initializing ASG Destroy operation for ${descriptor}...`);
      for (const { serverGroupName: name, region } of asgs) {
        const c = regionClients(deps, account, region, ctx.signal);
        await ctx.task.updateStatus(PHASE, `Looking up instance ids for ${name} in ${region}...`);
        const group = await describeGroup(c, name);
        if (group === undefined) continue; // no such group: destroyed already
        const instanceIds = (group.Instances ?? []).map((i) => i.InstanceId ?? '').filter((id) => id !== '');
        await ctx.task.updateStatus(PHASE, `Force deleting ${name} in ${region}.`);
        try {
          await c.autoScaling.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }), c.opts);
        } catch (err) {
          // A second destroy while the first is still draining the group: the deletion is under way.
          if (!awsErrorCode(err).startsWith('ScalingActivityInProgress')) throw err;
        }
        await deleteLaunchSetting(c, group, ctx);
        for (let i = 0; i < instanceIds.length; i += TERMINATE_BATCH) {
          const batch = instanceIds.slice(i, i + TERMINATE_BATCH);
          try {
            await ctx.task.updateStatus(PHASE, `Issuing terminate instances request for ${batch.length} instances.`);
            await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: batch }), c.opts);
          } catch (err) {
            if (ctx.signal.aborted) throw err;
            await ctx.task.updateStatus(PHASE, `Unable to terminate instances, reason: '${errorMessage(err)}'`);
          }
        }
      }
      await refreshAfterChange(deps, ctx, account, asgs.map((a) => a.region));
      await ctx.task.updateStatus(PHASE, `Finished Destroy ASG operation for ${descriptor}.`);
      return undefined;
    },
  });
}
