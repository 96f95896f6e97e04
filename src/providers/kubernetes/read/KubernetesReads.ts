import type { Awaitable } from '../../../core/read/ReadContributor.js';
import type { KubernetesReadService } from './KubernetesReadService.js';

/**
 * How the Kubernetes read API reaches the accounts' caches: `run` gives a read service over every
 * account, at once over the watch-fed models (`modelReads`) or after fetching from the cache
 * store what the read needs (`KubernetesStoreReads`, `kubernetes.followerReads: store`).
 */
export interface KubernetesReads {
  run<T>(read: (service: KubernetesReadService) => T): Awaitable<T>;
  /** Moves whenever an answer may have changed (what the read layer memoises answers on). */
  generation(): number;
}

/** Every account read from its in-memory model (the memoising service itself). */
export function modelReads(service: KubernetesReadService): KubernetesReads {
  return { run: (read) => read(service), generation: () => service.generation() };
}
