import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { KubeObject } from '../client/KubeClient.js';
import type { KubernetesKindProperties } from '../KubernetesKind.js';
import { annotationsOf, isObject, numberAt, ownerReferencesOf, pathOf } from '../model/KubernetesManifest.js';
import { coordinatesSchema } from './descriptions.js';
import { KubernetesOperationError, type ClusterWriter } from './ClusterWriter.js';
import { labelSelectorString, selectorsOfLabelSelector } from './labelSelectors.js';
import { KubernetesValidator, coordinatesString, effectiveNamespace, splitManifestName, writerFor, type KubernetesOpsDeps, applicationsOf } from './KubernetesOperationSupport.js';

/**
 * The rollout operations on workloads, each what its kubectl command does, done through the API:
 * - `undoRolloutManifest` (`KubernetesUndoRolloutManifestOperation`, `kubectl rollout undo --to-revision`):
 *   a Deployment gets the pod template of the ReplicaSet of that revision (without its
 *   `pod-template-hash` label) and that ReplicaSet's annotations; a StatefulSet or DaemonSet is
 *   strategic-merge-patched with the data of the ControllerRevision of that revision.
 * - `pauseRolloutManifest` / `resumeRolloutManifest` (`kubectl rollout pause/resume`): `spec.paused`
 *   (Deployments only; kubectl refuses StatefulSets and DaemonSets although Clouddriver offers them).
 * - `rollingRestartManifest` (`kubectl rollout restart`): the pod-template annotation
 *   `kubectl.kubernetes.io/restartedAt` set to the current time.
 * Kinds Clouddriver has no handler capability for fail with its "Resource with ... does not support ...".
 * None returns a result object (upstream they are `AtomicOperation<Void>`).
 */

const ROLLOUT_KINDS: ReadonlySet<string> = new Set(['deployment', 'statefulSet', 'daemonSet']);
const REVISION = 'deployment.kubernetes.io/revision';
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/** Annotations `kubectl rollout undo` keeps from the Deployment instead of taking the ReplicaSet's. */
const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

type Status = (s: string) => Promise<void>;

interface Target {
  readonly writer: ClusterWriter;
  readonly kind: KubernetesKindProperties;
  readonly namespace: string;
  readonly name: string;
  /** `kind/name` as upstream's kubectl messages name the resource. */
  readonly resource: string;
}

/** The operation's target, or the upstream failure for a kind without the capability. */
async function target(deps: KubernetesOpsDeps, d: { account: string; manifestName: string; location: string }, ctx: OperationContext, capability: string): Promise<Target> {
  const writer = writerFor(deps, d.account, ctx);
  const parsed = splitManifestName(d.manifestName);
  const props = writer.account.registry.get(parsed.kind);
  const namespace = effectiveNamespace(props, d.location, writer.account);
  if (!ROLLOUT_KINDS.has(props.name)) {
    throw new KubernetesOperationError(`Resource with ${coordinatesString(props.name, namespace, parsed.name)} does not support ${capability}`, 0);
  }
  const kind = await writer.kind(props.name);
  return { writer, kind, namespace, name: parsed.name, resource: `${kind.name}/${parsed.name}` };
}

/** `deployments.apps "web"`: how kubectl names an object in its errors. */
const kubectlName = (t: Target): string => `${t.kind.resource ?? t.kind.name}${t.kind.group === '' ? '' : `.${t.kind.group}`} "${t.name}"`;

/** The live object, or kubectl's NotFound error under upstream's `what` ("Failed to pause rollout"). */
async function live(t: Target, what: string): Promise<KubeObject> {
  const o = await t.writer.get(t.kind, t.namespace, t.name);
  if (o === undefined) throw new KubernetesOperationError(`${what} ${t.resource} from ${t.namespace}: Error from server (NotFound): ${kubectlName(t)} not found`, 404);
  return o;
}

