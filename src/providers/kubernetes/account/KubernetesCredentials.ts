import { effectivePermissions, type AccountCredentials, type Permissions } from '../../../core/accounts/AccountCredentials.js';
import { InputError } from '../../../core/errors.js';
import { KubeClient } from '../client/KubeClient.js';
import { createKindRegistry, type KubernetesKindRegistry } from '../KubernetesKind.js';
import type { KubernetesAccountConfig } from './KubernetesAccountConfig.js';

/** How long a live namespace list is reused (Clouddriver's `NAMESPACE_EXPIRY_SECONDS`). */
const NAMESPACE_TTL_MS = 30_000;

/**
 * A Kubernetes account: its validated settings and an API client. The kubeconfig (which may hold
 * tokens and keys) stays private: `describe()` returns only Clouddriver's public fields.
 */
export class KubernetesCredentials implements AccountCredentials {
  readonly cloudProvider = 'kubernetes';
  readonly name: string;
  readonly environment: string;
  readonly accountType: string;
  readonly permissions: Permissions;
  readonly requiredGroupMembership: readonly string[];
  readonly client: KubeClient;
  private readonly kindRegistry: KubernetesKindRegistry;
  private liveNamespaces: { readonly names: readonly string[]; readonly at: number } | undefined;
  private namespaceRequest: Promise<void> | undefined;
  private closed = false;

  constructor(readonly config: KubernetesAccountConfig) {
    this.name = config.name;
    this.environment = config.environment ?? config.name;
    this.accountType = config.accountType ?? config.name;
    this.requiredGroupMembership = config.requiredGroupMembership;
    this.permissions = effectivePermissions(config.permissions, config.requiredGroupMembership);
    this.client = loadClient(config);
    this.kindRegistry = createKindRegistry(config.customResources);
  }

  /**
   * The expanded `/credentials` fields. Deck reads `namespaces` (manifest selectors, traffic
   * guards) and `spinnakerKindMap` (kind pickers, links from manifests to clusters); both are
   * `KubernetesNamedAccountCredentials` getters. The rest are this account's settings.
   */
  describe(): Record<string, unknown> {
    const c = this.config;
    return {
      namespaces: this.declaredNamespaces(),
      spinnakerKindMap: this.spinnakerKindMap(),
      omitNamespaces: c.omitNamespaces,
      kinds: c.kinds,
      omitKinds: c.omitKinds,
      context: c.context ?? null,
      cacheThreads: c.cacheThreads,
      cacheIntervalSeconds: c.cacheIntervalSeconds ?? null,
      onlySpinnakerManaged: c.onlySpinnakerManaged,
      cacheAllApplicationRelationships: c.cacheAllApplicationRelationships,
      customResources: c.customResources.map((r) => ({ ...r })),
      dockerRegistries: [],
      enabled: true,
      // Dropped upstream with the v1 provider; Decks of that era keep only accounts with 'v2'.
      providerVersion: 'v2',
    };
  }

  /** Kind name -> Spinnaker kind for every built-in kind and custom resource (`KubernetesCredentials.getSpinnakerKindMap`). */
  spinnakerKindMap(): Record<string, string> {
    return Object.fromEntries(this.kindRegistry.all().map((k) => [k.name, k.spinnakerKind]));
  }

  /**
   * `KubernetesCredentials.getDeclaredNamespacesFromCache`: the configured namespaces, else the
   * last live namespace list (empty until one arrived), minus `omitNamespaces`, sorted. Asks for a
   * fresh list when the last is older than 30 s; never waits for it.
   */
  declaredNamespaces(): string[] {
    const c = this.config;
    let names: readonly string[] = c.namespaces;
    if (names.length === 0) {
      if (this.liveNamespaces === undefined || Date.now() - this.liveNamespaces.at > NAMESPACE_TTL_MS) void this.refreshNamespaces();
      names = this.liveNamespaces?.names ?? [];
    }
    const omit = new Set(c.omitNamespaces);
    return [...new Set(names)].filter((n) => !omit.has(n)).sort();
  }

  /**
   * Lists the cluster's namespaces (one request at a time per account). Failures keep the last
   * list: namespaces are best effort, as in Clouddriver.
   */
  refreshNamespaces(): Promise<void> {
    if (this.config.namespaces.length > 0 || this.closed) return Promise.resolve();
    this.namespaceRequest ??= this.client
      .listAll('/api/v1/namespaces', {})
      .then((list) => {
        this.liveNamespaces = { names: list.items.map((o) => o.metadata.name), at: Date.now() };
      })
      .catch(() => undefined)
      .finally(() => {
        this.namespaceRequest = undefined;
      });
    return this.namespaceRequest;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.client.close();
  }
}

/**
 * The account's API client. A kubeconfig that cannot be loaded is the caller's mistake (400); its
 * parser's message can quote kubeconfig lines (tokens), so only short single-line reasons are kept.
 */
function loadClient(config: KubernetesAccountConfig): KubeClient {
  try {
    return new KubeClient({
      ...(config.kubeconfigFile ? { kubeconfigFile: config.kubeconfigFile } : {}),
      ...(config.kubeconfigContents ? { kubeconfigContents: config.kubeconfigContents } : {}),
      ...(config.context ? { context: config.context } : {}),
      requestTimeoutMs: config.kubectlRequestTimeoutSeconds * 1000,
    });
  } catch (e) {
    const message = e instanceof Error ? e.message : '';
    const safe = message !== '' && !message.includes('\n') && message.length <= 200 && !/token|password|BEGIN|key/i.test(message);
    throw new InputError(`account ${config.name}: the kubeconfig cannot be used${safe ? `: ${message}` : ' (it is not a valid kubeconfig)'}`);
  }
}
