import { globLiteral } from '../../core/cache/glob.js';
import { keyCodec } from '../../core/cache/keys.js';
import { kindOfManifest, parseKindString } from './KubernetesKind.js';
import { manifestName, manifestNamespace, type KubernetesManifest } from './model/KubernetesManifest.js';

/**
 * Kubernetes cache keys (`caching/Keys.java`): parts joined by `:`, a `:` inside a part written
 * as `;` (core's key codec).
 *
 * - infrastructure: `kubernetes.v2:infrastructure:{kind}:{account}:{namespace}:{name}`, cache type
 *   = the kind name; cluster-scoped objects have an empty namespace.
 * - application: `kubernetes.v2:logical:applications:{app}`, cache type `applications`.
 * - cluster: `kubernetes.v2:logical:clusters:{account}:{app}:{cluster}`, cache type `clusters`.
 */
export const KUBERNETES_KEY_PREFIX = 'kubernetes.v2';
export const APPLICATIONS = 'applications';
export const CLUSTERS = 'clusters';
/** Logical (application / cluster) items expire after 10 minutes; infrastructure never. */
export const LOGICAL_TTL_SECONDS = 600;

const codec = keyCodec(KUBERNETES_KEY_PREFIX);

export interface InfrastructureKey {
  readonly type: 'infrastructure';
  /** Cache type of the item: the kind name. */
  readonly group: string;
  readonly kind: string;
  readonly account: string;
  readonly namespace: string;
  readonly name: string;
}

export interface ApplicationKey {
  readonly type: 'applications';
  readonly group: 'applications';
  readonly name: string;
}

export interface ClusterKey {
  readonly type: 'clusters';
  readonly group: 'clusters';
  readonly account: string;
  readonly application: string;
  readonly name: string;
}

export type KubernetesCacheKey = InfrastructureKey | ApplicationKey | ClusterKey;

export function infrastructureKey(kind: string, account: string, namespace: string, name: string): string {
  return codec.build('infrastructure', kind, account, namespace, name);
}

/** Glob matching every key of `kind` the account wrote, in any namespace (whatever characters the account name holds). */
export function accountInfrastructurePattern(kind: string, account: string): string {
  return `${globLiteral(infrastructureKey(kind, account, '', '').slice(0, -2))}:*`;
}

/** Glob matching every cluster key of the account. */
export function accountClusterPattern(account: string): string {
  return `${globLiteral(clusterKey(account, '', '').slice(0, -2))}:*`;
}

export function manifestKey(account: string, m: KubernetesManifest): string {
  return infrastructureKey(kindOfManifest(m), account, manifestNamespace(m), manifestName(m));
}

export function applicationKey(application: string): string {
  return codec.build('logical', APPLICATIONS, application);
}

export function clusterKey(account: string, application: string, cluster: string): string {
  return codec.build('logical', CLUSTERS, account, application, cluster);
}

const INFRASTRUCTURE_HEAD = `${KUBERNETES_KEY_PREFIX}:infrastructure:`;

/**
 * The account of an infrastructure key (what `parseKey(key).account` gives for a well-formed
 * one) without splitting the whole key: views read it for every pod they list.
 */
export function accountOfInfrastructureKey(key: string): string | undefined {
  if (!key.startsWith(INFRASTRUCTURE_HEAD)) return undefined;
  const kindEnd = key.indexOf(':', INFRASTRUCTURE_HEAD.length);
  const accountEnd = kindEnd < 0 ? -1 : key.indexOf(':', kindEnd + 1);
  if (accountEnd < 0) return undefined;
  const account = key.slice(kindEnd + 1, accountEnd);
  return account.includes(';') ? account.replaceAll(';', ':') : account;
}

/**
 * Parses a key into its typed form; undefined for other providers' keys, the deprecated
 * `artifact` keys, and malformed keys (wrong part count, unknown logical group).
 * The kind of an infrastructure key is normalised (`ReplicaSet` -> `replicaSet`).
 */
export function parseKey(key: string): KubernetesCacheKey | undefined {
  // Keys are parsed on every relationship lookup; memoise (bounded) since the same keys recur.
  let parsed = PARSED.get(key);
  if (parsed === undefined && !PARSED.has(key)) {
    parsed = parseKeyUncached(key);
    if (PARSED.size >= MAX_PARSED) PARSED.clear();
    PARSED.set(key, parsed);
  }
  return parsed;
}

const PARSED = new Map<string, KubernetesCacheKey | undefined>();
// Bounded: the cache model keeps each key's type itself, so this serves reads, whose working set is small.
const MAX_PARSED = 50_000;

function parseKeyUncached(key: string): KubernetesCacheKey | undefined {
  const parts = codec.parse(key);
  if (parts === undefined) return undefined;
  const [kind, a, b, c, d, ...rest] = parts;
  if (rest.length > 0) return undefined;
  if (kind === 'infrastructure' && a !== undefined && b !== undefined && c !== undefined && d !== undefined) {
    const k = parseKindString(a);
    return { type: 'infrastructure', group: k, kind: k, account: b, namespace: c, name: d };
  }
  if (kind !== 'logical') return undefined;
  if (a === APPLICATIONS && b !== undefined && c === undefined) return { type: APPLICATIONS, group: APPLICATIONS, name: b };
  if (a === CLUSTERS && b !== undefined && c !== undefined && d !== undefined) {
    return { type: CLUSTERS, group: CLUSTERS, account: b, application: c, name: d };
  }
  return undefined;
}

/** The cache type an id belongs to (kind name, `applications` or `clusters`), or undefined. */
export function cacheTypeOfKey(key: string): string | undefined {
  return parseKey(key)?.group;
}
