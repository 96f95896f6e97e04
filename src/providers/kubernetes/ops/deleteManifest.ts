import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import { kindProblem } from '../coordinates.js';
import { accountField } from './descriptions.js';
import { type ClusterWriter, type PropagationPolicy } from './ClusterWriter.js';
import { labelSelectorProblems, labelSelectorString, labelSelectorsSchema } from './labelSelectors.js';
import {
  KubernetesValidator,
  addManifestName,
  coordinatesString,
  effectiveNamespace,
  newOperationResult,
  splitManifestName,
  writerFor,
  type KubernetesOpsDeps,
  type OperationResult,
  applicationsOf,
} from './KubernetesOperationSupport.js';

const OP_NAME = 'DELETE_KUBERNETES_MANIFEST';

/** `Map<String, String>` upstream: Jackson turns booleans and numbers into their text. */
const optionValue = z
  .union([z.string(), z.number(), z.boolean()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)));

/** `KubernetesDeleteManifestDescription`. */
export const deleteManifestSchema = z
  .object({
    account: accountField,
    manifestName: z.string().nullish(),
    location: z.string().nullish().transform((v) => v ?? ''),
    kinds: z.array(z.string()).nullish().transform((v) => v ?? []),
    labelSelectors: labelSelectorsSchema.nullish().transform((v) => v ?? { selectors: [] }),
    options: z.record(optionValue).nullish(),
  })
  .passthrough();
export type DeleteManifestDescription = z.infer<typeof deleteManifestSchema>;

export interface DeleteOptions {
  readonly propagationPolicy?: PropagationPolicy;
  readonly gracePeriodSeconds?: number;
}

const POLICIES: Readonly<Record<string, PropagationPolicy>> = { orphan: 'Orphan', background: 'Background', foreground: 'Foreground', false: 'Orphan', true: 'Background' };

/** kubectl's words for a `--cascade` value it does not know. */
const invalidCascade = (value: string): string => `invalid cascade value (${value}). Must be "background", "foreground", or "orphan".`;

/**
 * The delete options of `options` as `KubernetesDeleteManifestOperation` builds them and
 * `kubectl delete --cascade --grace-period` applies them: `orphanDependents` ("true" -> orphan,
 * anything else -> background) wins over `cascading` ("false" -> orphan, "true" -> background,
 * other values such as "foreground" pass through); an unparsable `gracePeriodSeconds` is ignored
 * (upstream logs it), a negative one means the default, and 0 becomes 1 (kubectl without `--force`).
 */
export function deleteOptionsOf(options: Readonly<Record<string, string | undefined>> | null | undefined): DeleteOptions | { problem: string } {
  const o = options ?? {};
  let cascade: string | undefined;
  if (o.orphanDependents !== undefined) cascade = o.orphanDependents.toLowerCase() === 'true' ? 'orphan' : 'background';
  else if (o.cascading !== undefined) cascade = o.cascading;
  const propagationPolicy = cascade === undefined ? undefined : POLICIES[cascade.toLowerCase()];
  if (cascade !== undefined && propagationPolicy === undefined) return { problem: invalidCascade(cascade) };
  let gracePeriodSeconds: number | undefined;
  if (o.gracePeriodSeconds !== undefined && /^[-+]?\d+$/.test(o.gracePeriodSeconds.trim())) {
    const n = Number(o.gracePeriodSeconds.trim());
    if (n >= 0) gracePeriodSeconds = n === 0 ? 1 : n;
  }
  return { ...(propagationPolicy === undefined ? {} : { propagationPolicy }), ...(gracePeriodSeconds === undefined ? {} : { gracePeriodSeconds }) };
}

/** How long a delete waits for the objects to be gone (kubectl waits too, by default for a week). */
function waitLimitMs(opts: DeleteOptions): number {
  return Math.max(120_000, ((opts.gracePeriodSeconds ?? 30) + 60) * 1000);
}

/**
 * `kubectl delete --ignore-not-found` of one object or of every object of a kind matching a
 * label selector, waiting until they are gone as kubectl does. Returns the names deleted.
 */
