/**
 * A Kubernetes object as plain JSON, exactly as the API server returns it. Every accessor here is
 * total: a missing or mistyped field reads as `undefined` / empty, never throws, because cached
 * objects come from clusters we do not control.
 */
export interface KubernetesManifest {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string | undefined;
  readonly controller: boolean;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Follows a path of object keys; undefined as soon as a step is not an object. */
export function pathOf(root: unknown, ...path: string[]): unknown {
  let cur: unknown = root;
  for (const step of path) {
    if (!isObject(cur)) return undefined;
    cur = cur[step];
  }
  return cur;
}

export function stringAt(root: unknown, ...path: string[]): string | undefined {
  const v = pathOf(root, ...path);
  return typeof v === 'string' ? v : undefined;
}

export function numberAt(root: unknown, ...path: string[]): number | undefined {
  const v = pathOf(root, ...path);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function arrayAt(root: unknown, ...path: string[]): readonly unknown[] {
  const v = pathOf(root, ...path);
  return Array.isArray(v) ? v : [];
}

/** A string map (labels, annotations, selectors); non-string values are dropped. */
export function stringMapAt(root: unknown, ...path: string[]): Record<string, string> {
  const v = pathOf(root, ...path);
  const out: Record<string, string> = {};
  if (isObject(v)) for (const [k, val] of Object.entries(v)) if (typeof val === 'string') out[k] = val;
  return out;
}

/**
 * The string map at `path`, read-only: the manifest's own object when every value is a string
 * (the usual case: a cached object keeps no copy of its labels), else `stringMapAt`'s copy.
 */
export function stringMapView(root: unknown, ...path: string[]): Readonly<Record<string, string>> {
  const v = pathOf(root, ...path);
  if (!isObject(v)) return {};
  for (const k in v) if (typeof v[k] !== 'string') return stringMapAt(root, ...path);
  return v as Readonly<Record<string, string>>;
}

export const manifestName = (m: KubernetesManifest): string => stringAt(m, 'metadata', 'name') ?? '';
/** Cluster-scoped objects have namespace `""` (as in Clouddriver keys). */
export const manifestNamespace = (m: KubernetesManifest): string => stringAt(m, 'metadata', 'namespace') ?? '';
export const manifestUid = (m: KubernetesManifest): string | undefined => stringAt(m, 'metadata', 'uid');
export const annotationsOf = (m: KubernetesManifest): Record<string, string> => stringMapAt(m, 'metadata', 'annotations');
export const labelsOf = (m: KubernetesManifest): Record<string, string> => stringMapAt(m, 'metadata', 'labels');

/** `spec.template.metadata.labels`, or undefined when the object has no pod template. */
export function podTemplateLabels(m: KubernetesManifest): Record<string, string> | undefined {
  const template = pathOf(m, 'spec', 'template');
  return isObject(template) ? stringMapAt(template, 'metadata', 'labels') : undefined;
}

/** `metadata.creationTimestamp` in epoch ms, or undefined when absent or unparsable. */
export function creationTimestampMillis(m: KubernetesManifest): number | undefined {
  const ts = stringAt(m, 'metadata', 'creationTimestamp');
  if (ts === undefined) return undefined;
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? undefined : ms;
}

export function ownerReferencesOf(m: KubernetesManifest): OwnerReference[] {
  const out: OwnerReference[] = [];
  for (const r of arrayAt(m, 'metadata', 'ownerReferences')) {
    const kind = stringAt(r, 'kind');
    const name = stringAt(r, 'name');
    if (kind === undefined || name === undefined) continue;
    out.push({ apiVersion: stringAt(r, 'apiVersion') ?? '', kind, name, uid: stringAt(r, 'uid'), controller: pathOf(r, 'controller') === true });
  }
  return out;
}

/** The API group of an apiVersion: `apps/v1` -> `apps`, `v1` -> `""` (core). */
export function apiGroupOf(apiVersion: string | undefined): string {
  if (apiVersion === undefined) return '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash).toLowerCase();
}
