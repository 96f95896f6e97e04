import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import { isObject, type KubernetesManifest } from '../model/KubernetesManifest.js';
import { bindArtifacts } from './artifacts.js';
import { accountField, artifactSchema, type Artifact } from './descriptions.js';
import { KubernetesOperationError, type PatchType } from './ClusterWriter.js';
import {
  KubernetesValidator,
  addResultManifest,
  coordinatesString,
  effectiveNamespace,
  newOperationResult,
  splitManifestName,
  unboundRequiredArtifactsMessage,
  writerFor,
  type KubernetesOpsDeps,
  type OperationResult,
  applicationsOf,
} from './KubernetesOperationSupport.js';

const OP_NAME = 'PATCH_KUBERNETES_MANIFEST';
const JSON_PATCH_OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

/** `KubernetesPatchManifestDescription` (Orca sends the whole stage context; extra fields pass through). */
export const patchManifestSchema = z
  .object({
    account: accountField,
    manifestName: z.string().min(1),
    location: z.string().nullish().transform((v) => v ?? ''),
    patchBody: z.unknown(),
    options: z
      .object({
        mergeStrategy: z.enum(['strategic', 'json', 'merge']).nullish(),
        record: z.boolean().nullish(),
      })
      .passthrough()
      .nullish()
      .transform((o) => ({ mergeStrategy: o?.mergeStrategy ?? undefined, record: o?.record === true })),
    allArtifacts: z.array(artifactSchema).nullish(),
    requiredArtifacts: z.array(artifactSchema).nullish(),
    manifestArtifact: z.unknown().optional(),
  })
  .passthrough();
export type PatchManifestDescription = z.infer<typeof patchManifestSchema>;

/** Why a JSON patch body is not a list of RFC 6902 operations, or undefined. */
function jsonPatchProblem(body: unknown): string | undefined {
  if (!Array.isArray(body)) return 'with mergeStrategy json the patch body must be a list of JSON patch operations';
  const bad = body.findIndex((op) => !isObject(op) || typeof op.op !== 'string' || !JSON_PATCH_OPS.has(op.op) || typeof op.path !== 'string');
  return bad < 0 ? undefined : `patch operation ${bad} must have an "op" (add, remove, replace, move, copy or test) and a "path"`;
}

/**
 * kubectl `--record`: the command line as the `kubernetes.io/change-cause` annotation, written by
 * a second merge patch whose failure is ignored, as kubectl does.
 */
function changeCause(kindName: string, name: string, namespace: string, strategy: PatchType, body: unknown): string {
  return `kubectl${namespace === '' ? '' : ` --namespace=${namespace}`} patch ${kindName} ${name} --record --type ${strategy} --patch ${JSON.stringify(body)}`;
}

/**
 * Binds artifacts into a strategic or merge patch body the way the target kind's handler would
 * (`KubernetesHandler.replaceArtifacts`): a body without `kind` is bound as if it were the target's.
 */
function bindPatchBody(body: KubernetesManifest, apiKind: string, artifacts: readonly Artifact[], account: string, namespace: string): { body: KubernetesManifest; bound: Artifact[] } {
  const hasKind = typeof body.kind === 'string';
  const { manifest, bound } = bindArtifacts(hasKind ? body : { ...body, kind: apiKind }, artifacts, { account, namespace });
  if (!hasKind) delete manifest.kind;
  return { body: manifest, bound };
}

/**
 * `patchManifest` (`KubernetesPatchManifestOperation`): `kubectl patch --type {mergeStrategy}` of
 * one object with `patchBody`. Strategic and merge bodies first get artifacts from `allArtifacts`
 * bound into them, and the task fails when one of `requiredArtifacts` was not bound; JSON patches
 * (a list of operations) are sent as they are. Result: `OperationResult` with the patched object
 * (kind, name and namespace only, as upstream) and the bound artifacts.
 */
export function patchManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'patchManifest',
    displayName: 'KubernetesPatchManifestOperation',
    schema: patchManifestSchema,
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName, d.location),
    validate(d) {
      const v = new KubernetesValidator('patchKubernetesManifest', deps);
      if (d.patchBody === undefined || d.patchBody === null) {
        v.reject('empty', 'patchBody', 'a patch body is required');
        return v.problems;
      }
      if (d.options.mergeStrategy === undefined) {
        v.reject('empty', 'options.mergeStrategy', 'options.mergeStrategy (strategic, json or merge) is required');
        return v.problems;
      }
      if (v.target(d.account, d.manifestName, d.location) === undefined) return v.problems;
      if (d.options.mergeStrategy === 'json') {
        const problem = jsonPatchProblem(d.patchBody);
        if (problem !== undefined) v.reject('invalid', 'patchBody', problem);
      } else if (!isObject(d.patchBody)) {
        v.reject('invalid', 'patchBody', `with mergeStrategy ${d.options.mergeStrategy} the patch body must be an object`);
      }
      return v.problems;
    },
    async operate(d, ctx: OperationContext): Promise<OperationResult> {
      const status = (s: string): Promise<void> => ctx.task.updateStatus(OP_NAME, s);
      await status(`Beginning patching of manifest in account ${d.account}...`);
      const writer = writerFor(deps, d.account, ctx);
      const parsed = splitManifestName(d.manifestName);
      const props = writer.account.registry.get(parsed.kind);
      const namespace = effectiveNamespace(props, d.location, writer.account);
      const coordinates = coordinatesString(props.name, namespace, parsed.name);
      await status(`Finding patch handler for ${coordinates}...`);
      const kind = await writer.kind(props.name);
      const strategy: PatchType = d.options.mergeStrategy ?? 'strategic';
      const result = newOperationResult();

      let body: unknown = d.patchBody;
      if (strategy !== 'json') {
        // Skip artifact replacement for json patches, as upstream.
        await status(`Swapping out artifacts in ${coordinates} from context...`);
        const replaced = bindPatchBody(d.patchBody as KubernetesManifest, kind.apiKind, d.allArtifacts ?? [], d.account, namespace);
        const unbound = unboundRequiredArtifactsMessage(d.requiredArtifacts, replaced.bound);
        if (unbound !== undefined) throw new KubernetesOperationError(unbound, 0);
        body = replaced.body;
        result.boundArtifacts.push(...replaced.bound);
      }
      await status(`Submitting manifest ${d.manifestName} to Kubernetes master...`);
      await writer.patch(kind, namespace, parsed.name, strategy, body);
      if (d.options.record) {
        const annotations = { 'kubernetes.io/change-cause': changeCause(kind.name, parsed.name, namespace, strategy, body) };
        await writer.patch(kind, namespace, parsed.name, 'merge', { metadata: { annotations } }).catch((e: unknown) => ctx.logger.warn({ err: e }, 'could not record the change cause'));
      }
      addResultManifest(result, kind.name, { metadata: { namespace, name: parsed.name }, kind: kind.name });
      await status('Patch manifest operation completed successfully');
      return result;
    },
  });
}
