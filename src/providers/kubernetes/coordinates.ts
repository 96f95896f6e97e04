import { InputError, NotFoundError } from '../../core/errors.js';
import type { KubeObject } from './client/KubeClient.js';

/**
 * Validation of the coordinates (kind, namespace, name) that callers put into paths and
 * operation descriptions, before any of them reaches an API server URL. The rules are the API
 * server's own: a name is any path segment but `.`/`..` and never holds `/` or `%`
 * (apimachinery `path.IsValidPathSegmentName`), a namespace is a DNS-1123 label, a kind is
 * `Kind[.group]`. A name that breaks them could collapse the URL into a list of the whole
 * collection (`/api/v1/namespaces/x/secrets/..` is `/api/v1/namespaces/x/secrets`).
 */

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?)*$/;
// Whitespace, controls and URL delimiters appear in no object name an API server accepts.
const BAD_NAME_CHARS = /[/%\s\p{Cc}?#\\]/u;

/** Why `name` is not a valid object name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name === '') return 'name may not be empty';
  if (name === '.' || name === '..') return `name may not be "${name}"`;
  if (name.length > 253) return 'name may not be longer than 253 characters';
  if (BAD_NAME_CHARS.test(name)) return `name "${name}" may not contain "/", "%", "?", "#", "\\", whitespace or control characters`;
  return undefined;
}

/** Why `namespace` is not a valid namespace name, or undefined when it is. */
export function namespaceProblem(namespace: string): string | undefined {
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) return `namespace "${namespace}" must be a lowercase RFC 1123 label (a-z, 0-9, "-", at most 63 characters)`;
  return undefined;
}

/** Why `kind` is not a valid `Kind[.group]`, or undefined when it is. */
export function kindProblem(kind: string): string | undefined {
  if (kind.length > 253 || !KIND.test(kind)) return `kind "${kind}" must be a kind name with an optional API group (e.g. "deployment" or "certificate.cert-manager.io")`;
  return undefined;
}

function check(problem: string | undefined): void {
  if (problem !== undefined) throw new InputError(problem);
}

export const assertValidName = (name: string): void => check(nameProblem(name));
export const assertValidNamespace = (namespace: string): void => check(namespaceProblem(namespace));
export const assertValidKind = (kind: string): void => check(kindProblem(kind));

/**
 * Whether an account may touch a namespace: Clouddriver's `namespaces` (allow-list) and
 * `omitNamespaces` (deny-list) of `KubernetesAccountProperties`. Cluster-scoped objects have
 * namespace '' and are always in scope.
 */
export interface NamespaceLimits {
  readonly name: string;
  readonly namespaces: readonly string[];
  readonly omitNamespaces: readonly string[];
}

export function namespaceAllowed(config: Omit<NamespaceLimits, 'name'>, namespace: string): boolean {
  if (namespace === '') return true;
  if (config.namespaces.length > 0) return config.namespaces.includes(namespace);
  return !config.omitNamespaces.includes(namespace);
}

/**
 * Throws InputError when `namespace` is not a namespace name, NotFound when the account may not
 * see it (objects there are not visible through the account).
 */
export function assertNamespaceAllowed(config: NamespaceLimits, namespace: string): void {
  assertValidNamespace(namespace);
  if (!namespaceAllowed(config, namespace)) throw new NotFoundError(`namespace ${namespace} is not managed by account ${config.name}`);
}

/**
 * Checks that what the API server answered for a single-object GET is that object: never a
 * list, and with the kind, name and namespace that were asked for. Throws otherwise, so a
 * surprising answer is neither returned nor cached.
 */
export function assertSameObject(asked: { apiKind: string; namespace: string; name: string }, answer: KubeObject): void {
  const kind = typeof answer.kind === 'string' ? answer.kind : asked.apiKind;
  if ('items' in answer || kind.endsWith('List')) throw new InputError(`expected one ${asked.apiKind}, the cluster answered a list`);
  const meta = (answer.metadata ?? {}) as { name?: unknown; namespace?: unknown };
  if (kind !== asked.apiKind || meta.name !== asked.name || (meta.namespace ?? '') !== asked.namespace) {
    throw new InputError(`the cluster answered ${kind} ${String(meta.namespace ?? '')}/${String(meta.name)} for ${asked.apiKind} ${asked.namespace}/${asked.name}`);
  }
}
