import type { KubernetesKindProperties } from '../KubernetesKind.js';
import { ANNOTATION } from '../moniker.js';
import { annotationsOf, isObject, type KubernetesManifest } from '../model/KubernetesManifest.js';
import type { ClusterWriter } from './ClusterWriter.js';
import { ARTIFACT_ANNOTATION, LABEL } from './manifestAnnotations.js';

/**
 * Versioned resources (`ResourceVersioner`): a versioned object `name` is deployed as
 * `name-vNNN`. The live objects of the kind in the namespace whose `artifact.spinnaker.io/name`
 * is `name` are its earlier versions; when one of them was last applied with the same content
 * (everything but metadata and the per-version moniker/artifact marks), its version is reused,
 * otherwise the next version after the highest (from 0).
 */

export interface LiveVersion {
  readonly version: number;
  readonly object: KubernetesManifest;
}

/** `name-v012` -> 12 (the `artifact.spinnaker.io/version` annotation first). */
export function versionOf(object: KubernetesManifest, baseName: string): number | undefined {
  const annotated = annotationsOf(object)[ARTIFACT_ANNOTATION.version];
  const fromAnnotation = annotated === undefined ? undefined : /^v(\d+)$/.exec(annotated)?.[1];
  if (fromAnnotation !== undefined) return Number(fromAnnotation);
  const name = object.metadata?.name ?? '';
  const suffix = name.startsWith(`${baseName}-v`) ? /^(\d{3,})$/.exec(name.slice(baseName.length + 2))?.[1] : undefined;
  return suffix === undefined ? undefined : Number(suffix);
}

/** The live versions of `baseName`, oldest first; `fromCluster` skips the cache (replica counts must be current). */
export async function liveVersions(writer: ClusterWriter, kind: KubernetesKindProperties, namespace: string, baseName: string, fromCluster = false): Promise<LiveVersion[]> {
  const out: LiveVersion[] = [];
  // The watch-fed cache answers for cached kinds (no LIST per deploy); Secrets are cached without
  // their last-applied configuration, so they are always listed live.
  const cached = kind.name === 'secret' || fromCluster ? undefined : writer.account.cachedObjects(kind.name, namespace);
  for (const object of cached ?? (await writer.list(kind, namespace))) {
    if (annotationsOf(object)[ARTIFACT_ANNOTATION.name] !== baseName) continue;
    const version = versionOf(object, baseName);
    if (version !== undefined) out.push({ version, object });
  }
  return out.sort((a, b) => a.version - b.version);
}

/** The version to deploy `prepared` (a manifest ready but for its name and sequence) as, and whether it is a reuse. */
export function chooseVersion(prepared: KubernetesManifest, versions: readonly LiveVersion[]): { version: number; reused: boolean } {
  const wanted = comparable(prepared);
  for (const v of versions) {
    const last = annotationsOf(v.object)[ANNOTATION.lastAppliedConfiguration];
    if (last !== undefined && comparable(parse(last)) === wanted) return { version: v.version, reused: true };
  }
  const max = versions.reduce((m, v) => Math.max(m, v.version), -1);
  return { version: max + 1, reused: false };
}

export const versionedName = (baseName: string, version: number): string => `${baseName}-v${String(version).padStart(3, '0')}`;

const PER_VERSION_MARKS = [ANNOTATION.sequence, ARTIFACT_ANNOTATION.version, LABEL.sequence, ANNOTATION.lastAppliedConfiguration];

/** Canonical JSON of everything but metadata, with the per-version marks removed from the pod template. */
function comparable(m: unknown): string {
  if (!isObject(m)) return 'null';
  const { metadata: _metadata, status: _status, ...rest } = m;
  const copy = structuredClone(rest);
  const template = isObject(copy.spec) && isObject(copy.spec.template) ? copy.spec.template : undefined;
  if (template !== undefined && isObject(template.metadata)) {
    for (const map of [template.metadata.annotations, template.metadata.labels]) {
      if (isObject(map)) for (const key of PER_VERSION_MARKS) delete map[key];
    }
  }
  return canonical(copy);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
