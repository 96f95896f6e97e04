/**
 * An AWS account as the core sees it (Clouddriver's `NetflixAmazonCredentials`): its regions,
 * the fields `/credentials` shows, and its SDK clients. No secret is held here: the clients take
 * credentials from the SDK's default chain or STS.
 */
import type { AccountCredentials, Permissions } from '../../../core/accounts/AccountCredentials.js';
import { effectivePermissions } from '../../../core/accounts/AccountCredentials.js';
import { AwsClients } from '../client/AwsClients.js';
import { DEFAULT_REGIONS, type AwsAccountConfig, type AwsRegion } from './AwsAccountConfig.js';

export class AwsCredentials implements AccountCredentials {
  readonly cloudProvider = 'aws';
  readonly name: string;
  readonly environment: string;
  readonly accountType: string;
  readonly permissions: Permissions;
  readonly requiredGroupMembership: readonly string[];
  readonly regions: readonly AwsRegion[];
  readonly clients: AwsClients;

  constructor(readonly config: AwsAccountConfig, endpoint?: string) {
    this.name = config.name;
    this.environment = config.environment ?? config.name;
    this.accountType = config.accountType ?? config.name;
    this.requiredGroupMembership = config.requiredGroupMembership;
    this.permissions = effectivePermissions(config.permissions, config.requiredGroupMembership);
    this.regions = config.regions ?? DEFAULT_REGIONS.map((name) => ({ name, deprecated: false }));
    this.clients = new AwsClients({
      ...(endpoint === undefined ? {} : { endpoint }),
      ...(config.accountId === undefined ? {} : { accountId: config.accountId }),
      ...(config.assumeRole === undefined ? {} : { assumeRole: config.assumeRole }),
      ...(config.sessionName === undefined ? {} : { sessionName: config.sessionName }),
      ...(config.externalId === undefined ? {} : { externalId: config.externalId }),
      rateLimit: config.rateLimit,
      maxAttempts: config.maxAttempts,
    });
  }

  /** The fields Clouddriver's `/credentials` shows for an AWS account (`AmazonCredentials` getters). */
  describe(): Record<string, unknown> {
    const c = this.config;
    const pick = <K extends keyof AwsAccountConfig>(...keys: K[]) => Object.fromEntries(keys.filter((k) => c[k] !== undefined).map((k) => [k, c[k]]));
    return {
      accountId: c.accountId ?? null,
      regions: this.regions.map((r) => ({ name: r.name, availabilityZones: r.availabilityZones ?? [], preferredZones: r.preferredZones ?? r.availabilityZones ?? [], deprecated: r.deprecated })),
      defaultKeyPair: c.defaultKeyPair ?? null,
      assumeRole: c.assumeRole ?? null,
      sessionName: c.sessionName ?? null,
      ...pick('edda', 'eddaEnabled', 'discovery', 'discoveryEnabled', 'front50', 'front50Enabled', 'bastionHost', 'bastionEnabled', 'defaultSecurityGroups', 'allowPrivateThirdPartyImages'),
      primaryAccount: c.primaryAccount ?? false,
      challengeDestructiveActions: c.challengeDestructiveActions ?? false,
      lifecycleHooks: [],
    };
  }

  async close(): Promise<void> {
    this.clients.close();
  }
}
