/**
 * `resizeServerGroup` (`ResizeAsgAtomicOperation`, description `ResizeAsgDescription`): sets min,
 * max and desired capacity of each group with UpdateAutoScalingGroup. `capacity` and
 * `constraints` at the top level apply to the legacy `serverGroupName`/`region(s)` form
 * (`ResizeAsgDescriptionPreProcessor`); a group that is missing or being deleted is skipped.
 */
import { DescribeLifecycleHooksCommand, UpdateAutoScalingGroupCommand, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { accountFields, accountOf, capacitySchema, type Capacity } from './descriptions.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, AwsValidator, describeGroup, errorMessage, regionClients, type RegionClients } from './support.js';

const PHASE = 'RESIZE';

const constraintsSchema = z.object({ capacity: capacitySchema.nullish() });
const targetSchema = z.object({
  serverGroupName: z.string().max(255).nullish(),
  asgName: z.string().max(255).nullish(),
  region: z.string().max(255).nullish(),
  capacity: capacitySchema.nullish(),
  constraints: constraintsSchema.nullish(),
});

const schema = z.object({
  ...accountFields,
  asgs: z.array(targetSchema).max(100).nullish(),
  serverGroupName: z.string().max(255).nullish(),
  asgName: z.string().max(255).nullish(),
  region: z.string().max(255).nullish(),
  regions: z.array(z.string().max(255)).max(50).nullish(),
  capacity: capacitySchema.nullish(),
  constraints: constraintsSchema.nullish(),
});
type ResizeDescription = z.infer<typeof schema>;

interface ResizeTarget {
  readonly serverGroupName: string;
  readonly region: string;
  readonly capacity: Capacity;
  readonly constraints?: Capacity | undefined;
}

function targetsOf(d: ResizeDescription): ResizeTarget[] {
  if (d.asgs && d.asgs.length > 0) {
    return d.asgs.map((a) => ({ serverGroupName: a.serverGroupName ?? a.asgName ?? '', region: a.region ?? '', capacity: a.capacity ?? {}, constraints: a.constraints?.capacity ?? undefined }));
  }
  const serverGroupName = d.serverGroupName ?? d.asgName ?? '';
  const regions = d.region ? [d.region] : (d.regions ?? []);
  return regions.map((region) => ({ serverGroupName, region, capacity: d.capacity ?? {}, constraints: d.constraints?.capacity ?? undefined }));
}

/** `ServerGroup.Capacity.toString()`. */
export function capacityText(c: Capacity): string {
  return `Capacity(min=${c.min ?? 'null'}, max=${c.max ?? 'null'}, desired=${c.desired ?? 'null'})`;
}

/** `validateConstraints`: every given constraint must equal the group's current value. */
function checkConstraints(constraints: Capacity | undefined, g: AutoScalingGroup): void {
  if (constraints === undefined) return;
  const current = { min: g.MinSize, desired: g.DesiredCapacity, max: g.MaxSize };
  const expected = { min: constraints.min, desired: constraints.desired, max: constraints.max };
  const violated = (Object.keys(expected) as (keyof typeof expected)[]).some((k) => expected[k] != null && expected[k] !== current[k]);
  if (violated) {
    const show = (o: Record<string, unknown>) => `[${Object.entries(o).map(([k, v]) => `${k}:${v === undefined || v === null ? 'null' : String(v)}`).join(', ')}]`;
    throw new AwsOperationError(`Expected capacity constraint violated (expected: ${show(expected)}, was: ${show(current)})`);
  }
}

/**
 * `DefaultAfterResizeEventHandler`: after a resize to 0, terminates the group's instances (100 at a
 * time) unless a load balancer, a target group or a terminating lifecycle hook needs them to leave
 * the usual way.
 */
async function afterResizeToZero(c: RegionClients, g: AutoScalingGroup, ctx: OperationContext): Promise<void> {
  const name = g.AutoScalingGroupName ?? '';
  if ((g.LoadBalancerNames ?? []).length > 0 || (g.TargetGroupARNs ?? []).length > 0) {
    await ctx.task.updateStatus(PHASE, 'Skipping explicit instance termination, server group is attached to one or more load balancers');
    return;
  }
  try {
    const hooks = (await c.autoScaling.send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: name }), c.opts)).LifecycleHooks ?? [];
    if (hooks.some((h) => (h.LifecycleTransition ?? '').toLowerCase() === 'autoscaling:ec2_instance_terminating')) {
      await ctx.task.updateStatus(PHASE, 'Skipping explicit instance termination, server group has one or more lifecycle hooks');
      return;
    }
  } catch (err) {
    await ctx.task.updateStatus(PHASE, `Skipping explicit instance termination, unable to fetch lifecycle hooks (reason: '${errorMessage(err)}')`);
    return;
  }
  const ids = (g.Instances ?? []).map((i) => i.InstanceId ?? '').filter((id) => id !== '');
  for (let i = 0; i < ids.length; i += 100) {
    const batch = ids.slice(i, i + 100);
    try {
      await ctx.task.updateStatus(PHASE, `Terminating ${i + batch.length} of ${ids.length} instances in ${name}`);
      await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: batch }), c.opts);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      await ctx.task.updateStatus(PHASE, `Unable to terminate instances, reason: '${errorMessage(err)}'`);
    }
  }
}

