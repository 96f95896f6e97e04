import type { OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

/** Security group, load balancer, scaling policy, alarm and tag operations of clouddriver-aws, by upstream wire name. */
export function networkOperations(_deps: AwsOperationDeps): OperationDefinition[] {
  return [];
}
