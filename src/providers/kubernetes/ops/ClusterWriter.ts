import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { KubeApiError, type KubeObject } from '../client/KubeClient.js';
import { apiVersionOfKind, resourcePath, type KubernetesKindProperties } from '../KubernetesKind.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';

/** Field manager of every write this service makes (visible in `metadata.managedFields`). */
export const FIELD_MANAGER = 'spinnaker';

export type PatchType = 'strategic' | 'merge' | 'json';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
};

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

/**
 * A failed call to the API server, with the cluster's own message: what fails a task. `status`
 * is the HTTP status (0 for a transport failure or time-out).
 */
export class KubernetesOperationError extends Error {
  override name = 'KubernetesOperationError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Every change an operation makes to one account's cluster, over the account's API client (with
 * its per-request time limit) and the task's AbortSignal. After each change the object is read
 * back into the account's cache (`refresh`) and written through to the cache store, so the read
 * API and `/cache/kubernetes/manifest` reflect it as soon as the operation returns — Clouddriver
 * gets the same effect from an on-demand refresh after kubectl.
 */
export class ClusterWriter {
  constructor(
    readonly account: KubernetesAccountCache,
    private readonly signal: AbortSignal,
  ) {}

  kind(name: string): Promise<KubernetesKindProperties> {
    return this.account.resolveKind(name).catch((e: unknown) => {
      throw this.failure(`resolve kind ${name}`, e);
    });
  }

  async get(kind: KubernetesKindProperties, namespace: string, name: string): Promise<KubeObject | undefined> {
    try {
      return await this.call<KubeObject>('GET', resourcePath(kind, scope(kind, namespace), name));
    } catch (e) {
      if (e instanceof KubernetesOperationError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Every object of a kind in a namespace (or cluster-wide for cluster-scoped kinds), optionally by label selector. */
  async list(kind: KubernetesKindProperties, namespace: string, labelSelector?: string): Promise<KubeObject[]> {
    const path = resourcePath(kind, scope(kind, namespace));
    try {
      const list = await this.account.credentials.client.listAll(path, labelSelector === undefined || labelSelector === '' ? {} : { labelSelector }, { signal: this.signal });
      return list.items.map((o) => ({ ...o, kind: o.kind ?? kind.apiKind, apiVersion: o.apiVersion ?? apiVersionOfKind(kind) }));
    } catch (e) {
      throw this.failure(`list ${kind.name} in ${namespace || 'the cluster'}`, e);
    }
  }

  /** Server-side apply (`kubectl apply --server-side`); `force` takes over fields other managers own. */
  async apply(kind: KubernetesKindProperties, manifest: KubernetesManifest, force: boolean): Promise<KubeObject> {
    const { namespace, name } = identity(kind, manifest);
    const query = `?fieldManager=${FIELD_MANAGER}${force ? '&force=true' : ''}`;
    return this.written(kind, namespace, await this.call<KubeObject>('PATCH', `${resourcePath(kind, scope(kind, namespace), name)}${query}`, manifest, 'application/apply-patch+yaml'));
  }

  /** `kubectl create` (the API server fills `metadata.name` from `generateName`). */
  async create(kind: KubernetesKindProperties, manifest: KubernetesManifest): Promise<KubeObject> {
    const namespace = kind.namespaced ? (manifest.metadata?.namespace ?? '') : '';
    return this.written(kind, namespace, await this.call<KubeObject>('POST', `${resourcePath(kind, scope(kind, namespace))}?fieldManager=${FIELD_MANAGER}`, manifest));
  }

  /** `kubectl replace`, or create when the object does not exist. */
  async replace(kind: KubernetesKindProperties, manifest: KubernetesManifest): Promise<KubeObject> {
    const { namespace, name } = identity(kind, manifest);
    try {
      return this.written(kind, namespace, await this.call<KubeObject>('PUT', `${resourcePath(kind, scope(kind, namespace), name)}?fieldManager=${FIELD_MANAGER}`, manifest));
    } catch (e) {
      if (e instanceof KubernetesOperationError && e.status === 404) return this.create(kind, manifest);
      throw e;
    }
  }

  async patch(kind: KubernetesKindProperties, namespace: string, name: string, type: PatchType, body: unknown): Promise<KubeObject> {
    const path = `${resourcePath(kind, scope(kind, namespace), name)}?fieldManager=${FIELD_MANAGER}`;
    return this.written(kind, namespace, await this.call<KubeObject>('PATCH', path, body, PATCH_CONTENT_TYPE[type]));
  }

  /** `kubectl scale`: the scale subresource. */
  async scale(kind: KubernetesKindProperties, namespace: string, name: string, replicas: number): Promise<void> {
    await this.call('PATCH', `${resourcePath(kind, scope(kind, namespace), name)}/scale?fieldManager=${FIELD_MANAGER}`, { spec: { replicas } }, PATCH_CONTENT_TYPE.merge);
    await this.observe(kind, namespace, name);
  }

  /** `kubectl delete --ignore-not-found`; true when something was deleted. */
  async delete(kind: KubernetesKindProperties, namespace: string, name: string, opts: { propagationPolicy?: PropagationPolicy; gracePeriodSeconds?: number } = {}): Promise<boolean> {
    const body = { kind: 'DeleteOptions', apiVersion: 'v1', ...(opts.propagationPolicy === undefined ? {} : { propagationPolicy: opts.propagationPolicy }), ...(opts.gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds: opts.gracePeriodSeconds }) };
    try {
      await this.call('DELETE', resourcePath(kind, scope(kind, namespace), name), body);
    } catch (e) {
      if (e instanceof KubernetesOperationError && e.status === 404) return false;
      throw e;
    } finally {
      await this.observe(kind, namespace, name);
    }
    return true;
  }

  /** Waits until an object is gone (after a delete with finalizers or foreground propagation). */
  async waitUntilGone(kind: KubernetesKindProperties, namespace: string, name: string, timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    while ((await this.get(kind, namespace, name)) !== undefined) {
      if (Date.now() > end) throw new KubernetesOperationError(`${kind.name} ${name} in ${namespace || 'the cluster'} was not deleted within ${timeoutMs} ms`, 0);
      this.signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 100));
    }
    await this.observe(kind, namespace, name);
  }

