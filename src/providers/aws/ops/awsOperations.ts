import type { OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from './AwsOperationDeps.js';
import { networkOperations } from './network/networkOperations.js';
import { serverGroupOperations } from './serverGroup/serverGroupOperations.js';

/** Every AWS atomic operation (`POST /aws/ops`), by Clouddriver's wire name (`@AmazonOperation`). */
export function awsOperations(deps: AwsOperationDeps): OperationDefinition[] {
  return [...serverGroupOperations(deps), ...networkOperations(deps)];
}
