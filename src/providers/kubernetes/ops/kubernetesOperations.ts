import type { OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { KubernetesOpsDeps } from './KubernetesOperationSupport.js';
import { deployManifest } from './deployManifest.js';
import { resizeServerGroup, scaleManifest } from './scaleManifest.js';

/** Every Kubernetes atomic operation, by Clouddriver's wire name (`AtomicOperations.java`). */
export function kubernetesOperations(deps: KubernetesOpsDeps): OperationDefinition[] {
  return [deployManifest(deps), scaleManifest(deps), resizeServerGroup(deps)];
}
