import type { OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { deleteLoadBalancer } from './deleteLoadBalancer.js';
import { deleteSecurityGroup } from './deleteSecurityGroup.js';
import { upsertLoadBalancer } from './upsertLoadBalancer.js';
import { upsertSecurityGroup } from './upsertSecurityGroup.js';

/** Security group, load balancer, scaling policy, alarm and tag operations of clouddriver-aws, by upstream wire name. */
export function networkOperations(deps: AwsOperationDeps): OperationDefinition[] {
  return [upsertSecurityGroup(deps), deleteSecurityGroup(deps), upsertLoadBalancer(deps), deleteLoadBalancer(deps)];
}
