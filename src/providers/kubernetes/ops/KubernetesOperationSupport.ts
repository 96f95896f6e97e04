import type { OperationContext } from '../../../core/operations/OperationDefinition.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { kindProblem, nameProblem, namespaceAllowed, namespaceProblem } from '../coordinates.js';
import { ClusterWriter, KubernetesOperationError } from './ClusterWriter.js';

/** What the Kubernetes operations see of the provider: its live accounts. */
export interface KubernetesOpsDeps {
  account(name: string): KubernetesAccountCache | undefined;
}

/**
 * Collects validation problems the way Clouddriver's `KubernetesValidationUtil` names them
 * (`{context}.{attribute}.{error}`, e.g. `deployKubernetesManifest.vault.wrongNamespace`),
 * followed by a sentence for people.
 */
export class KubernetesValidator {
  readonly problems: string[] = [];

  constructor(
    private readonly context: string,
    private readonly deps: KubernetesOpsDeps,
  ) {}

  reject(error: string, attribute: string, explanation: string): void {
    this.problems.push(`${this.context}.${attribute}.${error}: ${explanation}`);
  }

  /** The account, or undefined (with a problem) when it is not a Kubernetes account. */
  account(name: string): KubernetesAccountCache | undefined {
    const acct = this.deps.account(name);
    if (acct === undefined) this.reject('notFound', 'account', `no Kubernetes account named '${name}'`);
    return acct;
  }

  /** `"kind name"` with a valid kind and name; returns the parts when valid. */
  manifestName(value: string, attribute = 'manifestName'): { kind: string; name: string } | undefined {
    const space = value.indexOf(' ');
    if (space <= 0) {
      this.reject('invalid', attribute, `'${value}' must be "{kind} {name}", e.g. "deployment my-app"`);
      return undefined;
    }
    const kind = value.slice(0, space);
    const name = value.slice(space + 1);
    const problem = kindProblem(kind) ?? nameProblem(name);
    if (problem !== undefined) {
      this.reject('invalid', attribute, problem);
      return undefined;
    }
    return { kind, name };
  }

  /** The kind is allowed for the account (`kinds` / `omitKinds`); unknown kinds pass, as upstream. */
  kind(acct: KubernetesAccountCache, kindName: string): boolean {
    const kind = acct.registry.get(kindName).name;
    const { kinds, omitKinds } = acct.credentials.config;
    const listed = (list: readonly string[]) => list.some((k) => acct.registry.get(k).name === kind);
    if (kinds.length > 0 && !listed(kinds)) {
      this.reject('missingFromAllowedKinds', kind, `kind ${kind} is not among the kinds of account ${acct.account}`);
      return false;
    }
    if (listed(omitKinds)) {
      this.reject('explicitlyOmittedKind', kind, `kind ${kind} is omitted by account ${acct.account}`);
      return false;
    }
    return true;
  }

  /** The namespace is a valid name and the account may use it (`namespaces` / `omitNamespaces`). */
  namespace(acct: KubernetesAccountCache, namespace: string): boolean {
    if (namespace === '') return true;
    const problem = namespaceProblem(namespace);
    if (problem !== undefined) {
      this.reject('invalid', 'namespace', problem);
      return false;
    }
    if (!namespaceAllowed(acct.credentials.config, namespace)) {
      const omitted = acct.credentials.config.omitNamespaces.includes(namespace);
      this.reject(omitted ? 'omittedNamespace' : 'wrongNamespace', namespace, `namespace ${namespace} is not ${omitted ? 'allowed' : 'among the namespaces'} for account ${acct.account}`);
      return false;
    }
    return true;
  }

  /** Account, `"kind name"` and namespace of a description acting on one existing object. */
  coordinates(account: string, manifestName: string, location: string): void {
    const acct = this.account(account);
    const parsed = this.manifestName(manifestName);
    if (acct === undefined || parsed === undefined) return;
    if (this.kind(acct, parsed.kind) && acct.registry.get(parsed.kind).namespaced) this.namespace(acct, location);
  }
}

/** The account's writer for one running operation (the account may have been removed since validation). */
export function writerFor(deps: KubernetesOpsDeps, account: string, ctx: OperationContext): ClusterWriter {
  const acct = deps.account(account);
  if (acct === undefined) throw new KubernetesOperationError(`account ${account} no longer exists`, 0);
  return new ClusterWriter(acct, ctx.signal);
}

/** Splits a `"kind name"` that validation already accepted. */
export function splitManifestName(manifestName: string): { kind: string; name: string } {
  const space = manifestName.indexOf(' ');
  return { kind: manifestName.slice(0, space), name: manifestName.slice(space + 1) };
}
