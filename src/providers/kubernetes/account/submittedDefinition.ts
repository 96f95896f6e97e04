import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { SubmittedDefinitionPolicy } from '../../../core/providers/ProviderModule.js';
import type { KubernetesAccountConfig } from './KubernetesAccountConfig.js';

/**
 * What a Kubernetes account definition submitted through the account storage API would make the
 * service do, against `account.storage.allow`: run kubeconfig `exec`/`auth-provider` plugins,
 * read files of this host (`kubeconfigFile`, token, certificate and key files), fall back to the
 * service's own default credentials (no kubeconfig), or reach an API server outside the allowed
 * `servers`. Messages name keys and server URLs only, never kubeconfig content.
 */
export function kubernetesDefinitionProblems(def: KubernetesAccountConfig, allow: SubmittedDefinitionPolicy): string[] {
  const problems: string[] = [];
  const refuse = (what: string, setting: string): void => void problems.push(`${what} is not allowed for accounts added through the API (account.storage.allow.${setting})`);
  let text = def.kubeconfigContents;
  if (def.kubeconfigFile !== undefined) {
    if (!allow.filePaths) refuse(`kubeconfigFile (reads ${def.kubeconfigFile} on this host)`, 'filePaths');
    else text = readKubeconfigFile(def.kubeconfigFile, problems);
  } else if (text === undefined) {
    if (!allow.defaultCredentials) refuse("an account without kubeconfigFile or kubeconfigContents (it would use the service's own credentials)", 'defaultCredentials');
    return problems;
  }
  if (text === undefined) return problems;
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch {
    problems.push('kubeconfigContents is not valid YAML');
    return problems;
  }
  const list = (key: string): Record<string, unknown>[] => {
    const v = (config as Record<string, unknown> | null)?.[key];
    return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
  };
  for (const [i, entry] of list('users').entries()) {
    const user = (entry.user ?? {}) as Record<string, unknown>;
    if (user.exec !== undefined && !allow.execPlugins) refuse(`users[${i}].user.exec (runs a program on this host)`, 'execPlugins');
    if (user['auth-provider'] !== undefined && !allow.execPlugins) refuse(`users[${i}].user.auth-provider`, 'execPlugins');
    for (const key of ['tokenFile', 'client-certificate', 'client-key']) if (user[key] !== undefined && !allow.filePaths) refuse(`users[${i}].user.${key} (a file of this host)`, 'filePaths');
  }
  for (const [i, entry] of list('clusters').entries()) {
    const cluster = (entry.cluster ?? {}) as Record<string, unknown>;
    if (cluster['certificate-authority'] !== undefined && !allow.filePaths) refuse(`clusters[${i}].cluster.certificate-authority (a file of this host)`, 'filePaths');
    const server = typeof cluster.server === 'string' ? cluster.server : '';
    if (!allow.servers.some((glob) => globMatches(glob, server))) {
      problems.push(`clusters[${i}].cluster.server ${JSON.stringify(server)} is not among the API servers accounts added through the API may reach (account.storage.allow.servers)`);
    }
  }
  return problems;
}

function readKubeconfigFile(path: string, problems: string[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    problems.push(`kubeconfigFile ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

/** `*` matches any run of characters; everything else literally; the whole string must match. */
function globMatches(glob: string, value: string): boolean {
  const pattern = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(value);
}
