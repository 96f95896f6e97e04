import { effectivePermissions, type AccountCredentials, type Permissions } from '../../../core/accounts/AccountCredentials.js';
import { KubeClient } from '../client/KubeClient.js';
import type { KubernetesAccountConfig } from './KubernetesAccountConfig.js';

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

  constructor(readonly config: KubernetesAccountConfig) {
    this.name = config.name;
    this.environment = config.environment ?? config.name;
    this.accountType = config.accountType ?? config.name;
    this.requiredGroupMembership = config.requiredGroupMembership;
    this.permissions = effectivePermissions(config.permissions, config.requiredGroupMembership);
    this.client = new KubeClient({
      ...(config.kubeconfigFile ? { kubeconfigFile: config.kubeconfigFile } : {}),
      ...(config.kubeconfigContents ? { kubeconfigContents: config.kubeconfigContents } : {}),
      ...(config.context ? { context: config.context } : {}),
      requestTimeoutMs: config.kubectlRequestTimeoutSeconds * 1000,
    });
  }

  describe(): Record<string, unknown> {
    const c = this.config;
    return {
      namespaces: c.namespaces,
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
    };
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
