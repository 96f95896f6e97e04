import type { OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import { cleanupArtifacts } from './cleanupArtifacts.js';
import { deleteManifest } from './deleteManifest.js';
import { deployManifest, type DeployManifestDeps } from './deployManifest.js';
import { disableManifest, enableManifest } from './enableDisableManifest.js';
import { patchManifest } from './patchManifest.js';
import { pauseRolloutManifest, resumeRolloutManifest, rollingRestartManifest, undoRolloutManifest } from './rolloutOperations.js';
import { resizeServerGroup, scaleManifest } from './scaleManifest.js';
import { runJob } from './runJob.js';

/** Every Kubernetes atomic operation, by Clouddriver's wire name (`AtomicOperations.java`). */
/** `deps`: the provider's live accounts, and artifact downloads for deployManifest's `source: artifact`. */
export function kubernetesOperations(deps: DeployManifestDeps): OperationDefinition[] {
  return [
    deployManifest(deps),
    scaleManifest(deps),
    resizeServerGroup(deps),
    deleteManifest(deps),
    patchManifest(deps),
    undoRolloutManifest(deps),
    pauseRolloutManifest(deps),
    resumeRolloutManifest(deps),
    rollingRestartManifest(deps),
    enableManifest(deps),
    disableManifest(deps),
    cleanupArtifacts(deps),
    runJob(deps),
  ];
}
