/**
 * Frigga names for new server groups (`AbstractServerGroupNameResolver` with
 * `AWSServerGroupNameResolver`): `app[-stack[-detail]]-vNNN`, the next sequence after the newest
 * group of the cluster in the region (by creation time), skipping numbers in use, modulo 1000.
 *
 * Upstream reads the cluster's groups from the cache and then checks each candidate against AWS;
 * here the region's groups are listed from AWS directly (exact, and one paged call per deploy).
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { parseName } from '../../names.js';
import { AwsOperationError, listGroups, type RegionClients } from './support.js';

/** `NameConstants.NAME_CHARS` / `NAME_HYPHEN_CHARS`. */
const NAME = /^[a-zA-Z0-9._]+$/;
const NAME_WITH_HYPHEN = /^[a-zA-Z0-9._-]+$/;
const NAMESPACE = 1000;

export interface TakenSlot {
  readonly serverGroupName: string;
  readonly sequence: number | undefined;
  readonly createdTime: number;
}

/** `combineAppStackDetail`: `app`, `app-stack`, `app-stack-detail` or `app--detail`. */
export function clusterName(app: string, stack?: string | null, detail?: string | null): string {
  const s = stack ?? '';
  const d = detail ?? '';
  if (d !== '') return `${app}-${s}-${d}`;
  if (s !== '') return `${app}-${s}`;
  return app;
}

/** `generateServerGroupName`, with the name checks of `NameValidation`. */
export function serverGroupName(app: string, stack: string | null | undefined, detail: string | null | undefined, sequence: number, ignoreSequence = false): string {
  if (sequence < 0 || sequence >= NAMESPACE || !Number.isInteger(sequence)) throw new AwsOperationError(`Sequence '${sequence}' is invalid`, 'IllegalArgumentException');
  if (app === '' || !NAME.test(app)) throw new AwsOperationError(`Invalid appName ${app}, may only contain a-zA-Z0-9._ characters`, 'IllegalArgumentException');
  if (stack && !NAME.test(stack)) throw new AwsOperationError(`Invalid stack ${stack}, stack may only contain a-zA-Z0-9._`, 'IllegalArgumentException');
  if (detail && !NAME_WITH_HYPHEN.test(detail)) throw new AwsOperationError(`Invalid detail ${detail}, detail may only contain a-zA-Z0-9._-`, 'IllegalArgumentException');
  const cluster = clusterName(app, stack, detail);
  return ignoreSequence ? cluster : `${cluster}-v${String(sequence).padStart(3, '0')}`;
}

/** The groups of a cluster in the region (groups being deleted still hold their names). */
export function takenSlots(groups: readonly Pick<AutoScalingGroup, 'AutoScalingGroupName' | 'CreatedTime'>[], cluster: string): TakenSlot[] {
  return groups
    .filter((g) => parseName(g.AutoScalingGroupName ?? '').cluster === cluster)
    .map((g) => ({ serverGroupName: g.AutoScalingGroupName ?? '', sequence: parseName(g.AutoScalingGroupName ?? '').sequence, createdTime: g.CreatedTime?.getTime() ?? 0 }));
}

/** `resolveLatestServerGroupName`: the most recently created (ties: the higher sequence). */
export function latestOf(slots: readonly TakenSlot[]): TakenSlot | undefined {
  let latest: TakenSlot | undefined;
  for (const s of slots) {
    if (latest === undefined || s.createdTime > latest.createdTime || (s.createdTime === latest.createdTime && (s.sequence ?? -1) > (latest.sequence ?? -1))) latest = s;
  }
  return latest;
}

/** The next free sequence after the latest one (or 0), skipping taken numbers; throws when all 1000 are taken. */
export function nextSequence(slots: readonly TakenSlot[], cluster: string, region: string): number {
  const latest = latestOf(slots);
  let next = latest === undefined ? 0 : ((latest.sequence ?? 0) + 1) % NAMESPACE;
  const taken = new Set(slots.map((s) => s.sequence));
  let steps = 0;
  while (taken.has(next) && ++steps < NAMESPACE) next = (next + 1) % NAMESPACE;
  if (steps === NAMESPACE) throw new AwsOperationError(`All server group names for cluster ${cluster} in ${region} are taken.`, 'IllegalArgumentException');
  return next;
}

export interface ResolvedName {
  readonly name: string;
  /** The cluster's newest group in the region (the ancestor), if any. */
  readonly ancestor?: string;
}

/** `AWSServerGroupNameResolver.resolveNextServerGroupName` against the region's groups. */
export async function resolveNextServerGroupName(c: RegionClients, app: string, stack: string | null | undefined, detail: string | null | undefined, ignoreSequence: boolean): Promise<ResolvedName> {
  const cluster = clusterName(app, stack, detail);
  if (!NAME_WITH_HYPHEN.test(cluster)) throw new AwsOperationError(`Invalid cluster name: '${cluster}'. Cluster names can only contain characters in the following range: a-zA-Z0-9._-`, 'IllegalArgumentException');
  const slots = takenSlots(await listGroups(c), cluster);
  const latest = latestOf(slots);
  const name = serverGroupName(app, stack, detail, nextSequence(slots, cluster, c.region), ignoreSequence);
  return { name, ...(latest === undefined ? {} : { ancestor: latest.serverGroupName }) };
}

/** `resolveLatestServerGroupName` for a cluster in the region (clone without a source). */
export async function latestServerGroupName(c: RegionClients, cluster: string): Promise<string | undefined> {
  return latestOf(takenSlots(await listGroups(c), cluster))?.serverGroupName;
}
