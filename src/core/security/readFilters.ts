import { NotAllowedError } from '../errors.js';
import type { Permissions } from './Authorizer.js';

/**
 * Read authorization of answers, as Clouddriver's `@PostFilter`/`@PostAuthorize` rules apply it
 * (`AuthorizationSupport`): list items whose account or application the caller may not READ are
 * silently dropped; a single object of such an account or application is a 403. Routes name the
 * rule for their answer's shape:
 * - `items`: an array of objects with `account`/`accountName` and `moniker.app`/`application`;
 * - `groupedItems`: an object whose values are such arrays (`/networks`: `{cloudProvider: [...]}`);
 * - `accountKeys`: an object keyed by account (`{account: ...}`);
 * - `application`: one application, whose `clusters` are keyed by account;
 * - `applications`: `/applications` (items by `name`, unless `?restricted=false`);
 * - `search`: the `/search` pages (`[{results: [...]}]`);
 * - `loadBalancerTree`: `[{name, byAccounts: [{name, byRegions: [{loadBalancers: [...]}]}]}]` (AWS: `accounts`/`regions`);
 * - `single`: one object (403 unless readable).
 */
export type ReadFilter = 'items' | 'groupedItems' | 'accountKeys' | 'application' | 'applications' | 'search' | 'loadBalancerTree' | 'single';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function accountOf(item: Json): string | undefined {
  return str(item.account) ?? str(item.accountName);
}

function applicationOf(item: Json): string | undefined {
  return str(item.application) ?? (isObject(item.moniker) ? str(item.moniker.app) : undefined);
}

/** Whether the caller may READ an item's account and application (each only when the item names one). */
export function readable(perms: Permissions, item: unknown): boolean {
  if (!isObject(item)) return true;
  const account = accountOf(item);
  const app = applicationOf(item);
  return (account === undefined || perms.account(account, 'READ')) && (app === undefined || perms.application(app, 'READ'));
}

export function assertReadable(perms: Permissions, what: { account?: string | undefined; application?: string | undefined }): void {
  if (what.account !== undefined && !perms.account(what.account, 'READ')) throw new NotAllowedError(`Access denied to account ${what.account}`);
  if (what.application !== undefined && !perms.application(what.application, 'READ')) throw new NotAllowedError(`Access denied to application ${what.application}`);
}

/** Applies a route's rule to its answer (admins see everything). */
export function filterReadable(rule: ReadFilter, perms: Permissions, payload: unknown, opts: { restricted?: boolean } = {}): unknown {
  if (perms.admin) return payload;
  switch (rule) {
    case 'items':
      return Array.isArray(payload) ? payload.filter((i) => readable(perms, i)) : payload;
    case 'groupedItems':
      return isObject(payload) ? Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, filterReadable('items', perms, v)])) : payload;
    case 'application':
      return isObject(payload) && isObject(payload.clusters) ? { ...payload, clusters: filterReadable('accountKeys', perms, payload.clusters) } : payload;
    case 'applications':
      if (opts.restricted === false || !Array.isArray(payload)) return payload;
      return payload.filter((a) => !isObject(a) || str(a.name) === undefined || perms.application(String(a.name), 'READ'));
    case 'accountKeys':
      return isObject(payload) ? Object.fromEntries(Object.entries(payload).filter(([account]) => perms.account(account, 'READ'))) : payload;
    case 'search':
      if (!Array.isArray(payload)) return payload;
      return payload.map((page) => {
        if (!isObject(page) || !Array.isArray(page.results)) return page;
        const results = page.results.filter((r) => readable(perms, r));
        return { ...page, results, totalMatches: results.length };
      });
    case 'loadBalancerTree': {
      if (!Array.isArray(payload)) return payload;
      // `byAccounts`/`byRegions`, or a provider's own names for them (AWS: `accounts`/`regions`).
      const accountsOf = (lb: Json): string | undefined => ['byAccounts', 'accounts'].find((k) => Array.isArray(lb[k]));
      return payload
        .map((lb) => {
          const key = isObject(lb) ? accountsOf(lb) : undefined;
          if (!isObject(lb) || key === undefined) return lb;
          const accounts = (lb[key] as unknown[])
            .filter((a) => isObject(a) && perms.account(String(a.name), 'READ'))
            .map((a) => {
              const acct = a as Json;
              const regionsKey = ['byRegions', 'regions'].find((k) => Array.isArray(acct[k])) ?? 'byRegions';
              const regions = (Array.isArray(acct[regionsKey]) ? (acct[regionsKey] as unknown[]) : []).map((r) => (isObject(r) && Array.isArray(r.loadBalancers) ? { ...r, loadBalancers: r.loadBalancers.filter((x) => readable(perms, x)) } : r));
              return { ...acct, [regionsKey]: regions };
            });
          return { ...lb, [key]: accounts };
        })
        .filter((lb) => {
          const key = isObject(lb) ? accountsOf(lb) : undefined;
          return !isObject(lb) || key === undefined || (lb[key] as unknown[]).length > 0;
        });
    }
    case 'single':
      if (isObject(payload)) assertReadable(perms, { account: accountOf(payload), application: applicationOf(payload) });
      return payload;
  }
}
