import type { SubmittedDefinitionPolicy } from '../../../core/providers/ProviderModule.js';
import { normalizeAddress, type DockerRegistryAccountConfig } from './DockerRegistryAccountConfig.js';

/**
 * What a Docker registry account submitted through the account storage API would make the
 * service do, against `account.storage.allow`: run a program (`passwordCommand`), read files of
 * this host (`passwordFile`, `dockerconfigFile`, `catalogFile`), or reach a registry outside
 * the allowed `servers` (matched against the normalized address, scheme included). Messages
 * name fields and addresses only, never a password.
 */
export function dockerRegistryDefinitionProblems(def: DockerRegistryAccountConfig, allow: SubmittedDefinitionPolicy): string[] {
  const problems: string[] = [];
  const refuse = (what: string, setting: string): void => void problems.push(`${what} is not allowed for accounts added through the API (account.storage.allow.${setting})`);
  if (def.passwordCommand !== undefined && !allow.execPlugins) refuse('passwordCommand (runs a program on this host)', 'execPlugins');
  for (const field of ['passwordFile', 'dockerconfigFile', 'catalogFile'] as const) {
    const path = def[field];
    if (path !== undefined && !allow.filePaths) refuse(`${field} (reads ${path} on this host)`, 'filePaths');
  }
  const address = normalizeAddress(def.address);
  if (!allow.servers.some((glob) => globMatches(glob, address))) {
    problems.push(`address ${JSON.stringify(address)} is not among the servers accounts added through the API may reach (account.storage.allow.servers)`);
  }
  return problems;
}

/** `*` matches any run of characters; everything else literally; the whole string must match. */
function globMatches(glob: string, value: string): boolean {
  const pattern = glob.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(value);
}
