import { isObject, type JsonObject, type KubernetesManifest } from '../model/KubernetesManifest.js';
import type { Artifact } from './descriptions.js';

/**
 * Artifact binding (Clouddriver's `ArtifactReplacer` with the replacers of `Replacer.java`):
 * fields of a manifest that name an image, a ConfigMap, a Secret or an HPA's target are swapped
 * for the reference of a matching artifact from the pool.
 *
 * - `docker/image`: every `image` of containers and init containers in pod specs (a pod's own
 *   spec, or any `spec.template.spec` below the root: Deployments, ReplicaSets, Jobs, CronJobs'
 *   job templates, ...). The image's name is the field without its digest (`@...`) or tag (the
 *   last `:` after the last `/`); it must equal `artifact.name`.
 * - `kubernetes/configMap` and `kubernetes/secret`: names in volumes, projected volumes,
 *   `envFrom` and `env[].valueFrom` of those pod specs.
 * - `kubernetes/deployment` and `kubernetes/replicaSet`: an HPA's `spec.scaleTargetRef.name` when
 *   its kind matches.
 * A `kubernetes/*` artifact binds only within its `location` (namespace), when it has one, and
 * only for its account (`metadata.account`), when it names one.
 */

/** One replaceable field: its artifact type, current value and a setter. */
interface Slot {
  readonly type: string;
  readonly value: string;
  set(value: string): void;
}

export interface BindOptions {
  readonly account: string;
  /** Namespace of the manifest, for `kubernetes/*` artifacts. */
  readonly namespace?: string;
}

export interface BindResult {
  readonly manifest: KubernetesManifest;
  /** Artifacts that replaced at least one field (each once). */
  readonly bound: Artifact[];
}

/** Binds `artifacts` into a copy of `manifest`; the input is not changed. */
export function bindArtifacts(manifest: KubernetesManifest, artifacts: readonly Artifact[], opts: BindOptions): BindResult {
  const copy = structuredClone(manifest);
  const bound = new Set<Artifact>();
  for (const slot of slotsOf(copy)) {
    const artifact = artifacts.find((a) => a.type === slot.type && matches(a, slot, opts));
    if (artifact === undefined || typeof artifact.reference !== 'string' || artifact.reference === '') continue;
    slot.set(artifact.reference);
    bound.add(artifact);
  }
  return { manifest: copy, bound: [...bound] };
}

/** `[type]-[name]-[location]`: the key of the artifact pool (first entry wins), as `KubernetesDeployManifestOperation`. */
export function artifactKey(a: Pick<Artifact, 'type' | 'name' | 'location'>): string {
  return `[${a.type}]-[${a.name ?? ''}]-[${a.location ?? ''}]`;
}

/** The image name without tag or digest: `gcr.io:443/a/b:1.0@sha256:x` -> `gcr.io:443/a/b`. */
export function imageName(image: string): string {
  const noDigest = image.split('@')[0] ?? image;
  const lastSlash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? noDigest : noDigest.slice(0, colon);
}

function matches(a: Artifact, slot: Slot, opts: BindOptions): boolean {
  if (slot.type === 'docker/image') return imageName(slot.value) === a.name;
  if (a.name !== slot.value) return false;
  if (a.location !== undefined && a.location !== null && a.location !== '' && opts.namespace !== undefined && a.location !== opts.namespace) return false;
  const account = isObject(a.metadata) ? a.metadata.account : undefined;
  return typeof account !== 'string' || account === '' || account === opts.account;
}

function slotsOf(manifest: KubernetesManifest): Slot[] {
  const slots: Slot[] = [];
  const field = (type: string, holder: unknown, key: string): void => {
    if (!isObject(holder)) return;
    const value = holder[key];
    if (typeof value === 'string') slots.push({ type, value, set: (v) => (holder[key] = v) });
  };
  const podSpecs: JsonObject[] = [];
  if (manifest.kind === 'Pod' && isObject(manifest.spec)) podSpecs.push(manifest.spec);
  collectTemplateSpecs(manifest, podSpecs);
  for (const spec of podSpecs) {
    for (const list of ['containers', 'initContainers']) {
      for (const c of arrayOf(spec[list])) {
        field('docker/image', c, 'image');
        for (const from of arrayOf(isObject(c) ? c.envFrom : undefined)) {
          field('kubernetes/configMap', isObject(from) ? from.configMapRef : undefined, 'name');
          field('kubernetes/secret', isObject(from) ? from.secretRef : undefined, 'name');
        }
        for (const env of arrayOf(isObject(c) ? c.env : undefined)) {
          const valueFrom = isObject(env) ? env.valueFrom : undefined;
          field('kubernetes/configMap', isObject(valueFrom) ? valueFrom.configMapKeyRef : undefined, 'name');
          field('kubernetes/secret', isObject(valueFrom) ? valueFrom.secretKeyRef : undefined, 'name');
        }
      }
    }
    for (const volume of arrayOf(spec.volumes)) {
      if (!isObject(volume)) continue;
      field('kubernetes/configMap', volume.configMap, 'name');
      field('kubernetes/secret', volume.secret, 'secretName');
      for (const source of arrayOf(isObject(volume.projected) ? volume.projected.sources : undefined)) {
        field('kubernetes/configMap', isObject(source) ? source.configMap : undefined, 'name');
        field('kubernetes/secret', isObject(source) ? source.secret : undefined, 'name');
      }
    }
  }
  if (manifest.kind === 'HorizontalPodAutoscaler' && isObject(manifest.spec)) {
    const target = manifest.spec.scaleTargetRef;
    if (isObject(target) && (target.kind === 'Deployment' || target.kind === 'ReplicaSet')) field(`kubernetes/${target.kind === 'Deployment' ? 'deployment' : 'replicaSet'}`, target, 'name');
  }
  return slots;
}

/** Every object reached as `...spec.template.spec` anywhere below `node` (JSONPath `$..spec.template.spec`). */
function collectTemplateSpecs(node: unknown, out: JsonObject[]): void {
  if (Array.isArray(node)) {
    for (const x of node) collectTemplateSpecs(x, out);
    return;
  }
  if (!isObject(node)) return;
  const spec = node.spec;
  if (isObject(spec) && isObject(spec.template) && isObject(spec.template.spec)) out.push(spec.template.spec);
  for (const value of Object.values(node)) collectTemplateSpecs(value, out);
}

const arrayOf = (v: unknown): readonly unknown[] => (Array.isArray(v) ? v : []);
