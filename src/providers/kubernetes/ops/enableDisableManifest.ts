import { z } from 'zod';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { KubeObject } from '../client/KubeClient.js';
import { isObject, labelsOf, ownerReferencesOf, pathOf, podTemplateLabels, stringMapAt } from '../model/KubernetesManifest.js';
import { trafficLoadBalancers } from '../moniker.js';
import { coordinatesSchema } from './descriptions.js';
import { KubernetesOperationError, type ClusterWriter } from './ClusterWriter.js';
import { labelSelectorString, selectorsOfLabelSelector } from './labelSelectors.js';
import { KubernetesValidator, coordinatesString, effectiveNamespace, splitManifestName, writerFor, type KubernetesOpsDeps, applicationsOf } from './KubernetesOperationSupport.js';

/**
 * `enableManifest` / `disableManifest` (`AbstractKubernetesEnableDisableManifestOperation` with
 * `KubernetesServiceHandler.attachPatch` / `detachPatch`): for each load balancer (the description's
 * `loadBalancers`, else the target's `traffic.spinnaker.io/load-balancers` annotation), a JSON patch
 * of the target's pod-template labels (its own labels when it has no pod template, e.g. a Pod):
 * enable adds (or replaces) every label of the Service's selector, disable removes those present.
 * A ReplicaSet's pods (selected by its selector and owned by it) get the same patch on their labels;
 * other kinds only get their template patched (a Deployment then rolls out a new ReplicaSet).
 * Only Services balance load. A Service without a selector gives an empty patch and changes nothing
 * (upstream raises no error here; only deploy's traffic attachment refuses such a Service).
 * No result object (upstream returns null).
 */

interface JsonPatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

