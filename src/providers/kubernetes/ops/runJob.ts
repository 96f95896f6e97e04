import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import { kubernetesKindName } from '../KubernetesKind.js';
import { apiGroupOf, isObject, type KubernetesManifest } from '../model/KubernetesManifest.js';
import { deployManifestSchema, deployManifests, validateDeploy, type DeployManifestDescription, type DeployResult } from './deployManifest.js';
import { accountField, artifactSchema, manifestSchema } from './descriptions.js';
import type { KubernetesOpsDeps } from './KubernetesOperationSupport.js';
import { mapFor, STRATEGY_ANNOTATION } from './manifestAnnotations.js';

const OP = 'RUN_KUBERNETES_JOB';
const CONTEXT = 'runKubernetesJob';

/** `KubernetesRunJobOperationDescription` (Orca's `KubernetesJobRunner` sends the whole stage context besides). */
export const runJobSchema = z
  .object({
    account: accountField,
    application: z.string().min(1, 'application is required'),
    namespace: z.string().nullish(),
    manifest: manifestSchema,
    requiredArtifacts: z.array(artifactSchema).nullish(),
    optionalArtifacts: z.array(artifactSchema).nullish(),
  })
  .passthrough();
export type RunJobDescription = z.infer<typeof runJobSchema>;

/** `KubernetesRunJobDeploymentResult`: the deploy result plus the names Orca's `MonitorKatoTask` turns into `deploy.jobs`. */
export interface RunJobResult extends DeployResult {
  deployedNamesByLocation: Record<string, string[]>;
}

const isJob = (m: Record<string, unknown>): boolean => kubernetesKindName(typeof m.kind === 'string' ? m.kind : undefined, apiGroupOf(typeof m.apiVersion === 'string' ? m.apiVersion : undefined)) === 'job';

/**
 * The deploy description runJob hands to deployManifest: the Job in `namespace` (when given) with
 * the recreate strategy forced — Jobs are immutable, and each run must start a new one (with
 * `generateName` the deploy creates one anyway) — under the moniker `{app: application}`.
 */
export function runJobDeployDescription(d: RunJobDescription): DeployManifestDescription {
  const job = structuredClone(d.manifest) as KubernetesManifest;
  if (!isObject(job.metadata)) job.metadata = {};
  if (d.namespace) job.metadata.namespace = d.namespace;
  const annotations = mapFor(job, 'metadata', 'annotations');
  // `KubernetesManifestAnnotater.setDeploymentStrategy`: other strategy annotations give way.
  delete annotations[STRATEGY_ANNOTATION.replace];
  delete annotations[STRATEGY_ANNOTATION.serverSideApply];
  annotations[STRATEGY_ANNOTATION.recreate] = 'true';
  return deployManifestSchema.parse({
    account: d.account,
    manifests: [job],
    moniker: { app: d.application },
    ...(d.requiredArtifacts ? { requiredArtifacts: d.requiredArtifacts } : {}),
    ...(d.optionalArtifacts ? { optionalArtifacts: d.optionalArtifacts } : {}),
  });
}

/**
 * `runJob` (`KubernetesRunJobOperation`): deploys one Job through deployManifest and returns at
 * once (Orca polls `/applications/{app}/jobs/...`). A manifest that is not a Job is refused at
 * validation (Clouddriver fails the task instead: "Only kind of Job is accepted for the Run Job
 * operation.").
 */
export function runJob(deps: KubernetesOpsDeps): OperationDefinition {
  return defineOperation({
    name: 'runJob',
    displayName: 'KubernetesRunJobOperation',
    schema: runJobSchema,
    account: (d) => d.account,
    // The Job is deployed under the moniker {app: application}, as deployManifest names its moniker's app.
    applications: (d) => [d.application],
    validate(d) {
      if (!isJob(d.manifest)) return [`${CONTEXT}.manifest.invalidKind: Only kind of Job is accepted for the Run Job operation.`];
      return validateDeploy(deps, runJobDeployDescription(d), CONTEXT);
    },
    async operate(d, ctx): Promise<RunJobResult> {
      await ctx.task.updateStatus(OP, 'Running Kubernetes job...');
      const result = await deployManifests(deps, runJobDeployDescription(d), ctx);
      return { ...result, deployedNamesByLocation: Object.fromEntries(Object.entries(result.manifestNamesByNamespace).map(([ns, names]) => [ns, [...names]])) };
    },
  });
}
