import type { FastifyInstance } from 'fastify';

/** One artifact account as `GET /artifacts/credentials` lists it (`ArtifactCredentials`). */
export interface ArtifactAccountView {
  readonly name: string;
  /** Artifact types the account handles; Deck's artifact editors offer the account for these. */
  readonly types: readonly string[];
  /** Credentials type (`Credentials.getType()`), e.g. `artifacts-embedded`. */
  readonly type: string;
}

export interface ArtifactRouteDeps {
  /** `kubernetes.enabled`: adds the accounts Clouddriver registers with the Kubernetes provider. */
  readonly kubernetesEnabled: boolean;
}

/** Registered unconditionally (`EmbeddedArtifactConfiguration`, `CustomArtifactConfiguration`). */
const ALWAYS: readonly ArtifactAccountView[] = [
  { name: 'embedded-artifact', types: ['embedded/base64', 'remote/base64'], type: 'artifacts-embedded' },
  { name: 'custom-artifact', types: ['custom/object'], type: 'artifacts-custom' },
];

/** Registered when Kubernetes is enabled (`DockerArtifactConfiguration`, `KubernetesArtifactConfiguration`). */
const WITH_KUBERNETES: readonly ArtifactAccountView[] = [
  { name: 'docker-registry', types: ['docker/image'], type: 'artifacts-docker' },
  { name: 'kubernetes', types: ['kubernetes/configMap', 'kubernetes/deployment', 'kubernetes/replicaSet', 'kubernetes/secret'], type: 'artifacts-kubernetes' },
];

/** The artifact accounts this service has, in Clouddriver's order of registration. */
export function artifactAccounts(deps: ArtifactRouteDeps): ArtifactAccountView[] {
  return [...ALWAYS, ...(deps.kubernetesEnabled ? WITH_KUBERNETES : [])].map((a) => ({ ...a, types: [...a.types] }));
}

/**
 * `GET /artifacts/credentials` (`ArtifactController.list`): `[{name, types[], type}]`, the
 * built-in accounts only (no configured artifact accounts yet). The list never changes, so one
 * body serves every request.
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: ArtifactRouteDeps): void {
  const body = artifactAccounts(deps);
  app.get('/artifacts/credentials', async () => body);
}
