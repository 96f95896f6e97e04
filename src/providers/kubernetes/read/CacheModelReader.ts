import type { CacheData } from '../../../core/cache/CacheData.js';
import type { KubernetesCredentials } from '../account/KubernetesCredentials.js';
import type { APPLICATIONS, CLUSTERS } from '../keys.js';
import type { KubernetesKindRegistry } from '../KubernetesKind.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import type { CachedItem } from '../readModels.js';

/**
 * What the read service reads of one account's cache: items as a cache read returns them
 * (attributes, relationships grouped by the other end's type), in Clouddriver's key layout.
 * `KubernetesCacheModel` (the watch-fed model) implements it, and so does `StoreSlice` (items
 * read from the cache store on demand), so every view is computed by the same code either way.
 */
export interface CacheModelReader {
  /** One item; for `applications:{app}`, its relationships within this account only. */
  item(key: string): CacheData | undefined;
  /**
   * An object's id and attributes without its relationships: what a view of the object alone
   * reads (a server group's pods), without grouping and sorting each pod's links.
   */
  resource(key: string): CachedItem | undefined;
  /** Keys linked to `key`, both directions. */
  neighbours(key: string): ReadonlySet<string>;
  /** The manifest of an infrastructure key. */
  manifest(key: string): KubernetesManifest | undefined;
  /** The infrastructure key of an object of this account. */
  keyFor(kind: string, namespace: string, name: string): string;
  /** Keys of the account's logical items of a type. */
  logicalKeys(type: typeof APPLICATIONS | typeof CLUSTERS): string[];
  /** Keys of the account's cached objects of these kinds (kind names, as in keys). */
  keysOfKinds(kinds: ReadonlySet<string>): Iterable<string>;
}

/** One account as the read service sees it. */
export interface AccountReadSource {
  readonly account: string;
  readonly model: CacheModelReader;
  readonly registry: KubernetesKindRegistry;
  readonly credentials: KubernetesCredentials;
}
