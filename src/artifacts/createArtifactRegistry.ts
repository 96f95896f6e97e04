import type { Logger } from '../core/Logger.js';
import type { ArtifactCredentials } from './ArtifactCredentials.js';
import { ArtifactRegistry, type Deadline } from './ArtifactRegistry.js';
import { parseArtifactSettings, type ArtifactSettings } from './config.js';
import { bitbucketFileCredentials } from './types/bitbucketFile.js';
import { embeddedCredentials } from './types/embedded.js';
import { gitRepoCredentials } from './types/gitRepo.js';
import { githubFileCredentials } from './types/githubFile.js';
import { gitlabFileCredentials } from './types/gitlabFile.js';
import { helmCredentials } from './types/helm.js';
import { httpAccountUsesAuth, httpFileCredentials } from './types/httpFile.js';
import { jenkinsFileCredentials } from './types/jenkinsFile.js';
import { mavenCredentials } from './types/maven.js';
import { customCredentials, dockerCredentials, kubernetesCredentials } from './types/passThrough.js';
import { s3ObjectCredentials } from './types/s3Object.js';

export interface ArtifactRegistryDeps {
  readonly logger: Logger;
  /** `kubernetes.enabled`: adds the `docker-registry` and `kubernetes` accounts Clouddriver registers with it. */
  readonly kubernetesEnabled: boolean;
  /** Starts a time limit (tests fire it by hand); defaults to a timer. */
  readonly deadline?: (ms: number) => Deadline;
}

/**
 * The accounts, in a stable order: the built-in ones first (`embedded-artifact`,
 * `custom-artifact`, then `docker-registry` and `kubernetes` with Kubernetes), then each enabled
 * section's accounts in config order (http, github, gitlab, bitbucket, git-repo, s3, helm, maven,
 * then Jenkins masters). As `HttpArtifactConfiguration` does, `artifacts.http.enabled` with no
 * account using auth adds `no-auth-http-account`.
 */
export function artifactAccountsFrom(settings: ArtifactSettings, kubernetesEnabled: boolean): ArtifactCredentials[] {
  const a = settings.artifacts;
  const out: ArtifactCredentials[] = [embeddedCredentials(), customCredentials()];
  if (kubernetesEnabled) out.push(dockerCredentials(), kubernetesCredentials());
  if (a.http.enabled) {
    const accounts = [...a.http.accounts];
    if (!accounts.some(httpAccountUsesAuth)) accounts.push({ name: 'no-auth-http-account' } as (typeof accounts)[number]);
    out.push(...accounts.map(httpFileCredentials));
  }
  if (a.github.enabled) out.push(...a.github.accounts.map(githubFileCredentials));
  if (a.gitlab.enabled) out.push(...a.gitlab.accounts.map(gitlabFileCredentials));
  if (a.bitbucket.enabled) out.push(...a.bitbucket.accounts.map(bitbucketFileCredentials));
  if (a.gitRepo.enabled) out.push(...a.gitRepo.accounts.map((acct) => gitRepoCredentials(acct, { gitExecutable: a.gitRepo.gitExecutable })));
  if (a.s3.enabled) out.push(...a.s3.accounts.map(s3ObjectCredentials));
  if (a.helm.enabled) out.push(...a.helm.accounts.map(helmCredentials));
  if (a.maven.enabled) out.push(...a.maven.accounts.map(mavenCredentials));
  if (settings.jenkins.enabled) out.push(...settings.jenkins.masters.map(jenkinsFileCredentials));
  return out;
}

/** Builds the registry from the service config tree (`artifacts`, `jenkins`); config errors name the path. */
export function createArtifactRegistry(config: Readonly<Record<string, unknown>>, deps: ArtifactRegistryDeps): ArtifactRegistry {
  const settings = parseArtifactSettings(config);
  return new ArtifactRegistry({
    accounts: artifactAccountsFrom(settings, deps.kubernetesEnabled),
    maxBytes: settings.artifacts.maxBytes,
    timeoutMs: settings.artifacts.timeoutSeconds * 1000,
    logger: deps.logger.child({ component: 'artifacts' }),
    ...(deps.deadline === undefined ? {} : { deadline: deps.deadline }),
  });
}