/** RFC 6901 escaping of one path segment (`JsonPatch.escapeNode`). */
const escapeNode = (node: string): string => node.replace(/~/g, '~0').replace(/\//g, '~1');

/** Where the labels to patch live: the pod template's when it has metadata, else the object's own. */
function labelTarget(o: KubeObject): { prefix: string; labels: Record<string, string>; exists: boolean } {
  const templateMeta = pathOf(o, 'spec', 'template', 'metadata');
  if (isObject(templateMeta)) return { prefix: '/spec/template/metadata/labels', labels: podTemplateLabels(o) ?? {}, exists: isObject(templateMeta.labels) };
  return { prefix: '/metadata/labels', labels: labelsOf(o), exists: isObject(o.metadata.labels) };
}

/** `KubernetesServiceHandler.getSelector`: only `v1` Services. */
function serviceSelector(service: KubeObject): Record<string, string> {
  if (service.apiVersion !== undefined && service.apiVersion !== 'v1') throw new KubernetesOperationError(`No services with version ${service.apiVersion} supported`, 0);
  return stringMapAt(service, 'spec', 'selector');
}

export function attachPatch(service: KubeObject, target: KubeObject): JsonPatchOp[] {
  const { prefix, labels, exists } = labelTarget(target);
  const ops: JsonPatchOp[] = Object.entries(serviceSelector(service)).map(([k, v]) => ({ op: k in labels ? 'replace' : 'add', path: `${prefix}/${escapeNode(k)}`, value: v }));
  // Without a labels map, adding a member would fail; create the map first.
  return ops.length > 0 && !exists ? [{ op: 'add', path: prefix, value: {} }, ...ops] : ops;
}

export function detachPatch(service: KubeObject, target: KubeObject): JsonPatchOp[] {
  const { prefix, labels } = labelTarget(target);
  return Object.keys(serviceSelector(service))
    .filter((k) => k in labels)
    .map((k) => ({ op: 'remove', path: `${prefix}/${escapeNode(k)}` }));
}

/** `KubernetesReplicaSetHandler.pods`: pods matching the ReplicaSet's selector that it owns (by name). */
async function podsOf(writer: ClusterWriter, rs: KubeObject, namespace: string): Promise<KubeObject[]> {
  const podKind = await writer.kind('pod');
  let selector = '';
  try {
    selector = labelSelectorString(selectorsOfLabelSelector(pathOf(rs, 'spec', 'selector')));
  } catch {
    selector = '';
  }
  return (await writer.list(podKind, namespace, selector)).filter((p) => ownerReferencesOf(p).some((r) => r.name === rs.metadata.name));
}

const schema = coordinatesSchema.extend({
  loadBalancers: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  targetPercentage: z.coerce.number().nullish(),
});
type Description = z.infer<typeof schema>;

function enableDisable(deps: KubernetesOpsDeps, verb: 'enable' | 'disable'): OperationDefinition {
  const OP_NAME = `${verb.toUpperCase()}_MANIFEST`;
  const Verb = `${verb.charAt(0).toUpperCase()}${verb.slice(1)}`;
  const patchFor = verb === 'enable' ? attachPatch : detachPatch;
  return defineOperation({
    name: `${verb}Manifest`,
    displayName: `Kubernetes${Verb}ManifestOperation`,
    schema,
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName, d.location),
    validate(d) {
      const v = new KubernetesValidator(`${verb}KubernetesManifest`, deps);
      v.target(d.account, d.manifestName, d.location);
      return v.problems;
    },
    async operate(d: Description, ctx: OperationContext) {
      const status = (s: string): Promise<void> => ctx.task.updateStatus(OP_NAME, s);
      await status(`Starting ${verb} operation in account ${d.account}...`);
      const writer = writerFor(deps, d.account, ctx);
      const parsed = splitManifestName(d.manifestName);
      const props = writer.account.registry.get(parsed.kind);
      const namespace = effectiveNamespace(props, d.location, writer.account);
      const coordinates = coordinatesString(props.name, namespace, parsed.name);
      const kind = await writer.kind(props.name);
      let target = await writer.get(kind, namespace, parsed.name);
      if (target === undefined) throw new KubernetesOperationError(`Could not find kubernetes manifest: ${coordinates}`, 404);

      await status(`Getting load balancer list to ${verb}...`);
      let loadBalancers = d.loadBalancers;
      if (loadBalancers.length > 0) {
        await status(`Using supplied list [${loadBalancers.join(', ')}]`);
      } else {
        loadBalancers = trafficLoadBalancers(target);
        await status(`Using annotated list [${loadBalancers.join(', ')}]`);
      }

      for (const lbName of loadBalancers) {
        const parts = lbName.split(' ');
        if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
          throw new KubernetesOperationError(`Failed to perform operation with load balancer '${lbName}'. Load balancers must be specified in the form '{kind} {name}', e.g. 'service my-service'`, 0);
        }
        const lbProps = writer.account.registry.get(parts[0] ?? '');
        const lbNamespace = effectiveNamespace(lbProps, namespace, writer.account);
        if (lbProps.name !== 'service') throw new KubernetesOperationError(`No support for load balancing via ${lbProps.name} exists in Spinnaker`, 0);
        const lbKind = await writer.kind(lbProps.name);
        const service = await writer.get(lbKind, lbNamespace, parts[1] ?? '');
        if (service === undefined) throw new KubernetesOperationError(`Could not find load balancer: ${coordinatesString(lbProps.name, lbNamespace, parts[1] ?? '')}.`, 404);

        await status(`Patching target for '${lbName}'`);
        const patch = patchFor(service, target);
        // Later load balancers patch against the object as this one left it.
        if (patch.length > 0) target = await writer.patch(kind, namespace, parsed.name, 'json', patch);
        if (kind.name === 'replicaSet') {
          await status(`Patching pods for '${lbName}'`);
          for (const pod of await podsOf(writer, target, namespace)) {
            const podPatch = patchFor(service, pod);
            if (podPatch.length === 0) continue;
            try {
              await writer.patch(await writer.kind('pod'), namespace, pod.metadata.name, 'json', podPatch);
            } catch (e) {
              // A pod deleted since the list has no labels left to change.
              if (!(e instanceof KubernetesOperationError && e.status === 404)) throw e;
            }
          }
        }
      }
      await status(`${Verb} operation for ${coordinates} succeeded`);
      return undefined;
    },
  });
}

export const enableManifest = (deps: KubernetesOpsDeps): OperationDefinition => enableDisable(deps, 'enable');
export const disableManifest = (deps: KubernetesOpsDeps): OperationDefinition => enableDisable(deps, 'disable');
