import type { CacheData } from '../../core/cache/CacheData.js';
import { NotAllowedError } from '../../core/errors.js';
import type { ProviderConsole } from '../../core/providers/ProviderConsole.js';
import type { Permissions } from '../../core/security/Authorizer.js';
import { readable } from '../../core/security/readFilters.js';

/**
 * What one caller may see in the console, with the API's read rules (`readFilters`): accounts
 * and applications they may READ. Keys are judged by the provider's `keyScope`; a provider
 * without one has its keys judged by their `:`-separated parts (a part naming an account of that
 * provider the caller may not read hides the key). Admins (and everyone when Fiat is off) see all.
 */
export class ConsoleAccess {
  constructor(
    private readonly perms: Permissions,
    /** Account names by provider id. */
    private readonly accountsOf: (provider: string) => readonly string[],
  ) {}

  get everything(): boolean {
    return this.perms.admin;
  }

  account(name: string): boolean {
    return this.perms.admin || this.perms.account(name, 'READ');
  }

  application(name: string): boolean {
    return this.perms.admin || this.perms.application(name, 'READ');
  }

  /** Whether a key of `provider` may be listed. */
  key(provider: string, hooks: ProviderConsole | undefined, type: string, id: string): boolean {
    if (this.perms.admin) return true;
    if (hooks?.keyScope !== undefined) {
      const scope = hooks.keyScope(type, id);
      return (scope.account === undefined || this.account(scope.account)) && (scope.application === undefined || this.application(scope.application));
    }
    const accounts = new Set(this.accountsOf(provider));
    return id.split(':').every((part) => !accounts.has(part) || this.account(part));
  }

  /** Throws 403 unless the item's key and its attributes (account, application, moniker) are readable. */
  assertItem(provider: string, hooks: ProviderConsole | undefined, type: string, item: CacheData): void {
    if (this.perms.admin) return;
    const attrs = item.attributes;
    // readable(): the attributes' account/accountName and application/moniker.app.
    if (!this.key(provider, hooks, type, item.id) || !readable(this.perms, attrs)) {
      throw new NotAllowedError(`Access denied to ${item.id}`);
    }
  }
}

