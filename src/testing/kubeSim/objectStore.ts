/**
 * The storage of one simulated cluster, modelled on etcd plus the API server's watch cache:
 * one monotonically increasing resourceVersion per cluster, objects by group/resource and
 * namespace/name, and a bounded history of change events that watches replay from. Stored
 * objects are never mutated (writers store fresh objects), so snapshots can share them.
 */

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  finalizers?: string[];
  managedFields?: unknown[];
  [k: string]: unknown;
}

export interface KubeObj {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [k: string]: unknown;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change {
  readonly rv: number;
  readonly type: ChangeType;
  /** `group/resource` of the object. */
  readonly gr: string;
  readonly object: KubeObj;
  /** The object before this change (MODIFIED and DELETED). */
  readonly previous?: KubeObj;
}

const nsName = (namespace: string | undefined, name: string): string => `${namespace ?? ''}/${name}`;

export class ObjectStore {
  private rv: number;
  private readonly byResource = new Map<string, Map<string, KubeObj>>();
  private readonly sorted = new Map<string, KubeObj[]>();
  private history: Change[] = [];
  /** Changes at or below this version are no longer replayable (410 Gone). */
  private compactedRv: number;
  private readonly listeners = new Set<(c: Change) => void>();

  constructor(
    /** Bounded history window for watches, in events. */
    private readonly historyLimit = 10_000,
    initialRv = 1000,
  ) {
    this.rv = initialRv;
    this.compactedRv = initialRv;
  }

  get resourceVersion(): number {
    return this.rv;
  }

  /** Oldest version a watch may start from without 410 Gone. */
  get oldestResumableRv(): number {
    return this.compactedRv;
  }

  get(gr: string, namespace: string | undefined, name: string): KubeObj | undefined {
    return this.byResource.get(gr)?.get(nsName(namespace, name));
  }

  /** Every object of a resource, ordered by namespace then name (as etcd keys are). */
  list(gr: string, namespace?: string): readonly KubeObj[] {
    let all = this.sorted.get(gr);
    if (all === undefined) {
      const entries = [...(this.byResource.get(gr) ?? new Map<string, KubeObj>())];
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      all = entries.map(([, o]) => o);
      this.sorted.set(gr, all);
    }
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  count(gr: string): number {
    return this.byResource.get(gr)?.size ?? 0;
  }

  /** Stores (creating or replacing) an object, stamping the next resourceVersion. */
  put(gr: string, object: KubeObj): KubeObj {
    const name = object.metadata.name ?? '';
    const map = this.byResource.get(gr) ?? new Map<string, KubeObj>();
    this.byResource.set(gr, map);
    const key = nsName(object.metadata.namespace, name);
    const previous = map.get(key);
    const rv = ++this.rv;
    const stored: KubeObj = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } };
    map.set(key, stored);
    this.sorted.delete(gr);
    this.record({ rv, type: previous === undefined ? 'ADDED' : 'MODIFIED', gr, object: stored, ...(previous === undefined ? {} : { previous }) });
    return stored;
  }

  /** Removes an object; the DELETED event carries it at a new resourceVersion. */
  remove(gr: string, namespace: string | undefined, name: string): KubeObj | undefined {
    const map = this.byResource.get(gr);
    const key = nsName(namespace, name);
    const previous = map?.get(key);
    if (map === undefined || previous === undefined) return undefined;
    map.delete(key);
    this.sorted.delete(gr);
    const rv = ++this.rv;
    const object: KubeObj = { ...previous, metadata: { ...previous.metadata, resourceVersion: String(rv) } };
    this.record({ rv, type: 'DELETED', gr, object, previous });
    return object;
  }

  /** Changes after `rv` (exclusive), or 'gone' when that version has been compacted away. */
  changesSince(rv: number): readonly Change[] | 'gone' {
    if (rv < this.compactedRv) return 'gone';
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  /** Forgets all history: any watch from an older version now gets 410 Gone. */
  compact(): void {
    this.history = [];
    this.compactedRv = this.rv;
  }

  subscribe(listener: (c: Change) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(change: Change): void {
    this.history.push(change);
    // Trim in batches so a long write burst is not O(history) per write.
    if (this.history.length > this.historyLimit + Math.ceil(this.historyLimit / 4)) {
      const drop = this.history.length - this.historyLimit;
      this.compactedRv = this.history[drop - 1]?.rv ?? this.compactedRv;
      this.history.splice(0, drop);
    }
    for (const l of this.listeners) l(change);
  }
}