const failed = (t: Target, what: string, error: string): KubernetesOperationError => new KubernetesOperationError(`${what} ${t.resource} from ${t.namespace}: error: ${error}`, 0);

/** JSON with sorted keys, for comparing templates the way the API server's semantic equality would. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v)) return Object.fromEntries(Object.keys(v).sort().filter((k) => v[k] !== undefined && v[k] !== null).map((k) => [k, canonical(v[k])]));
  return v;
}
const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));

function withoutLabel(template: unknown, label: string): unknown {
  if (!isObject(template)) return template;
  const copy = structuredClone(template);
  const labels = pathOf(copy, 'metadata', 'labels');
  if (isObject(labels)) delete labels[label];
  return copy;
}

function withoutDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutDirectives);
  if (isObject(v)) return Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('$')).map(([k, x]) => [k, withoutDirectives(x)]));
  return v;
}

const isControlledBy = (o: KubeObject, owner: KubeObject): boolean => ownerReferencesOf(o).some((r) => r.controller && r.uid !== undefined && r.uid === owner.metadata.uid);

/** Objects of `kindName` in the owner's namespace selected by its `spec.selector` and controlled by it. */
async function controlled(t: Target, owner: KubeObject, kindName: string): Promise<KubeObject[]> {
  const kind = await t.writer.kind(kindName);
  let selector = '';
  try {
    selector = labelSelectorString(selectorsOfLabelSelector(pathOf(owner, 'spec', 'selector')));
  } catch {
    selector = ''; // a selector we cannot render: list all and rely on the owner references
  }
  return (await t.writer.list(kind, t.namespace, selector)).filter((o) => isControlledBy(o, owner));
}

/** Revision -> what it restores: a Deployment's ReplicaSets, a StatefulSet's or DaemonSet's ControllerRevisions. */
async function history(t: Target, owner: KubeObject): Promise<Map<number, KubeObject>> {
  const byRevision = new Map<number, KubeObject>();
  if (t.kind.name === 'deployment') {
    for (const rs of await controlled(t, owner, 'replicaSet')) {
      const raw = annotationsOf(rs)[REVISION];
      const revision = raw === undefined ? 0 : /^\d+$/.test(raw) ? Number(raw) : undefined;
      if (revision !== undefined) byRevision.set(revision, rs);
    }
  } else {
    for (const cr of await controlled(t, owner, 'controllerRevision')) {
      const revision = numberAt(cr, 'revision');
      if (revision !== undefined) byRevision.set(revision, cr);
    }
  }
  return byRevision;
}

/** `kubectl rollout history`: the revisions, ascending. */
async function revisions(t: Target): Promise<number[]> {
  const owner = await live(t, 'Failed to get rollout history of');
  return [...(await history(t, owner)).keys()].sort((a, b) => a - b);
}

/** `--to-revision=0` is the revision before the newest. */
function previousRevision(all: readonly number[]): number | undefined {
  const sorted = [...all].sort((a, b) => b - a);
  return sorted[1];
}

