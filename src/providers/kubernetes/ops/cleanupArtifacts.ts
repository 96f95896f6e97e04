import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { KubeObject } from '../client/KubeClient.js';
import { kindProblem } from '../coordinates.js';
import { kindOfManifest } from '../KubernetesKind.js';
import { annotationsOf, manifestNamespace, type KubernetesManifest } from '../model/KubernetesManifest.js';
import { accountField } from './descriptions.js';
import { ARTIFACT_ANNOTATION, STRATEGY_ANNOTATION } from './manifestAnnotations.js';
import { KubernetesValidator, addManifestName, newOperationResult, writerFor, type KubernetesOpsDeps, type OperationResult } from './KubernetesOperationSupport.js';

const OP_NAME = 'CLEANUP_KUBERNETES_ARTIFACTS';


/** `KubernetesCleanupArtifactsDescription`: `manifests` as a deploy's result lists them (Orca passes `outputs.manifests`). */
const schema = z
  .object({
    account: accountField,
    manifests: z
      .array(z.record(z.unknown()))
      .nullish()
      .transform((v) => (v ?? []) as KubernetesManifest[]),
  })
  .passthrough();
type Description = z.infer<typeof schema>;

/** `Ints.tryParse`: an optional minus and digits, within int range. */
function tryParseInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
}

/** The artifact a manifest was deployed as (`KubernetesManifestAnnotater.getArtifact`): none without a type annotation. */
function artifactOf(m: KubernetesManifest): { type: string; name: string; location: string | undefined; version: string | undefined } | undefined {
  const a = annotationsOf(m);
  const type = a[ARTIFACT_ANNOTATION.type];
  if (type === undefined || type === '') return undefined;
  return { type, name: a[ARTIFACT_ANNOTATION.name] ?? '', location: a[ARTIFACT_ANNOTATION.location], version: a[ARTIFACT_ANNOTATION.version] };
}

/** Where a manifest's versions live: its artifact location, else its namespace, else kubectl's default. */
const locationOf = (m: KubernetesManifest): string => artifactOf(m)?.location ?? (manifestNamespace(m) || 'default');

/** Java's `String.compareTo` (code units, not locale); the sort is stable, so ties keep the API's name order. */
const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const artifactString = (o: KubeObject): string => {
  const a = artifactOf(o);
  return `Artifact(type=${a?.type ?? ''}, name=${a?.name ?? ''}, version=${a?.version ?? ''}, location=${a?.location ?? ''})`;
};

/**
 * `cleanupArtifacts` (`KubernetesCleanupArtifactsOperation`): for each manifest whose
 * `strategy.spinnaker.io/max-version-history` is N, lists the live objects of its kind in its
 * namespace that are versions of the same artifact (`artifact.spinnaker.io/name` equal to the
 * manifest's), oldest first by creationTimestamp (`ArtifactProvider.getArtifacts`), and deletes all
 * but the newest N. Result: `OperationResult` naming what was deleted, without `manifests`.
 *
 * Upstream deletes `{artifact name}-{artifact version}` in the artifact's location; here each
 * version is deleted by its own name in the namespace it was listed in, which is the same object
 * whenever the annotations are consistent and never a different one when they are not.
 */
export function cleanupArtifacts(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'cleanupArtifacts',
    displayName: 'KubernetesCleanupArtifactsOperation',
    schema,
    account: (d) => d.account,
    validate(d) {
      // Upstream has no validator; the account's kind and namespace limits hold here as for every other operation.
      const v = new KubernetesValidator('cleanupKubernetesArtifacts', deps);
      const acct = v.account(d.account);
      d.manifests.forEach((m, i) => {
        if (typeof m.kind !== 'string' || m.kind === '' || kindProblem(m.kind) !== undefined) {
          v.reject('invalid', `manifests[${i}].kind`, 'every manifest needs a valid kind');
          return;
        }
        if (acct === undefined || tryParseInt(annotationsOf(m)[STRATEGY_ANNOTATION.maxVersionHistory]) === undefined || artifactOf(m) === undefined) return;
        const kind = kindOfManifest(m);
        if (v.kind(acct, kind) && acct.registry.get(kind).namespaced) v.namespace(acct, locationOf(m));
      });
      return v.problems;
    },
    async operate(d: Description, ctx: OperationContext): Promise<OperationResult> {
      const writer = writerFor(deps, d.account, ctx);
      const result = newOperationResult();
      const toDelete: KubeObject[] = [];
      for (const m of d.manifests) {
        const max = tryParseInt(annotationsOf(m)[STRATEGY_ANNOTATION.maxVersionHistory]);
        const artifact = artifactOf(m);
        if (max === undefined || max < 0 || artifact === undefined) continue;
        const kind = await writer.kind(kindOfManifest(m));
        const namespace = kind.namespaced ? locationOf(m) : '';
        const versions = (await writer.list(kind, namespace))
          .filter((o) => artifactOf(o) !== undefined && (artifactOf(o)?.name ?? '') === artifact.name)
          .sort((a, b) => compareStrings(String(a.metadata.creationTimestamp ?? ''), String(b.metadata.creationTimestamp ?? '')));
        if (max < versions.length) toDelete.push(...versions.slice(0, versions.length - max));
      }
      for (const o of toDelete) {
        const type = artifactOf(o)?.type ?? '';
        if (!type.startsWith('kubernetes/')) {
          ctx.logger.warn({ type }, 'Non-kubernetes type deletion requested...');
          continue;
        }
        await ctx.task.updateStatus(OP_NAME, `Deleting artifact '${artifactString(o)}'`);
        const kind = await writer.kind(kindOfManifest(o));
        const namespace = kind.namespaced ? manifestNamespace(o) : '';
        result.manifestNamesByNamespace[namespace] ??= [];
        if (await writer.delete(kind, namespace, o.metadata.name)) {
          await writer.waitUntilGone(kind, namespace, o.metadata.name, 120_000);
          addManifestName(result, namespace, `${kind.name} ${o.metadata.name}`);
        }
      }
      delete result.manifests;
      return result;
    },
  });
}
