/**
 * Auto Scaling instance refresh: StartInstanceRefresh (Rolling; MinHealthyPercentage, default 90;
 * SkipMatching; DesiredConfiguration with a launch template applied to the group), 
 * DescribeInstanceRefreshes and CancelInstanceRefresh. The replacement itself runs in the
 * convergence loop (reconcile.ts). docs.aws.amazon.com/autoscaling/ec2/APIReference/API_StartInstanceRefresh.html
 */
import { AwsError, validationError } from '../../errors.js';
import { bool, int, obj, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { AutoScalingGroup, InstanceRefresh } from '../../state.js';
import { findTemplate, templateVersion } from '../ec2/launchTemplates.js';
import { asgPage, findGroup } from './common.js';

/** The launch template version number an instance runs (EC2's aws:ec2launchtemplate:version tag). */
function instanceVersion(ctx: RequestContext, id: string): string | undefined {
  return ctx.region.ec2.tags.get(id)?.get('aws:ec2launchtemplate:version');
}

function groupVersion(ctx: RequestContext, g: AutoScalingGroup): string | undefined {
  if (g.launchTemplate === undefined) return undefined;
  return String(templateVersion(findTemplate(ctx.region, { LaunchTemplateId: g.launchTemplate.id }), g.launchTemplate.version).versionNumber);
}

function render(r: InstanceRefresh): Record<string, unknown> {
  const done = r.total === 0 ? 100 : Math.floor(((r.total - r.toReplace.size) / r.total) * 100);
  return {
    InstanceRefreshId: r.id,
    AutoScalingGroupName: r.autoScalingGroupName,
    Status: r.status,
    StatusReason: r.statusReason,
    StartTime: r.startTime,
    EndTime: r.endTime,
    PercentageComplete: r.status === 'Successful' ? 100 : done,
    InstancesToUpdate: r.toReplace.size,
    Preferences: r.preferences,
    DesiredConfiguration: r.desiredConfiguration,
    Strategy: 'Rolling',
  };
}

export const instanceRefreshActions: Record<string, ActionHandler> = {
  StartInstanceRefresh: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    if (ctx.region.autoScaling.instanceRefreshes.some((r) => r.autoScalingGroupName === g.name && (r.status === 'Pending' || r.status === 'InProgress'))) {
      throw new AwsError('InstanceRefreshInProgress', 'An Instance Refresh is already in progress and blocks the execution of this Instance Refresh.');
    }
    const strategy = str(p, 'Strategy') ?? 'Rolling';
    if (strategy !== 'Rolling') throw validationError(`Strategy ${strategy} is not supported`);
    const prefs = obj(p, 'Preferences') ?? {};
    const minHealthy = int(prefs, 'MinHealthyPercentage') ?? 90;
    if (minHealthy < 0 || minHealthy > 100) throw validationError('MinHealthyPercentage must be between 0 and 100');
    const desired = obj(p, 'DesiredConfiguration');
    const lt = desired === undefined ? undefined : obj(desired, 'LaunchTemplate');
    if (lt !== undefined) {
      const t = findTemplate(ctx.region, lt);
      const version = str(lt, 'Version') ?? '$Default';
      templateVersion(t, version);
      delete g.launchConfigurationName;
      g.launchTemplate = { id: t.launchTemplateId, name: t.launchTemplateName, version };
    }
    const skipMatching = bool(prefs, 'SkipMatching') === true;
    const current = groupVersion(ctx, g);
    const members = g.instances.filter((i) => i.lifecycleState !== 'Terminating' && (!skipMatching || current === undefined || instanceVersion(ctx, i.instanceId) !== current)).map((i) => i.instanceId);
    const refresh: InstanceRefresh = {
      id: ctx.world.uuid(),
      autoScalingGroupName: g.name,
      status: 'Pending',
      startTime: ctx.world.now(),
      minHealthyPercentage: minHealthy,
      toReplace: new Set(members),
      total: members.length,
      preferences: { MinHealthyPercentage: minHealthy, InstanceWarmup: int(prefs, 'InstanceWarmup') ?? g.healthCheckGracePeriod, SkipMatching: skipMatching },
      ...(desired === undefined ? {} : { desiredConfiguration: desired }),
    };
    ctx.region.autoScaling.instanceRefreshes.unshift(refresh);
    return { InstanceRefreshId: refresh.id };
  },

  DescribeInstanceRefreshes: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const ids = strings(p, 'InstanceRefreshIds');
    const refreshes = ctx.region.autoScaling.instanceRefreshes.filter((r) => r.autoScalingGroupName === g.name && (ids.length === 0 || ids.includes(r.id)));
    const page = asgPage(ctx, p, refreshes);
    return { InstanceRefreshes: page.items.map(render), NextToken: page.next };
  },

  CancelInstanceRefresh: (ctx, p) => {
    const g = findGroup(ctx, str(p, 'AutoScalingGroupName'));
    const active = ctx.region.autoScaling.instanceRefreshes.find((r) => r.autoScalingGroupName === g.name && (r.status === 'Pending' || r.status === 'InProgress'));
    if (active === undefined) throw new AwsError('ActiveInstanceRefreshNotFound', `No in progress or pending Instance Refresh found for Auto Scaling group ${g.name}`);
    active.status = 'Cancelled';
    active.endTime = ctx.world.now();
    return { InstanceRefreshId: active.id };
  },
};
