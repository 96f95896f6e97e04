/**
 * After a change, the region's agents for the touched kinds run at once (`AwsOperationDeps.refresh`),
 * so a client polling the read API sees the change when the task completes. Best effort: a failed
 * refresh is logged and leaves the change to the next scheduled agent run; the operation stands.
 */
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { errorMessage } from './support.js';

export async function refreshAfterChange(deps: AwsOperationDeps, ctx: OperationContext, account: string, regions: Iterable<string>, kinds: readonly string[] = ['serverGroups']): Promise<void> {
  for (const region of new Set(regions)) {
    try {
      await deps.refresh(account, region, kinds);
    } catch (err) {
      ctx.logger.warn({ account, region, kinds, err: errorMessage(err) }, 'cache refresh after an AWS operation failed; the next agent run will pick the change up');
    }
  }
}
