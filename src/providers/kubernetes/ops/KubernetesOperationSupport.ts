import type { OperationContext } from '../../../core/operations/OperationDefinition.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { kindProblem, nameProblem, namespaceAllowed, namespaceProblem } from '../coordinates.js';
import { deriveMoniker, parseResourceName } from '../moniker.js';
import { ClusterWriter, KubernetesOperationError } from './ClusterWriter.js';
import type { KubernetesKindProperties } from '../KubernetesKind.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import type { Artifact } from './descriptions.js';

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


  /**
   * Like `coordinates`, for operations that act in `effectiveNamespace` (a namespaced kind without
   * a location acts in "default", which must then be allowed). Returns the parts when valid.
   */
  target(account: string, manifestName: string, location: string): { account: KubernetesAccountCache; kind: string; name: string; namespace: string } | undefined {
    const acct = this.account(account);
    const parsed = this.manifestName(manifestName);
    if (acct === undefined || parsed === undefined || !this.kind(acct, parsed.kind)) return undefined;
    const namespace = effectiveNamespace(acct.registry.get(parsed.kind), location, acct);
    return this.namespace(acct, namespace) ? { account: acct, kind: parsed.kind, name: parsed.name, namespace } : undefined;
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

/**
 * Clouddriver's `OperationResult` (`op/OperationResult.java`), the result object of deploy, patch,
 * delete and cleanup: `manifestNamesByNamespace` (`{ns: ["kind name"]}`), `manifests`,
 * `createdArtifacts`, `boundArtifacts`. Sets upstream; arrays without duplicates here.
 * `manifests` is absent when upstream sets it to null (cleanupArtifacts), as Clouddriver's JSON
 * omits nulls.
 */
export interface OperationResult {
  manifestNamesByNamespace: Record<string, string[]>;
  manifests?: KubernetesManifest[];
  createdArtifacts: Artifact[];
  boundArtifacts: Artifact[];
}

export function newOperationResult(): OperationResult {
  return { manifestNamesByNamespace: {}, manifests: [], createdArtifacts: [], boundArtifacts: [] };
}

/** Adds `"kind name"` under `namespace` (once). */
export function addManifestName(result: OperationResult, namespace: string, fullResourceName: string): void {
  const names = (result.manifestNamesByNamespace[namespace] ??= []);
  if (!names.includes(fullResourceName)) names.push(fullResourceName);
}

/** `OperationResult.addManifest`: the manifest and its `"kind name"` under its namespace. */
export function addResultManifest(result: OperationResult, kindName: string, manifest: KubernetesManifest): void {
  (result.manifests ??= []).push(manifest);
  addManifestName(result, manifest.metadata?.namespace ?? '', `${kindName} ${manifest.metadata?.name ?? ''}`);
}

/**
 * `KubernetesCoordinates.toString()` (Lombok), which upstream puts into several error messages:
 * `KubernetesCoordinates(kind=deployment, namespace=default, name=web)`.
 */
export function coordinatesString(kind: string, namespace: string, name: string): string {
  return `KubernetesCoordinates(kind=${kind}, namespace=${namespace}, name=${name})`;
}

/**
 * The namespace an operation acts in: `location`, or for a namespaced kind with no location the
 * one kubectl falls back to without `--namespace` (the kubeconfig context's, else "default");
 * cluster-scoped kinds have none.
 */
export function effectiveNamespace(kind: Pick<KubernetesKindProperties, 'namespaced'>, location: string | null | undefined, account: KubernetesAccountCache): string {
  if (!kind.namespaced) return '';
  return location === undefined || location === null || location === '' ? account.credentials.client.defaultNamespace : location;
}

const keyPart = (v: string | null | undefined): string => (v === undefined || v === null ? 'null' : v);
/** Clouddriver's `ArtifactKey` (type, name, version, location, reference) as Lombok prints it. */
export function artifactKeyString(a: Artifact): string {
  return `ArtifactKey(type=${a.type}, name=${keyPart(a.name)}, version=${keyPart(a.version)}, location=${keyPart(a.location)}, reference=${keyPart(a.reference)})`;
}

/**
 * The failure of deploy and patch when required artifacts were not bound (compared as
 * `ArtifactKey`s), worded as upstream; undefined when every required artifact was bound.
 */
export function unboundRequiredArtifactsMessage(required: readonly Artifact[] | null | undefined, bound: readonly Artifact[]): string | undefined {
  const boundKeys = new Set(bound.map(artifactKeyString));
  const unbound = [...new Set((required ?? []).map(artifactKeyString))].filter((k) => !boundKeys.has(k));
  if (unbound.length === 0) return undefined;
  return (
    `The following required artifacts could not be bound: '[${unbound.join(', ')}]'.` +
    'Check that the Docker image name above matches the name used in the image field of your manifest.' +
    'Failing the stage as this is likely a configuration error.'
  );
}

/**
 * The application an existing object belongs to, for authorization: its moniker in the cache, or
 * Frigga-parsed from its name (`KubernetesCoordinates` descriptions name no application).
 */
export async function applicationsOf(deps: KubernetesOpsDeps, account: string, manifestName: string, location: string): Promise<string[]> {
  const acct = deps.account(account);
  const space = manifestName.indexOf(' ');
  if (space <= 0) return [];
  const name = manifestName.slice(space + 1);
  const kind = acct?.registry.get(manifestName.slice(0, space));
  const cached = acct === undefined || kind === undefined ? undefined : await acct.cachedManifest(acct.model.keyFor(kind.name, kind.namespaced ? location : '', name));
  const app = cached === undefined ? parseResourceName(name).app : deriveMoniker(cached).app;
  return app === undefined || app === '' ? [] : [app];
}
