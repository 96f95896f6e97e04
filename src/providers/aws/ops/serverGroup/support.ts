/**
 * What every server-group operation shares: the account's SDK clients for a region, Auto Scaling
 * group look-ups (paged to the last token), upstream's exception names for failures, and the
 * validation helpers behind Clouddriver's `AmazonDescriptionValidationSupport` error codes.
 */
import { DescribeAutoScalingGroupsCommand, type AutoScalingClient, type AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

/** The SDK clients of one account in one region. */
export interface RegionClients {
  readonly account: AwsCredentials;
  readonly region: string;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly elb: ElasticLoadBalancingClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly cloudWatch: CloudWatchClient;
  /**
   * Passed to every `send`: a fresh signal per call that aborts with the task or after
   * `CALL_TIME_LIMIT_MS`, so an AWS endpoint that never answers fails the task instead of holding it.
   */
  readonly opts: { abortSignal: AbortSignal };
}

/** How long one AWS call (with the SDK's retries) may take. */
export const CALL_TIME_LIMIT_MS = 120_000;

/**
 * A failure of an operation, named after the Java exception upstream throws in the same place
 * (`IllegalStateException`, `IllegalArgumentException`, ...): the task's `EXCEPTION` result
 * object carries the name as its `cause`.
 */
export class AwsOperationError extends Error {
  constructor(message: string, name = 'IllegalStateException') {
    super(message);
    this.name = name;
  }
}

export function regionClients(deps: AwsOperationDeps, account: string, region: string, signal: AbortSignal): RegionClients {
  const credentials = deps.credentials(account);
  if (credentials === undefined) throw new AwsOperationError(`Account with name ${account} could not be found.`, 'IllegalArgumentException');
  const c = credentials.clients;
  return {
    account: credentials,
    region,
    ec2: c.ec2(region),
    autoScaling: c.autoScaling(region),
    elb: c.elb(region),
    elbv2: c.elbv2(region),
    cloudWatch: c.cloudWatch(region),
    get opts() {
      return { abortSignal: AbortSignal.any([signal, AbortSignal.timeout(CALL_TIME_LIMIT_MS)]) };
    },
  };
}

/** The AWS error code of an SDK error (`Code` for the query protocols, else the shape name). */
export function awsErrorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const e = err as { Code?: unknown; name?: unknown };
  return typeof e.Code === 'string' ? e.Code : typeof e.name === 'string' ? e.name : '';
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The group of this name, or undefined (`AsgService.getAutoScalingGroup`). */
export async function describeGroup(c: RegionClients, name: string): Promise<AutoScalingGroup | undefined> {
  const out = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }), c.opts);
  return out.AutoScalingGroups?.find((g) => g.AutoScalingGroupName === name);
}

/** Every group of the region, paged to the last token. */
export async function listGroups(c: RegionClients): Promise<AutoScalingGroup[]> {
  const all: AutoScalingGroup[] = [];
  let token: string | undefined;
  do {
    const out = await c.autoScaling.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 100, ...(token === undefined ? {} : { NextToken: token }) }), c.opts);
    all.push(...(out.AutoScalingGroups ?? []));
    token = out.NextToken;
  } while (token !== undefined && token !== '');
  return all;
}

/** Waits `ms` (rejecting when the task is aborted). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Collects validation problems as Clouddriver's `ValidationErrors` reports them:
 * `{descriptionKey}.{attribute}.{error}: {sentence}` (the same form the Kubernetes validator uses).
 */
export class AwsValidator {
  readonly problems: string[] = [];

  constructor(
    private readonly key: string,
    private readonly deps: AwsOperationDeps,
  ) {}

  reject(attribute: string, error: string, sentence: string): void {
    this.problems.push(`${this.key}.${attribute}.${error}: ${sentence}`);
  }

  /** `credentials` (or `account`) is given; whether it exists the orchestration checks. */
  credentials(account: string | undefined): void {
    if (account === undefined || account === '') this.reject('credentials', 'empty', 'credentials (the account name) is required');
  }

  /** `validateRegions`: given, and configured for the account. */
  regions(account: string | undefined, regions: readonly string[], attribute = 'region'): void {
    if (regions.length === 0 || regions.some((r) => r === '')) {
      this.reject(attribute, 'empty', `${attribute} is required`);
      return;
    }
    const configured = account === undefined ? undefined : this.deps.credentials(account)?.regions.map((r) => r.name);
    const missing = configured === undefined ? [] : regions.filter((r) => !configured.includes(r));
    if (missing.length > 0) this.reject(attribute, 'not.configured', `region ${missing.join(', ')} is not configured for account ${account ?? ''}`);
  }

  /** `validateAsgs`: at least one group, each named and in a configured region. */
  asgs(account: string | undefined, asgs: readonly { serverGroupName: string; region: string }[]): void {
    if (asgs.length === 0) {
      this.problems.push(`${this.key}.empty: no server group was given (asgs, or serverGroupName with region or regions)`);
      return;
    }
    for (const a of asgs) {
      if (a.serverGroupName === '') this.reject('serverGroupName', 'empty', 'serverGroupName is required');
      this.regions(account, [a.region]);
    }
  }

  /** `validateCapacity`: min ≤ max and desired within them. */
  capacity(capacity: { min?: number | null | undefined; max?: number | null | undefined; desired?: number | null | undefined } | null | undefined, key = 'resizeAsgDescription'): void {
    const { min, max, desired } = capacity ?? {};
    if (min != null && max != null && min > max) this.problems.push(`${key}.capacity.transposed: min size (${min}) > max size (${max})`);
    if (desired != null && ((min != null && desired < min) || (max != null && desired > max))) {
      this.problems.push(`${key}.desired.capacity.not.in.range: desired capacity (${desired}) is not within min/max (${min ?? 'null'}/${max ?? 'null'}) range`);
    }
  }
}
