/**
 * What the Elastic Load Balancing v2 actions share: Marker/PageSize pagination (PageSize 1-400,
 * NextMarker in the result), lookups with the service's NotFound errors, which target groups
 * a load balancer's listeners and rules forward to, and tags.
 */
import { AwsError, validationError } from '../../errors.js';
import { paginate } from '../../pagination.js';
import type { Page } from '../../pagination.js';
import { int, objects, str } from '../../params.js';
import type { Params } from '../../params.js';
import type { RequestContext } from '../../service.js';
import type { ElbV2State, LoadBalancerV2, TargetGroup } from '../../state.js';

export function markerPage<T>(ctx: RequestContext, p: Params, items: readonly T[]): Page<T> {
  return paginate(items, {
    token: str(p, 'Marker'),
    size: int(p, 'PageSize'),
    min: 1,
    max: 400,
    scope: `${ctx.account.id}/${ctx.region.name}/${ctx.action}`,
    invalidTokenCode: 'ValidationError',
    invalidSize: (n) => validationError(`1 validation error detected: Value '${n}' at 'pageSize' failed to satisfy constraint: Member must have value less than or equal to 400`),
  });
}

export function loadBalancer(ctx: RequestContext, arn: string | undefined): LoadBalancerV2 {
  const lb = arn === undefined ? undefined : ctx.region.elbv2.loadBalancers.get(arn);
  if (lb === undefined) throw new AwsError('LoadBalancerNotFound', `One or more load balancers not found`);
  return lb;
}

export function targetGroup(ctx: RequestContext, arn: string | undefined): TargetGroup {
  const tg = arn === undefined ? undefined : ctx.region.elbv2.targetGroups.get(arn);
  if (tg === undefined) throw new AwsError('TargetGroupNotFound', `One or more target groups not found`);
  return tg;
}

/** Target group ARNs an action list forwards to (TargetGroupArn or ForwardConfig.TargetGroups). */
export function forwardedGroups(actions: readonly Record<string, unknown>[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    const direct = str(a, 'TargetGroupArn');
    if (direct !== undefined) out.push(direct);
    const forward = a.ForwardConfig;
    if (forward !== undefined && typeof forward === 'object' && forward !== null) for (const t of objects(forward as Params, 'TargetGroups')) if (str(t, 'TargetGroupArn') !== undefined) out.push(str(t, 'TargetGroupArn') as string);
  }
  return out;
}

/** Load balancers whose listeners or rules forward to the target group. */
export function loadBalancersOf(state: ElbV2State, targetGroupArn: string): string[] {
  const lbs = new Set<string>();
  for (const l of state.listeners.values()) if (forwardedGroups(l.defaultActions).includes(targetGroupArn)) lbs.add(l.loadBalancerArn);
  for (const r of state.rules.values()) {
    if (!forwardedGroups(r.actions).includes(targetGroupArn)) continue;
    const l = state.listeners.get(r.listenerArn);
    if (l !== undefined) lbs.add(l.loadBalancerArn);
  }
  return [...lbs].filter((arn) => state.loadBalancers.has(arn));
}

export function tagsOf(state: ElbV2State, arn: string): { Key: string; Value: string }[] {
  return [...(state.tags.get(arn) ?? new Map<string, string>())].map(([Key, Value]) => ({ Key, Value }));
}

export function setTags(state: ElbV2State, arn: string, tags: readonly Params[]): void {
  if (tags.length === 0) return;
  const m = state.tags.get(arn) ?? new Map<string, string>();
  for (const t of tags) m.set(str(t, 'Key') ?? '', str(t, 'Value') ?? '');
  state.tags.set(arn, m);
}

export const NAME = /^(?!-)(?!internal-)[a-zA-Z0-9-]{1,32}(?<!-)$/;
