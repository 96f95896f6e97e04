import type { OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { cloneServerGroup } from './cloneServerGroup.js';
import { createServerGroup } from './createServerGroup.js';
import { destroyServerGroup } from './destroyServerGroup.js';
import { disableServerGroup, enableServerGroup } from './enableDisableServerGroup.js';
import { resizeServerGroup } from './resizeServerGroup.js';
import { terminateInstanceAndDecrementServerGroup, terminateInstances } from './terminateInstances.js';
import { updateLaunchConfig } from './updateLaunchConfig.js';
import { updateLaunchTemplate } from './updateLaunchTemplate.js';

/**
 * The server-group operations of clouddriver-aws (`AWSG/deploy/ops`), by upstream wire name
 * (`AtomicOperations`): see docs/aws.md ("Server group operations") for fields and differences.
 */
export function serverGroupOperations(deps: AwsOperationDeps): OperationDefinition[] {
  return [
    createServerGroup(deps),
    cloneServerGroup(deps),
    resizeServerGroup(deps),
    enableServerGroup(deps),
    disableServerGroup(deps),
    destroyServerGroup(deps),
    terminateInstances(deps),
    terminateInstanceAndDecrementServerGroup(deps),
    updateLaunchConfig(deps),
    updateLaunchTemplate(deps),
  ];
}
