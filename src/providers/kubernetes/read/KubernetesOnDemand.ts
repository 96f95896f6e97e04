import type { Clock } from '../../../core/Clock.js';
import { InputError, NotFoundError, ServiceUnavailableError } from '../../../core/errors.js';
import type { OnDemandHandler, OnDemandOutcome } from '../../../core/read/ReadContributor.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { KubeApiError } from '../client/KubeClient.js';
import { assertNamespaceAllowed, assertValidKind, assertValidName } from '../coordinates.js';
import { splitName } from './KubernetesReadService.js';

interface PendingRefresh {
  id: string;
  details: Record<string, string>;
  cacheTime: number;
  processedCount: number;
  processedTime: number | null;
}

/** How long a processed refresh stays listed (`KubernetesCachingAgent`'s pending on-demand records). */
const PENDING_TTL_MS = 600_000;

/**
 * On-demand refresh for Kubernetes (`KubernetesOnDemandCachingAgent` behind `CacheController`):
 * `{account, location, name: "kind name"}` is read live from the cluster into the account's
 * watch-fed model and flushed to the cache store before the answer, so the answer is always
 * 200 (a 202 would make Orca poll for a refresh that is already done).
 */
export class KubernetesOnDemand implements OnDemandHandler {
  private readonly records = new Map<string, PendingRefresh>();

  constructor(
    private readonly accounts: () => ReadonlyMap<string, KubernetesAccountCache>,
    private readonly clock: Clock,
  ) {}

  async refresh(_type: string, data: Readonly<Record<string, unknown>>): Promise<OnDemandOutcome> {
    const acctName = typeof data.account === 'string' ? data.account : undefined;
    const name = typeof data.name === 'string' ? data.name : undefined;
    const location = typeof data.location === 'string' ? data.location : '';
    if (acctName === undefined || name === undefined) return { status: 200, body: { cachedIdentifiersByType: {} } };
    const acct = this.accounts().get(acctName);
    if (acct === undefined) throw new NotFoundError(`Account ${acctName} not found`);
    const [kindName, plain] = splitName(name);
    if (kindName === undefined) throw new InputError(`name must be "kind name", got "${name}"`);
    assertValidKind(kindName);
    assertValidName(plain);
    const kind = acct.registry.get(kindName);
    if (kind.namespaced) assertNamespaceAllowed(acct.credentials.config, location);
    const key = acct.model.keyFor(kind.name, kind.namespaced ? location : '', plain);
    const outcome = await acct.refresh(kind.name, location, plain).catch((e: unknown) => {
      if (e instanceof KubeApiError && e.status === 0) throw new ServiceUnavailableError(`account ${acctName} is unreachable: ${e.message}`);
      if (e instanceof KubeApiError && e.status === 404) throw new NotFoundError(e.message);
      throw e;
    });
    const body = { cachedIdentifiersByType: { [kind.name]: [key] } };
    if (outcome === 'fresh') {
      this.records.delete(key);
      return { status: 200, body };
    }
    const record: PendingRefresh = { id: key, details: { account: acctName, location, name: plain, kind: kind.name }, cacheTime: this.clock.now(), processedCount: 0, processedTime: null };
    this.records.set(key, record);
    await acct.flush();
    Object.assign(record, { processedCount: 1, processedTime: this.clock.now() });
    return { status: 200, body };
  }

  pending(_type: string, id?: string): PendingRefresh[] {
    const cutoff = this.clock.now() - PENDING_TTL_MS;
    for (const [k, v] of this.records) if (v.cacheTime < cutoff) this.records.delete(k);
    return [...this.records.values()].filter((r) => id === undefined || r.id === id);
  }
}
