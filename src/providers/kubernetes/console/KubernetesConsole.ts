import type { AccountOwnership } from '../../../core/agents/AccountOwnership.js';
import type { Cache } from '../../../core/cache/Cache.js';
import type { CacheData } from '../../../core/cache/CacheData.js';
import type { MissingExplanation, MissingFoundKey, MissingLiveObject, MissingQuery, ProviderConsole } from '../../../core/providers/ProviderConsole.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { cachedKinds } from '../caching/KubernetesAccountCache.js';
import { sanitizeManifest } from '../cacheModel.js';
import type { KubeObject } from '../client/KubeClient.js';
import { UI_DEFAULT_KINDS, apiVersionOfKind, resourcePath } from '../KubernetesKind.js';
import { globLiteral } from '../../../core/cache/glob.js';
import { APPLICATIONS, CLUSTERS, applicationKey, clusterKey, infrastructureKey, parseKey } from '../keys.js';
import type { KubernetesManifest } from '../model/KubernetesManifest.js';
import { splitName } from '../read/KubernetesReadService.js';
import { cachingFilterVerdicts } from './cachingFilters.js';

export interface KubernetesConsoleDeps {
  readonly accounts: () => ReadonlyMap<string, KubernetesAccountCache>;
  /** The provider's cache (the store every instance shares). */
  readonly cache: Cache;
  readonly ownership: () => AccountOwnership | undefined;
}

/** Kinds looked up at the source besides the account's own: the ones people most often find missing. */
const EXTRA_PROBE_KINDS = ['configMap', 'secret'];
/** Found keys reported per query (a name shared by thousands of objects is not a question this answers). */
const MAX_FOUND = 200;
/** Accounts whose clusters are asked per query when none is named (each costs one LIST per kind). */
const MAX_LIVE_ACCOUNTS = 5;

/**
 * The Kubernetes part of the operator console: account ownership (the account's watch lease),
 * key scopes from the key layout, Secrets without `data`/`stringData`, on-demand requests for
 * infrastructure items, and "why is this missing?" — the keys that exist for a name and, for
 * objects of that name found live in the cluster, every caching filter's verdict.
 */
export function kubernetesConsole(deps: KubernetesConsoleDeps): ProviderConsole {
  return {
    accountOwner: async (account) => deps.ownership()?.holder(account),
    keyScope: (_type, id) => {
      const key = parseKey(id);
      if (key === undefined) return {};
      if (key.type === 'infrastructure') return { account: key.account };
      if (key.type === 'applications') return { application: key.name };
      return { account: key.account, application: key.application };
    },
    redact: (_type, item) => redactItem(item),
    onDemandRequest: (_type, item) => {
      const key = parseKey(item.id);
      if (key?.type !== 'infrastructure') return undefined;
      return { type: 'manifest', body: { account: key.account, location: key.namespace, name: `${key.kind} ${key.name}` } };
    },
    explainMissing: (query, accounts) => explainMissing(deps, query, accounts),
  };
}

/** Drops Secret data wherever a manifest sits in an item's attributes. */
function redactItem(item: CacheData): CacheData {
  const m = item.attributes.manifest;
  if (typeof m !== 'object' || m === null) return item;
  return { ...item, attributes: { ...item.attributes, manifest: sanitizeManifest(m as KubernetesManifest) } };
}

