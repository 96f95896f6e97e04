/**
 * Wire shapes shared by the server-group operation descriptions (Clouddriver's
 * `AbstractAmazonCredentialsDescription` subclasses). Unknown fields are dropped: Orca sends more
 * than any one operation reads (`cloudProvider`, `type`, `user`, ...). Nulls are accepted wherever
 * Jackson would accept them.
 */
import { z } from 'zod';

/** Upper bound of any capacity (Auto Scaling's own limit per group is far lower). */
export const MAX_CAPACITY = 10_000;

const name = z.string().max(255);
const count = z.coerce.number().int().min(0).max(MAX_CAPACITY);

/**
 * `credentials` is the account name (`AbstractAmazonCredentialsDescription.credentials`, set by the
 * converter from `input.credentials`); `account` is accepted as its alias
 * (`CredentialsAccountNormalizationPreProcessor`).
 */
export const accountFields = {
  credentials: z.string().max(255).nullish(),
  account: z.string().max(255).nullish(),
};

export function accountOf(d: { credentials?: string | null | undefined; account?: string | null | undefined }): string | undefined {
  const a = d.credentials ?? d.account;
  return a === null || a === undefined || a === '' ? undefined : a;
}

/** `ServerGroup.Capacity` (each bound optional). */
export const capacitySchema = z.object({ min: count.nullish(), max: count.nullish(), desired: count.nullish() });
export type Capacity = z.infer<typeof capacitySchema>;

/** `AsgDescription`: `serverGroupName` (or the deprecated `asgName`) in `region`. */
export const asgRefSchema = z.object({ serverGroupName: name.nullish(), asgName: name.nullish(), region: name.nullish() });

/**
 * The fields `LegacyToAsgsDescriptionPreProcessor` folds into `asgs`: `serverGroupName` or
 * `asgName` with `region` or `regions`.
 */
export const legacyAsgFields = {
  asgs: z.array(asgRefSchema).max(100).nullish(),
  serverGroupName: name.nullish(),
  asgName: name.nullish(),
  region: name.nullish(),
  regions: z.array(name).max(50).nullish(),
};

export interface AsgRef {
  readonly serverGroupName: string;
  readonly region: string;
}

/** `LegacyToAsgsDescriptionPreProcessor.process`: `asgs` when given, else the legacy fields. */
export function asgsOf(d: {
  asgs?: readonly z.infer<typeof asgRefSchema>[] | null | undefined;
  serverGroupName?: string | null | undefined;
  asgName?: string | null | undefined;
  region?: string | null | undefined;
  regions?: readonly string[] | null | undefined;
}): AsgRef[] {
  if (d.asgs && d.asgs.length > 0) return d.asgs.map((a) => ({ serverGroupName: a.serverGroupName ?? a.asgName ?? '', region: a.region ?? '' }));
  const sg = d.serverGroupName ?? d.asgName ?? '';
  if (d.region) return [{ serverGroupName: sg, region: d.region }];
  return (d.regions ?? []).map((region) => ({ serverGroupName: sg, region }));
}

/** `AsgDescription.toString()`: `region:name`, listed as Groovy prints a list (`[a, b]`). */
export function describeAsgs(asgs: readonly AsgRef[]): string {
  return `[${asgs.map((a) => `${a.region}:${a.serverGroupName}`).join(', ')}]`;
}
