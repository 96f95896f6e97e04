import { ANNOTATION } from '../moniker.js';
import { annotationsOf, isObject, type JsonObject, type KubernetesManifest } from '../model/KubernetesManifest.js';

/**
 * What a deploy writes into a manifest and reads from it: the artifact annotations
 * (`KubernetesManifestAnnotater`), the moniker as annotations and labels
 * (`KubernetesManifestNamer`, `KubernetesManifestLabeler`), and the `strategy.spinnaker.io/*`
 * deploy options (`KubernetesManifestStrategy`). All functions change the manifest in place.
 */

export const ARTIFACT_ANNOTATION = {
  type: 'artifact.spinnaker.io/type',
  name: 'artifact.spinnaker.io/name',
  location: 'artifact.spinnaker.io/location',
  version: 'artifact.spinnaker.io/version',
} as const;

export const STRATEGY_ANNOTATION = {
  versioned: 'strategy.spinnaker.io/versioned',
  maxVersionHistory: 'strategy.spinnaker.io/max-version-history',
  useSourceCapacity: 'strategy.spinnaker.io/use-source-capacity',
  recreate: 'strategy.spinnaker.io/recreate',
  replace: 'strategy.spinnaker.io/replace',
  serverSideApply: 'strategy.spinnaker.io/server-side-apply',
} as const;

export const LABEL = {
  name: 'app.kubernetes.io/name',
  managedBy: 'app.kubernetes.io/managed-by',
  sequence: 'moniker.spinnaker.io/sequence',
} as const;

export type DeployStrategy = 'recreate' | 'replace' | 'serverSideApply' | 'serverSideApplyForce' | 'apply';

export interface ManifestStrategy {
  /** undefined: the description or the kind decides. */
  readonly versioned: boolean | undefined;
  readonly maxVersionHistory: number | undefined;
  readonly useSourceCapacity: boolean;
  /** Precedence: recreate > replace > server-side apply > apply. */
  readonly deploy: DeployStrategy;
}

export interface MonikerValues {
  readonly app: string;
  readonly cluster: string;
  readonly stack?: string | null | undefined;
  readonly detail?: string | null | undefined;
  readonly sequence?: number | null | undefined;
}

/** The strategy annotations of a manifest (`KubernetesManifestStrategy.fromAnnotations`). */
export function strategyOf(m: KubernetesManifest): ManifestStrategy {
  const a = annotationsOf(m);
  const flag = (key: string): boolean => a[key]?.trim().toLowerCase() === 'true';
  const versioned = a[STRATEGY_ANNOTATION.versioned]?.trim().toLowerCase();
  const max = a[STRATEGY_ANNOTATION.maxVersionHistory];
  const ssa = a[STRATEGY_ANNOTATION.serverSideApply]?.trim().toLowerCase();
  const deploy: DeployStrategy = flag(STRATEGY_ANNOTATION.recreate)
    ? 'recreate'
    : flag(STRATEGY_ANNOTATION.replace)
      ? 'replace'
      : ssa === 'force-conflicts'
        ? 'serverSideApplyForce'
        : ssa === 'true'
          ? 'serverSideApply'
          : 'apply';
  return {
    versioned: versioned === 'true' ? true : versioned === 'false' ? false : undefined,
    maxVersionHistory: max !== undefined && /^\s*\d+\s*$/.test(max) ? Number(max) : undefined,
    useSourceCapacity: flag(STRATEGY_ANNOTATION.useSourceCapacity),
    deploy,
  };
}

/** Writes the artifact annotations on the object (`KubernetesManifestAnnotater.annotateManifest`). */
export function annotateArtifact(m: KubernetesManifest, artifact: { type: string; name: string; location: string; version: string }): void {
  Object.assign(mapFor(m, 'metadata', 'annotations'), {
    [ARTIFACT_ANNOTATION.type]: artifact.type,
    [ARTIFACT_ANNOTATION.name]: artifact.name,
    [ARTIFACT_ANNOTATION.location]: artifact.location,
    [ARTIFACT_ANNOTATION.version]: artifact.version,
  });
}

/**
 * Writes the moniker: annotations only where absent (a user's own moniker annotations win) on the
 * object and its pod template, the sequence always; labels `app.kubernetes.io/name` (if absent),
 * `app.kubernetes.io/managed-by` and the sequence, also on the pod template unless
 * `skipSpecTemplateLabels`.
 */
export function applyMoniker(m: KubernetesManifest, moniker: MonikerValues, opts: { skipSpecTemplateLabels: boolean; managedBy: string }): void {
  const template = podTemplate(m);
  for (const target of [m, ...(template === undefined ? [] : [template])]) {
    const annotations = mapFor(target, 'metadata', 'annotations');
    const setIfAbsent = (key: string, value: string | null | undefined): void => {
      if (value !== undefined && value !== null && value !== '' && !(key in annotations)) annotations[key] = value;
    };
    setIfAbsent(ANNOTATION.application, moniker.app);
    setIfAbsent(ANNOTATION.cluster, moniker.cluster);
    setIfAbsent(ANNOTATION.stack, moniker.stack);
    setIfAbsent(ANNOTATION.detail, moniker.detail);
    if (moniker.sequence !== undefined && moniker.sequence !== null) annotations[ANNOTATION.sequence] = String(moniker.sequence);
  }
  for (const target of [m, ...(template === undefined || opts.skipSpecTemplateLabels ? [] : [template])]) {
    const labels = mapFor(target, 'metadata', 'labels');
    if (!(LABEL.name in labels)) labels[LABEL.name] = moniker.app;
    labels[LABEL.managedBy] = opts.managedBy;
    if (moniker.sequence !== undefined && moniker.sequence !== null) labels[LABEL.sequence] = String(moniker.sequence);
  }
}

/** `spec.template` of workloads (not CronJobs' nested job template), or undefined. */
export function podTemplate(m: KubernetesManifest): JsonObject | undefined {
  const spec = m.spec;
  return isObject(spec) && isObject(spec.template) ? spec.template : undefined;
}

/** The pod-template labels (created when missing) of a workload; the object's own labels otherwise. */
export function selectableLabels(m: KubernetesManifest): Record<string, unknown> {
  const template = podTemplate(m);
  return template === undefined ? mapFor(m, 'metadata', 'labels') : mapFor(template, 'metadata', 'labels');
}

/** The mutable string map at `root.a.b`, created when missing. */
export function mapFor(root: object, a: string, b: string): Record<string, unknown> {
  const r = root as JsonObject;
  if (!isObject(r[a])) r[a] = {};
  const outer = r[a] as JsonObject;
  if (!isObject(outer[b])) outer[b] = {};
  return outer[b] as Record<string, unknown>;
}