async function explainMissing(deps: KubernetesConsoleDeps, query: MissingQuery, readable: readonly string[]): Promise<MissingExplanation> {
  const caches = deps.accounts();
  const targets = readable.filter((a) => caches.has(a) && (query.account === undefined || query.account === a));
  const [kindInName, plain] = splitName(query.name.trim());
  const kindHint = query.kind ?? kindInName;
  const found: MissingFoundKey[] = [];
  const live: MissingLiveObject[] = [];
  const errors: { account: string; message: string }[] = [];
  const notes: string[] = [];

  // The application (its key names no account) and the clusters of that name or application.
  const wanted = new Set(targets);
  const app = await deps.cache.get(APPLICATIONS, applicationKey(query.name.trim()));
  if (app !== undefined) found.push({ type: APPLICATIONS, id: app.id, relationships: app.relationships });
  const clusterIds = new Set<string>();
  for (const glob of [keyGlob(clusterKey('A', query.name.trim(), 'C'), [3, 5]), keyGlob(clusterKey('A', 'P', query.name.trim()), [3, 4])]) {
    for (const id of await deps.cache.filterIdentifiers(CLUSTERS, glob)) {
      const k = parseKey(id);
      if (k?.type === CLUSTERS && wanted.has(k.account) && (k.name === query.name.trim() || k.application === query.name.trim())) clusterIds.add(id);
    }
  }
  for (const item of await deps.cache.getAll(CLUSTERS, [...clusterIds].slice(0, MAX_FOUND))) found.push({ type: CLUSTERS, id: item.id, account: (parseKey(item.id) as { account?: string }).account, relationships: item.relationships });

  // Cached objects of that name: one key pattern per kind across the accounts (any namespace unless one is given).
  const kindNames = new Map<string, string>();
  for (const account of targets) {
    const acct = caches.get(account);
    if (acct === undefined) continue;
    for (const k of cachedKinds(acct.credentials, acct.registry)) if (kindHint === undefined || kindHint.toLowerCase() === k.name.toLowerCase()) kindNames.set(k.name.toLowerCase(), k.name);
  }
  for (const kind of kindNames.values()) {
    const glob = keyGlob(infrastructureKey(kind, 'A', query.namespace ?? 'N', plain), query.namespace === undefined ? [3, 4] : [3]);
    const ids = (await deps.cache.filterIdentifiers(kind, glob)).filter((id) => {
      const k = parseKey(id);
      return k?.type === 'infrastructure' && wanted.has(k.account) && k.name === plain && (query.namespace === undefined || k.namespace === query.namespace);
    });
    for (const item of await deps.cache.getAll(kind, ids.slice(0, MAX_FOUND))) found.push({ type: kind, id: item.id, account: (parseKey(item.id) as { account?: string }).account, relationships: item.relationships });
  }

  // Objects of that name in the clusters, and why each is or is not cached (a few accounts at most: each costs a LIST per kind).
  const liveTargets = targets.slice(0, MAX_LIVE_ACCOUNTS);
  if (targets.length > liveTargets.length) notes.push(`looked in the clusters of ${liveTargets.join(', ')} only (${targets.length} accounts): name an account to look in another`);
  await Promise.all(
    liveTargets.map(async (account) => {
      const acct = caches.get(account);
      if (acct === undefined) return;
      const kinds = probeKinds(acct, kindHint);
      const status = acct.status();
      if (status.state !== 'watching') notes.push(`account ${account} is ${status.state}${status.lastError === undefined ? '' : ` (${status.lastError})`}: its cache may lag the cluster`);
      const results = await Promise.all(
        kinds.map(async (kindName): Promise<MissingLiveObject[] | { error: string }> => {
          try {
            const kind = await acct.resolveKind(kindName);
            const path = resourcePath(kind, kind.namespaced ? query.namespace : undefined);
            const list = await acct.credentials.client.listAll(path, { fieldSelector: `metadata.name=${plain}` });
            return await Promise.all(
              list.items
                .filter((o) => o.metadata.name === plain)
                .map(async (o) => {
                  const m = withKind(o, kind.apiKind, apiVersionOfKind(kind));
                  const namespace = kind.namespaced ? (o.metadata.namespace ?? '') : '';
                  const key = infrastructureKey(kind.name, account, namespace, plain);
                  return { account, kind: kind.name, namespace, name: plain, key, cached: (await acct.cachedManifest(key)) !== undefined, filters: cachingFilterVerdicts(acct.credentials.config, acct.registry, m) };
                }),
            );
          } catch (e) {
            return { error: `${kindName}: ${e instanceof Error ? e.message : String(e)}` };
          }
        }),
      );
      for (const r of results) {
        if (Array.isArray(r)) live.push(...r);
        else if (kindHint !== undefined || /unreachable|no response|ECONNREFUSED|timed out/i.test(r.error)) errors.push({ account, message: r.error });
      }
    }),
  );
  if (live.length === 0 && found.length === 0) {
    notes.push(`nothing named ${query.name} is cached or found in ${targets.length === 0 ? 'any account you may read' : targets.join(', ')}; application and cluster names come from the moniker.spinnaker.io annotations of the objects`);
  }
  for (const o of live) {
    if (!o.cached && o.filters.every((f) => !f.excludes)) notes.push(`${o.kind} ${o.name} in ${o.account}/${o.namespace || '(cluster)'} passes every filter but is not cached yet: the watch may be behind, or try a refresh`);
  }
  return { found, live, errors, notes };
}

/** Kinds to look up at the source: the one asked for, else the account's kinds, the defaults, the omitted ones and a few common others. */
function probeKinds(acct: KubernetesAccountCache, hint: string | undefined): string[] {
  if (hint !== undefined) return [hint];
  const c = acct.credentials.config;
  const names = [...UI_DEFAULT_KINDS, ...cachedKinds(acct.credentials, acct.registry).map((k) => k.name), ...c.kinds, ...c.omitKinds, ...EXTRA_PROBE_KINDS];
  const seen = new Map<string, string>();
  for (const n of names) if (!seen.has(n.toLowerCase())) seen.set(n.toLowerCase(), n);
  return [...seen.values()];
}

/**
 * A glob matching `key` with the given `:`-separated parts (after the prefix and key type, i.e.
 * indexes into the full key's parts) left free; every other part matches only itself.
 */
function keyGlob(key: string, free: readonly number[]): string {
  return key
    .split(':')
    .map((part, i) => (free.includes(i) ? '*' : globLiteral(part)))
    .join(':');
}

function withKind(o: KubeObject, apiKind: string, apiVersion: string): KubernetesManifest {
  return { ...o, kind: o.kind ?? apiKind, apiVersion: o.apiVersion ?? apiVersion } as unknown as KubernetesManifest;
}
