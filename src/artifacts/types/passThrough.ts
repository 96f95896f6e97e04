import { InputError } from '../../core/errors.js';
import type { ArtifactCredentials } from '../ArtifactCredentials.js';

/**
 * Accounts whose artifacts are never downloaded here, only passed on to the cloud that uses them
 * (`CustomArtifactCredentials`, `DockerArtifactCredentials`, `KubernetesArtifactCredentials`).
 * A download is refused with Clouddriver's explanation.
 */
function passThrough(name: string, type: string, types: readonly string[], explanation: string): ArtifactCredentials {
  return {
    name,
    type,
    types,
    handlesType: (t) => types.includes(t),
    download: async () => {
      throw new InputError(explanation);
    },
  };
}

export const customCredentials = (): ArtifactCredentials =>
  passThrough('custom-artifact', 'artifacts-custom', ['custom/object'], 'Custom references are passed on to cloud platforms to handle or process');

export const dockerCredentials = (): ArtifactCredentials =>
  passThrough('docker-registry', 'artifacts-docker', ['docker/image'], 'Docker references are passed on to cloud platforms who retrieve images directly');

export const kubernetesCredentials = (): ArtifactCredentials =>
  passThrough(
    'kubernetes',
    'artifacts-kubernetes',
    ['kubernetes/configMap', 'kubernetes/deployment', 'kubernetes/replicaSet', 'kubernetes/secret'],
    'Kubernetes artifacts are retrieved by kubernetes directly',
  );