  /** Reads one object into the account cache and writes it through to the cache store. */
  async observe(kind: KubernetesKindProperties, namespace: string, name: string): Promise<void> {
    await this.account.refresh(kind.name, kind.namespaced ? namespace : '', name).catch(() => undefined);
    await this.account.flush();
  }

  private async written(kind: KubernetesKindProperties, namespace: string, object: KubeObject): Promise<KubeObject> {
    await this.observe(kind, namespace, object.metadata.name);
    return object;
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    try {
      return await this.account.credentials.client.request<T>(method, path, { signal: this.signal, ...(body === undefined ? {} : { body }), ...(contentType === undefined ? {} : { contentType }) });
    } catch (e) {
      throw this.failure(`${method} ${path.split('?')[0] ?? path}`, e);
    }
  }

  private failure(what: string, e: unknown): KubernetesOperationError {
    if (e instanceof KubernetesOperationError) return e;
    if (e instanceof KubeApiError) {
      const cause = e.status === 0 ? 'the API server did not answer' : `HTTP ${e.status}${e.reason === undefined ? '' : ` ${e.reason}`}`;
      return new KubernetesOperationError(`${what} on account ${this.account.account} failed (${cause}): ${e.message}`, e.status);
    }
    return new KubernetesOperationError(`${what} on account ${this.account.account} failed: ${e instanceof Error ? e.message : String(e)}`, 0);
  }
}

const scope = (kind: KubernetesKindProperties, namespace: string): string | undefined => (kind.namespaced ? namespace : undefined);

function identity(kind: KubernetesKindProperties, m: KubernetesManifest): { namespace: string; name: string } {
  return { namespace: kind.namespaced ? (m.metadata?.namespace ?? '') : '', name: m.metadata?.name ?? '' };
}