/** `kubectl rollout undo --to-revision` through the API. */
async function undo(t: Target, toRevision: number): Promise<void> {
  const what = 'Failed to undo rollout';
  const owner = await live(t, what);
  if (t.kind.name === 'deployment' && pathOf(owner, 'spec', 'paused') === true) {
    throw failed(t, what, `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${t.name}' and try again`);
  }
  const byRevision = await history(t, owner);
  let revision = toRevision;
  if (toRevision === 0) {
    const previous = previousRevision([...byRevision.keys()]);
    if (previous === undefined) throw failed(t, what, t.kind.name === 'deployment' ? `no rollout history found for deployment "${t.name}"` : 'no last revision to roll back to');
    revision = previous;
  }
  const source = toRevision < 0 ? undefined : byRevision.get(revision);
  if (source === undefined) throw failed(t, what, `unable to find specified revision ${toRevision} in history`);

  if (t.kind.name === 'deployment') {
    const template = withoutLabel(pathOf(source, 'spec', 'template'), 'pod-template-hash');
    if (sameJson(template, withoutLabel(pathOf(owner, 'spec', 'template'), 'pod-template-hash'))) return; // "skipped rollback"
    const annotations: Record<string, string> = {};
    const own = annotationsOf(owner);
    for (const k of ANNOTATIONS_TO_SKIP) if (own[k] !== undefined) annotations[k] = own[k];
    for (const [k, v] of Object.entries(annotationsOf(source))) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
    await t.writer.patch(t.kind, t.namespace, t.name, 'json', [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'add', path: '/metadata/annotations', value: annotations },
    ]);
    return;
  }
  const data = pathOf(source, 'data');
  if (!isObject(data)) throw failed(t, what, `revision ${revision} has no data to restore`);
  if (sameJson(withoutDirectives(pathOf(data, 'spec', 'template')), pathOf(owner, 'spec', 'template'))) return; // "skipped rollback"
  await t.writer.patch(t.kind, t.namespace, t.name, 'strategic', data);
}

const undoSchema = coordinatesSchema.extend({
  revision: z.coerce.number().int().nullish(),
  numRevisionsBack: z.coerce.number().int().nullish(),
});

/** `undoRolloutManifest`: to `revision`, or `numRevisionsBack` revisions before the newest. */
export function undoRolloutManifest(deps: KubernetesOpsDeps): OperationDefinition {
  const OP_NAME = 'UNDO_ROLLOUT_KUBERNETES_MANIFEST';
  return defineOperation({
    name: 'undoRolloutManifest',
    displayName: 'KubernetesUndoRolloutManifestOperation',
    schema: undoSchema,
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName, d.location),
    validate(d) {
      const v = new KubernetesValidator('undoRolloutKubernetesManifest', deps);
      if (v.target(d.account, d.manifestName, d.location) === undefined) return v.problems;
      if ((d.numRevisionsBack ?? undefined) === undefined && (d.revision ?? undefined) === undefined) v.reject('empty', 'numRevisionsBack & revision', 'either revision or numRevisionsBack is required');
      if (d.numRevisionsBack !== null && d.numRevisionsBack !== undefined && d.numRevisionsBack < 0) v.reject('invalid', 'numRevisionsBack', 'numRevisionsBack may not be negative');
      return v.problems;
    },
    async operate(d, ctx) {
      const status: Status = (s) => ctx.task.updateStatus(OP_NAME, s);
      await status(`Starting undo rollout operation in account ${d.account}...`);
      await status('Looking up resource properties...');
      const t = await target(deps, d, ctx, 'undo rollout');
      let revision = d.revision ?? 0;
      if (d.numRevisionsBack !== null && d.numRevisionsBack !== undefined) {
        await status('Looking up rollout history...');
        const all = await revisions(t);
        const index = all.length - d.numRevisionsBack - 1;
        if (index < 0) throw new KubernetesOperationError(`There are ${all.length} revision(s) in total, cannot rollback ${d.numRevisionsBack}`, 0);
        revision = all[index] ?? 0;
        await status(`Picked revision ${revision}...`);
      }
      await status(`Calling undo rollout operation for ${t.name} in namespace ${t.namespace} with revision ${revision}...`);
      await undo(t, revision);
      await status('Undo rollout operation completed successfully');
      return undefined;
    },
  });
}

interface SimpleRollout {
  readonly name: string;
  readonly displayName: string;
  readonly context: string;
  readonly opName: string;
  /** "pause rollout": the capability in upstream's "does not support" message. */
  readonly capability: string;
  readonly starting: (account: string) => string;
  readonly calling: (name: string, namespace: string) => string;
  readonly done: string;
  readonly run: (t: Target) => Promise<void>;
}