export function resizeServerGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'resizeServerGroup',
    displayName: 'ResizeAsgAtomicOperation',
    schema,
    account: (d) => accountOf(d),
    applications: (d) => [...new Set(targetsOf(d).map((t) => parseName(t.serverGroupName).app))].filter((a) => a !== ''),
    validate(d) {
      const v = new AwsValidator('ResizeAsgDescription', deps);
      const account = accountOf(d);
      v.credentials(account);
      const targets = targetsOf(d);
      v.asgs(account, targets);
      for (const t of targets) v.capacity(t.capacity);
      return v.problems;
    },
    async operate(d, ctx) {
      const account = accountOf(d) ?? '';
      const targets = targetsOf(d);
      const descriptor = `[${targets.map((t) => `region: ${t.region}, serverGroupName: ${t.serverGroupName}, capacity: [${capacityText(t.capacity)}]`).join(', ')}]`;
      await ctx.task.updateStatus(PHASE, `Initializing Resize ASG operation for ${descriptor}...`);
      for (const t of targets) {
        const { serverGroupName: name, region, capacity } = t;
        await ctx.task.updateStatus(PHASE, `Beginning resize of ${name} in ${region} to ${capacityText(capacity)}.`);
        if (capacity.min == null && capacity.max == null && capacity.desired == null) {
          await ctx.task.updateStatus(PHASE, `Skipping resize of ${name} in ${region}, at least one field in ${capacityText(capacity)} needs to be non-null`);
          continue;
        }
        const c = regionClients(deps, account, region, ctx.signal);
        const group = await describeGroup(c, name);
        if (group === undefined || (group.Status !== undefined && group.Status !== '')) {
          await ctx.task.updateStatus(PHASE, `Skipping resize of ${name} in ${region}, server group does not exist`);
          continue;
        }
        checkConstraints(t.constraints, group);
        await c.autoScaling.send(
          new UpdateAutoScalingGroupCommand({
            AutoScalingGroupName: name,
            ...(capacity.min == null ? {} : { MinSize: capacity.min }),
            ...(capacity.max == null ? {} : { MaxSize: capacity.max }),
            ...(capacity.desired == null ? {} : { DesiredCapacity: capacity.desired }),
          }),
          c.opts,
        );
        if (capacity.desired === 0) await afterResizeToZero(c, group, ctx);
        await ctx.task.updateStatus(PHASE, `Completed resize of ${name} in ${region}.`);
      }
      await refreshAfterChange(deps, ctx, account, targets.map((t) => t.region));
      await ctx.task.updateStatus(PHASE, `Finished Resize ASG operation for ${descriptor}.`);
      return undefined;
    },
  });
}
