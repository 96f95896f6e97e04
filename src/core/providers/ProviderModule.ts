import type { ZodType, ZodTypeDef } from 'zod';
import type { ProviderCache } from '../cache/Cache.js';
import type { HealthIndicator } from '../../observability/Health.js';
import type { Clock } from '../Clock.js';
import type { Logger } from '../Logger.js';
import type { AccountCredentials } from '../accounts/AccountCredentials.js';
import type { ArtifactDownloader } from '../artifacts/ArtifactDownloader.js';
import type { AccountOwnership, ReleaseReason } from '../agents/AccountOwnership.js';
import type { CachingAgent } from '../agents/CachingAgent.js';
import type { ChangeFeed } from '../cache/ChangeFeed.js';
import type { OperationDefinition } from '../operations/OperationDefinition.js';
import type { ReadContributor } from '../read/ReadContributor.js';
import type { ProviderConsole } from './ProviderConsole.js';

/** `account.storage.allow`: what a definition submitted through the API may do. */
export interface SubmittedDefinitionPolicy {
  readonly execPlugins: boolean;
  readonly filePaths: boolean;
  readonly defaultCredentials: boolean;
  /** Globs for API server URLs; `*` matches any run of characters. */
  readonly servers: readonly string[];
}

/** What a provider gets from the composition root. */
export interface ProviderDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Artifact downloads through the configured artifact accounts (manifests from artifacts). */
  readonly artifacts?: ArtifactDownloader;
}

/**
 * A cloud provider, as one exported object registered explicitly in `app.ts` (or loaded from a
 * configured plugin module). Accounts come from `config[configKey].accounts[]` and, at runtime,
 * from the account API.
 */
export interface ProviderModule<A = unknown, C extends AccountCredentials = AccountCredentials, Http = unknown> {
  /** Cloud provider id in URLs and `/credentials` (`kubernetes`, `dockerRegistry`, ...). */
  readonly id: string;
  /** Cache namespace (Clouddriver's provider name, the Redis key prefix). */
  readonly cacheNamespace: string;
  /** Top-level config section holding `accounts[]`; defaults to `id`. */
  readonly configKey?: string;
  /** Parses one account definition; errors name the offending path. */
  readonly accountSchema: ZodType<A, ZodTypeDef, unknown>;
  createCredentials(definition: A, deps: ProviderDeps): Promise<C>;
  /**
   * Problems with a definition submitted through the account storage API that the operator's
   * `account.storage.allow` settings do not permit (programs run, files read, servers reached,
   * default credentials borrowed). Configured accounts are not checked.
   */
  submittedDefinitionProblems?(definition: A, allow: SubmittedDefinitionPolicy): string[];
  buildCachingAgents(credentials: C, deps: ProviderDeps): CachingAgent[];
  readonly operations: readonly OperationDefinition[];
  /**
   * Called once at start-up, before any account is added, for providers that keep live state
   * (watches) or serve their own read routes. Returns what the composition root wires in.
   */
  attach?(ctx: ProviderAttachContext<Http>): ProviderRuntime;
}

/**
 * `Http` is the web server a provider adds its own routes to: the HTTP layer's (`src/api`,
 * Fastify), named by the providers that serve routes, never by core.
 */
export interface ProviderAttachContext<Http = unknown> {
  readonly server: Http;
  /** This provider's cache (its `cacheNamespace`). */
  readonly cache: ProviderCache;
  readonly deps: ProviderDeps;
  readonly cluster: ClusterServices;
}

/** What the instances of a cluster share, for providers that keep live state per account. */
export interface ClusterServices {
  /** This instance's id (lease owner, replica id). */
  readonly replicaId: string;
  /** Broadcast to every instance sharing the store (in-process when the service runs alone). */
  readonly changes: ChangeFeed;
  /**
   * One owner per account across the instances (`AccountOwnership`), under lease keys
   * `{keyPrefix}:{account}`; the provider starts it and stops it (which hands its accounts off).
   */
  accountOwnership(keyPrefix: string, handlers: { onAcquired(account: string): void; onReleased(account: string, reason: ReleaseReason): Promise<void> }): AccountOwnership;
}

export interface ProviderRuntime {
  readonly health?: HealthIndicator;
  /** This provider's part of the provider-neutral read API (applications, clusters, search, ...). */
  readonly read?: ReadContributor;
  /** This provider's part of the operator console (ownership, key scopes, redaction, "why is this missing?"). */
  readonly console?: ProviderConsole;
  /** Runs when an account of this provider is removed, before its agents are unscheduled and its items evicted. */
  onAccountRemoved?(credentials: AccountCredentials): Promise<void>;
  /**
   * Runs once the service answers requests: preparation that should not delay the first answer
   * but would otherwise be paid by the first account (loading a client library, say). Must not
   * throw; failures are the provider's to log.
   */
  listening?(): void;
  stop?(): Promise<void>;
}
