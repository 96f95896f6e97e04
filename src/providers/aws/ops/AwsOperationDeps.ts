/**
 * What the AWS atomic operations need from the provider: the live accounts (their SDK clients
 * and settings), the provider cache (ancestor lookups, as Clouddriver's deploy handlers read the
 * cluster provider) and a way to refresh cached objects after a change, so that a client polling
 * the read API sees it without waiting for the next agent cycle.
 */
import type { Clock } from '../../../core/Clock.js';
import type { ProviderCache } from '../../../core/cache/Cache.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';

export interface AwsOperationDeps {
  /** The account of this name, or undefined when it does not exist (validation reports it). */
  credentials(account: string): AwsCredentials | undefined;
  /** The provider's cache (reads only; agents and on-demand write it). */
  cache(): ProviderCache | undefined;
  /** Re-runs the account's agents of a region that cache these kinds ("serverGroups", "loadBalancers", "securityGroups", ...); best effort. */
  refresh(account: string, region: string, kinds: readonly string[]): Promise<void>;
  readonly clock: Clock;
}
