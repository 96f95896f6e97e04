import type { OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

/** The server-group operations of clouddriver-aws (`AWSG/deploy/ops`), by upstream wire name. */
export function serverGroupOperations(_deps: AwsOperationDeps): OperationDefinition[] {
  return [];
}