function simpleRollout(deps: KubernetesOpsDeps, spec: SimpleRollout): OperationDefinition {
  return defineOperation({
    name: spec.name,
    displayName: spec.displayName,
    schema: coordinatesSchema,
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName, d.location),
    validate(d) {
      const v = new KubernetesValidator(spec.context, deps);
      v.target(d.account, d.manifestName, d.location);
      return v.problems;
    },
    async operate(d, ctx) {
      const status: Status = (s) => ctx.task.updateStatus(spec.opName, s);
      await status(spec.starting(d.account));
      await status('Looking up resource properties...');
      const t = await target(deps, d, ctx, spec.capability);
      await status(spec.calling(t.name, t.namespace));
      await spec.run(t);
      await status(spec.done);
      return undefined;
    },
  });
}

/** kubectl's pauser/resumer: only Deployments can be paused; an already paused one (or a running one for resume) is an error. */
async function setPaused(t: Target, paused: boolean): Promise<void> {
  const what = paused ? 'Failed to pause rollout' : 'Failed to resume rollout';
  const o = await live(t, what);
  if (t.kind.name !== 'deployment') throw failed(t, what, `${kubectlName(t)} ${paused ? 'pausing' : 'resuming'} is not supported`);
  const isPaused = pathOf(o, 'spec', 'paused') === true;
  if (paused && isPaused) throw failed(t, what, `${kubectlName(t)} is already paused`);
  if (!paused && !isPaused) throw failed(t, what, `${kubectlName(t)} is not paused`);
  await t.writer.patch(t.kind, t.namespace, t.name, 'merge', { spec: { paused: paused ? true : null } });
}

/** kubectl's restarter: the restartedAt pod-template annotation (RFC 3339, seconds); a paused Deployment is refused. */
async function restart(t: Target): Promise<void> {
  const what = 'Failed to complete rolling restart of';
  const o = await live(t, what);
  if (t.kind.name === 'deployment' && pathOf(o, 'spec', 'paused') === true) throw failed(t, what, `${kubectlName(t)} can't restart paused deployment (run rollout resume first)`);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await t.writer.patch(t.kind, t.namespace, t.name, 'strategic', { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: now } } } } });
}

export function pauseRolloutManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return simpleRollout(deps, {
    name: 'pauseRolloutManifest',
    displayName: 'KubernetesPauseRolloutManifestOperation',
    context: 'pauseRolloutKubernetesManifest',
    opName: 'PAUSE_ROLLOUT_KUBERNETES_MANIFEST',
    capability: 'pause rollout',
    starting: (account) => `Starting pause rollout operation in account ${account}...`,
    calling: (name, namespace) => `Calling pause rollout operation for ${name} in namespace ${namespace}...`,
    done: 'Pause rollout operation completed successfully',
    run: (t) => setPaused(t, true),
  });
}

export function resumeRolloutManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return simpleRollout(deps, {
    name: 'resumeRolloutManifest',
    displayName: 'KubernetesResumeRolloutManifestOperation',
    context: 'resumeRolloutKubernetesManifest',
    opName: 'RESUME_ROLLOUT_KUBERNETES_MANIFEST',
    capability: 'resume rollout',
    starting: (account) => `Starting resume rollout operation in account ${account} ...`,
    calling: (name, namespace) => `Calling resume rollout operation for ${name} in namespace ${namespace}...`,
    done: 'Resume rollout operation completed successfully',
    run: (t) => setPaused(t, false),
  });
}

export function rollingRestartManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return simpleRollout(deps, {
    name: 'rollingRestartManifest',
    displayName: 'KubernetesRollingRestartManifestOperation',
    context: 'rollingRestartKubernetesManifest',
    opName: 'ROLLING_RESTART_KUBERNETES_MANIFEST',
    capability: 'rolling restart',
    starting: (account) => `Starting rolling restart operation in account ${account}...`,
    calling: (name, namespace) => `Calling rolling restart operation for ${name} in namespace ${namespace}...`,
    done: 'Rolling rollout operation completed successfully',
    run: restart,
  });
}
