/**
 * What the network operations share: the wire shapes every AWS description has
 * (`AbstractAmazonCredentialsDescription`: the account as `credentials` or `account`), lenient
 * number and boolean fields as Jackson reads them, validation in Clouddriver's
 * `{context}.{field}.{code}` form (`AmazonDescriptionValidationSupport`), and the after-change
 * refresh of the cache so the read API shows a change when the task completes.
 */
import { z } from 'zod';
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { AwsCredentials } from '../../account/AwsCredentials.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';

/** An integer that may arrive as a JSON number or a numeric string (Jackson coerces both). */
export const intField = z.preprocess((v) => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v), z.number().int().min(-1_000_000_000).max(1_000_000_000));
/** A number (doubles such as alarm thresholds), as a JSON number or numeric string. */
export const numberField = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v), z.number().finite());
/** A boolean that may arrive as `"true"`/`"false"`. */
export const boolField = z.preprocess((v) => (v === 'true' ? true : v === 'false' ? false : v), z.boolean());
/** Names and ids that end up in AWS requests and status lines: bounded, no control characters. */
export const nameField = z.string().max(1024).regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** A JSON object of at most `max` keys (tags, zones by region): a bound on what one request may ask for. */
export function boundedRecord<T extends z.ZodTypeAny>(value: T, max = 100) {
  return z.record(value).refine((r) => Object.keys(r).length <= max, { message: `at most ${max} entries` });
}

/**
 * `AbstractAmazonCredentialsDescription`: Orca sends the account as `credentials`, Deck and
 * older clients as `account`; both end up in `account` (credentials wins, as upstream's getter).
 */
export function withAccount<T extends z.ZodRawShape>(shape: T) {
  return z.preprocess(
    (v) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
      const o = v as Record<string, unknown>;
      const credentials = typeof o.credentials === 'string' && o.credentials !== '' ? o.credentials : undefined;
      return credentials === undefined ? o : { ...o, account: credentials };
    },
    z.object({ account: z.string({ required_error: 'account (or credentials) is required' }).min(1, 'account (or credentials) is required').max(256), ...shape }).passthrough(),
  );
}

/** Collects Clouddriver-style validation errors: `{context}.{field}.{code}: explanation`. */
export class AwsValidator {
  readonly problems: string[] = [];
  constructor(private readonly context: string, private readonly deps: AwsOperationDeps) {}

  reject(code: string, explanation: string): void {
    this.problems.push(`${this.context}.${code}: ${explanation}`);
  }

  /** The account, when it exists (core reports a missing account itself). */
  credentials(account: string): AwsCredentials | undefined {
    return this.deps.credentials(account);
  }

  /** `validateRegions`: at least one region, each configured for the account. */
  regions(account: string, regions: readonly (string | null | undefined)[], attribute = 'regions'): void {
    const named = regions.filter((r): r is string => typeof r === 'string' && r !== '');
    if (named.length === 0) {
      this.reject(`${attribute}.empty`, `${attribute === 'region' ? 'a region is' : 'at least one region is'} required`);
      return;
    }
    const creds = this.deps.credentials(account);
    if (creds === undefined) return;
    const configured = new Set(creds.regions.map((r) => r.name));
    const missing = named.filter((r) => !configured.has(r));
    if (missing.length > 0) this.reject(`${attribute}.not.configured`, `region(s) ${missing.join(', ')} not configured for account ${account}`);
  }
}

/** The account's credentials, or an error naming it (validation has run, so this is a race with its removal). */
export function credentialsOf(deps: AwsOperationDeps, account: string): AwsCredentials {
  const creds = deps.credentials(account);
  if (creds === undefined) throw new Error(`AWS account ${account} is no longer configured`);
  return creds;
}

/**
 * Re-runs the region's caching agents for these kinds so the read API shows the change; a
 * failure is logged, never fails the operation (the next scheduled run catches up).
 */
export async function refreshAfter(deps: AwsOperationDeps, ctx: OperationContext, account: string, region: string, kinds: readonly string[]): Promise<void> {
  try {
    await deps.refresh(account, region, kinds);
  } catch (err) {
    ctx.logger.warn({ account, region, kinds, err: err instanceof Error ? err.message : String(err) }, 'cache refresh after an AWS operation failed');
  }
}

/** The AWS error code of an SDK failure (`InvalidGroup.NotFound`, ...), if it is one. */
export function awsErrorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { name?: unknown; Code?: unknown; code?: unknown };
  for (const c of [e.Code, e.code, e.name]) if (typeof c === 'string' && c !== '' && c !== 'Error') return c;
  return undefined;
}

/** The message of an SDK failure (AWS's own error message). */
export function awsErrorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** A failure of an operation that names what went wrong (upstream's `AtomicOperationException` with its errors). */
export class AwsOperationError extends Error {
  constructor(message: string, readonly errors: readonly string[] = []) {
    super(errors.length === 0 ? message : `${message}: ${errors.join('; ')}`);
    this.name = 'AtomicOperationException';
  }
}

/** Frigga's application of a resource name (`app-stack-detail`): what authorization checks. */
export function applicationOf(name: string | null | undefined): string[] {
  if (typeof name !== 'string' || name === '') return [];
  const app = name.split('-')[0] ?? '';
  return app === '' ? [] : [app];
}
