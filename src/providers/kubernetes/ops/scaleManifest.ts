import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import { MAX_REPLICAS, accountField, coordinatesSchema } from './descriptions.js';
import { KubernetesValidator, applicationsOf, effectiveNamespace, splitManifestName, writerFor, type KubernetesOpsDeps } from './KubernetesOperationSupport.js';
import { KubernetesOperationError } from './ClusterWriter.js';

/** Kinds with a scale subresource that Clouddriver's handlers scale (`CanScale`). */
const SCALABLE = new Set(['deployment', 'replicaSet', 'statefulSet']);

async function scale(deps: KubernetesOpsDeps, account: string, manifestName: string, location: string, replicas: number, phase: string, ctx: Parameters<OperationDefinition['operate']>[1]): Promise<void> {
  await ctx.task.updateStatus(phase, 'Starting scale operation...');
  const writer = writerFor(deps, account, ctx);
  const target = splitManifestName(manifestName);
  const kind = await writer.kind(target.kind);
  const namespace = effectiveNamespace(kind, location, writer.account);
  if (!SCALABLE.has(kind.name)) throw new KubernetesOperationError(`Resource with kind ${kind.name} does not support scale`, 0);
  await ctx.task.updateStatus(phase, `Scaling ${kind.name} ${target.name} in ${namespace} to ${replicas} replicas...`);
  await writer.scale(kind, namespace, target.name, replicas);
}

/** `scaleManifest` (`KubernetesScaleManifestOperation`): sets `spec.replicas` through the scale subresource. */
export function scaleManifest(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'scaleManifest',
    displayName: 'KubernetesScaleManifestOperation',
    schema: coordinatesSchema.extend({ replicas: z.coerce.number().int().min(0).max(MAX_REPLICAS) }),
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.manifestName, d.location),
    validate(d) {
      const v = new KubernetesValidator('scaleKubernetesManifest', deps);
      v.target(d.account, d.manifestName, d.location);
      return v.problems;
    },
    async operate(d, ctx) {
      await scale(deps, d.account, d.manifestName, d.location, d.replicas, 'SCALE_KUBERNETES_MANIFEST', ctx);
      return undefined;
    },
  });
}

/** `resizeServerGroup` (`KubernetesResizeServerGroupOperation`): `serverGroupName` in `region` to `capacity.desired`. */
export function resizeServerGroup(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'resizeServerGroup',
    displayName: 'KubernetesResizeServerGroupOperation',
    schema: z
      .object({
        account: accountField,
        serverGroupName: z.string().min(1),
        region: z.string().default(''),
        capacity: z
          .object({ desired: z.coerce.number().int().min(0).max(MAX_REPLICAS), min: z.coerce.number().int().max(MAX_REPLICAS).nullish(), max: z.coerce.number().int().max(MAX_REPLICAS).nullish() })
          .passthrough(),
      })
      .passthrough(),
    account: (d) => d.account,
    applications: (d) => applicationsOf(deps, d.account, d.serverGroupName, d.region),
    validate(d) {
      const v = new KubernetesValidator('resizeKubernetesServerGroup', deps);
      v.target(d.account, d.serverGroupName, d.region);
      return v.problems;
    },
    async operate(d, ctx) {
      await scale(deps, d.account, d.serverGroupName, d.region, d.capacity.desired, 'RESIZE', ctx);
      return undefined;
    },
  });
}
