/**
 * The caching replicas of a cluster, as Clouddriver's `CachingPodsObserver` keeps them for cache
 * sharding: each replica heartbeats its id; the live ids, sorted, give every replica its index,
 * and an account belongs to the replica whose index is `abs(javaHashCode(account)) % count`.
 *
 * Invariants (checked by `describeReplicaRegistryContract`):
 * - `replicas()` lists, sorted ascending and without duplicates, the ids whose last heartbeat is
 *   younger than the registry's time to live; a replica that stops heartbeating drops out.
 * - `heartbeat` of a known id only renews it; `remove` drops it at once (orderly shutdown).
 */
export interface ReplicaRegistry {
  heartbeat(replicaId: string): Promise<void>;
  replicas(): Promise<string[]>;
  remove(replicaId: string): Promise<void>;
  close(): Promise<void>;
}

/** Java's `String.hashCode` (32-bit, UTF-16 code units), so mixed Java/TypeScript clusters agree. */
export function javaHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The index of the replica that owns `account` among `count` replicas
 * (`abs(account.hashCode()) % podCount`). Java's `Math.abs(Integer.MIN_VALUE)` stays negative,
 * so upstream caches such an account on no replica; here replica 0 takes it.
 */
export function shardOf(account: string, count: number): number {
  const h = javaHashCode(account);
  return h === -2147483648 ? 0 : Math.abs(h) % count;
}
