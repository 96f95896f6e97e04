/**
 * One `aws.accounts[]` entry, with the fields of Clouddriver's `CredentialsConfig.Account`
 * (clouddriver-aws `security/config/CredentialsConfig`). Unknown fields are ignored, as Spring
 * binding ignores them. Secrets are never part of an account: credentials come from the AWS
 * SDK's default chain (environment variables, profile, container or instance role), optionally
 * through `assumeRole`.
 */
import { z } from 'zod';

/** Clouddriver's `defaultRegions` when an account names none (`CredentialsConfig`). */
export const DEFAULT_REGIONS = ['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1'] as const;

const region = z.union([
  z.string().min(1).transform((name) => ({ name, deprecated: false })),
  z.object({
    name: z.string().min(1),
    availabilityZones: z.array(z.string().min(1)).optional(),
    preferredZones: z.array(z.string().min(1)).optional(),
    deprecated: z.boolean().default(false),
  }),
]);

const permissions = z
  .object({
    READ: z.array(z.string()).optional(),
    WRITE: z.array(z.string()).optional(),
    EXECUTE: z.array(z.string()).optional(),
  })
  .partial();

export const awsAccountSchema = z.object({
  name: z.string().min(1).regex(/^[^:;/\s]+$/, 'may not contain ":", ";", "/" or whitespace'),
  accountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
  environment: z.string().optional(),
  accountType: z.string().optional(),
  regions: z.array(region).min(1).optional(),
  /** Role path or ARN to assume in `accountId` (`role/spinnakerManaged`), as `AssumeRoleAmazonCredentials`. */
  assumeRole: z.string().min(1).optional(),
  sessionName: z.string().min(2).max(64).optional(),
  externalId: z.string().min(2).max(1224).optional(),
  defaultKeyPair: z.string().optional(),
  defaultSecurityGroups: z.array(z.string()).optional(),
  edda: z.string().optional(),
  eddaEnabled: z.boolean().optional(),
  discovery: z.string().optional(),
  discoveryEnabled: z.boolean().optional(),
  front50: z.string().optional(),
  front50Enabled: z.boolean().optional(),
  bastionHost: z.string().optional(),
  bastionEnabled: z.boolean().optional(),
  primaryAccount: z.boolean().optional(),
  challengeDestructiveActions: z.boolean().optional(),
  allowPrivateThirdPartyImages: z.boolean().optional(),
  enabled: z.boolean().optional(),
  requiredGroupMembership: z.array(z.string()).default([]),
  permissions: permissions.optional(),
  /** Not upstream: requests per second this account may make per service (token bucket; 0 = unlimited). */
  rateLimit: z.number().min(0).default(10),
  /** Not upstream: SDK attempts per call (the SDK's standard retry strategy backs off on throttling). */
  maxAttempts: z.number().int().min(1).max(20).default(5),
});

export type AwsAccountConfig = z.infer<typeof awsAccountSchema>;
export interface AwsRegion {
  readonly name: string;
  readonly availabilityZones?: readonly string[];
  readonly preferredZones?: readonly string[];
  readonly deprecated: boolean;
}

/** Provider-wide settings under `aws` (besides `accounts`). */
export const awsProviderSettings = z.object({
  /** A base URL used for every AWS service instead of the public endpoints (a simulator, a proxy). */
  endpoint: z.string().url().optional(),
});
export type AwsProviderSettings = z.infer<typeof awsProviderSettings>;

/**
 * The provider settings of the `aws` config section (`accounts` and `enabled` are read by the
 * composition root); an invalid value is an error naming its path.
 */
export function parseAwsProviderSettings(section: unknown): AwsProviderSettings {
  const parsed = awsProviderSettings.safeParse(section ?? {});
  if (parsed.success) return parsed.data;
  throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  - aws.${i.path.join('.')}: ${i.message}`).join('\n')}`);
}
