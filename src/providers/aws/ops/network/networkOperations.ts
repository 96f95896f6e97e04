import type { OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { deleteAlarm, upsertAlarm } from './alarms.js';
import { deleteLoadBalancer } from './deleteLoadBalancer.js';
import { deleteSecurityGroup } from './deleteSecurityGroup.js';
import { deleteScalingPolicy, upsertScalingPolicy } from './scalingPolicies.js';
import { deleteAsgTags, upsertImageTags, upsertServerGroupTags } from './tags.js';
import { upsertLoadBalancer } from './upsertLoadBalancer.js';
import { upsertSecurityGroup } from './upsertSecurityGroup.js';

/**
 * Security group, load balancer, scaling policy, alarm and tag operations of clouddriver-aws, by
 * upstream wire name: the `AtomicOperations` constant of the converter's `@AmazonOperation`, or
 * the converter's bean name where upstream has no annotation (`upsertAlarmDescription`,
 * `deleteAlarmDescription`, `deleteAsgTagsDescription`).
 */
export function networkOperations(deps: AwsOperationDeps): OperationDefinition[] {
  return [
    upsertSecurityGroup(deps),
    deleteSecurityGroup(deps),
    upsertLoadBalancer(deps),
    deleteLoadBalancer(deps),
    upsertScalingPolicy(deps),
    deleteScalingPolicy(deps),
    upsertAlarm(deps),
    deleteAlarm(deps),
    upsertServerGroupTags(deps),
    deleteAsgTags(deps),
    upsertImageTags(deps),
  ];
}