async function deleteObjects(writer: ClusterWriter, kindName: string, namespace: string, name: string | undefined, selector: string, opts: DeleteOptions): Promise<string[]> {
  const kind = await writer.kind(kindName);
  const names = name !== undefined ? [name] : (await writer.list(kind, namespace, selector)).map((o) => o.metadata.name);
  const deleted: string[] = [];
  for (const n of names) if (await writer.delete(kind, namespace, n, opts)) deleted.push(n);
  for (const n of deleted) await writer.waitUntilGone(kind, namespace, n, waitLimitMs(opts));
  return deleted;
}

/**
 * `deleteManifest` (`KubernetesDeleteManifestOperation`): one object (`manifestName` in
 * `location`), or every object of `kinds` in `location` matching `labelSelectors`. Result:
 * `OperationResult` with the deleted names by namespace.
 */
export function deleteManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'deleteManifest',
    displayName: 'KubernetesDeleteManifestOperation',
    schema: deleteManifestSchema,
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName ?? '', d.location),
    validate(d) {
      const v = new KubernetesValidator('deleteKubernetesManifest', deps);
      const dynamic = (d.manifestName ?? '') === '';
      const selectorProblems = labelSelectorProblems(d.labelSelectors);
      for (const p of selectorProblems) v.reject('invalid', 'labelSelectors', p);
      const options = deleteOptionsOf(d.options);
      if ('problem' in options) v.reject('invalid', 'options.cascading', options.problem);
      if (!dynamic) {
        v.target(d.account, d.manifestName ?? '', d.location);
        // kubectl refuses a name together with a selector before it touches the cluster.
        if (selectorProblems.length === 0 && labelSelectorString(d.labelSelectors) !== '') v.reject('invalid', 'labelSelectors', 'name cannot be provided when a selector is specified');
        return v.problems;
      }
      const acct = v.account(d.account);
      for (const kind of d.kinds) {
        const problem = kindProblem(kind);
        if (problem !== undefined) {
          v.reject('invalid', 'kinds', problem);
          continue;
        }
        if (acct !== undefined && v.kind(acct, kind)) v.namespace(acct, effectiveNamespace(acct.registry.get(kind), d.location, acct));
      }
      // `kubectl delete <kind>` with neither name nor selector refuses to run (it would delete every object of the kind).
      if (d.kinds.length > 0 && selectorProblems.length === 0 && labelSelectorString(d.labelSelectors) === '') {
        v.reject('empty', 'labelSelectors', 'resource(s) were provided, but no name or label selector was specified');
      }
      return v.problems;
    },
    async operate(d, ctx: OperationContext): Promise<OperationResult> {
      const writer = writerFor(deps, d.account, ctx);
      const status = (s: string): Promise<void> => ctx.task.updateStatus(OP_NAME, s);
      await status(`Starting delete operation in account ${d.account}...`);
      const options = deleteOptionsOf(d.options);
      const opts: DeleteOptions = 'problem' in options ? {} : options;
      const dynamic = (d.manifestName ?? '') === '';
      const targets = dynamic ? d.kinds.map((kind) => ({ kind, name: undefined })) : [splitManifestName(d.manifestName ?? '')];
      const selector = dynamic ? labelSelectorString(d.labelSelectors) : '';
      const result = newOperationResult();
      for (const target of targets) {
        const kindProps = writer.account.registry.get(target.kind);
        const namespace = effectiveNamespace(kindProps, d.location, writer.account);
        await status(`Looking up resource properties for ${kindProps.name}...`);
        await status(`Calling delete operation for resource ${coordinatesString(kindProps.name, namespace, target.name ?? '')}...`);
        const deleted = await deleteObjects(writer, target.kind, namespace, target.name, selector, opts);
        result.manifestNamesByNamespace[namespace] ??= [];
        for (const n of deleted) addManifestName(result, namespace, `${kindProps.name} ${n}`);
        await status(`Delete operation completed successfully for ${target.name ?? `${kindProps.name} (${selector})`}`);
      }
      await status('Delete operation completed successfully for all applicable resources');
      return result;
    },
  });
}
