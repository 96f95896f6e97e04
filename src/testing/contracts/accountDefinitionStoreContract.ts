import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';

export interface AccountDefinitionStoreFixture {
  readonly store: AccountDefinitionStore;
  /** A second store over the same storage (a restarted process), when the driver persists. */
  reopen?(): AccountDefinitionStore;
  cleanup(): Promise<void>;
}

/** The behaviour every `AccountDefinitionStore` driver must have (see AccountDefinitionStore.ts). */
export function describeAccountDefinitionStoreContract(name: string, factory: () => Promise<AccountDefinitionStoreFixture>): void {
  describe(`AccountDefinitionStore contract: ${name}`, () => {
    let fx: AccountDefinitionStoreFixture;

    beforeEach(async () => {
      fx = await factory();
    });
    afterEach(async () => {
      await fx.store.close();
      await fx.cleanup();
    });

    it('keeps, replaces and removes definitions by name', async () => {
      const { store } = fx;
      expect(await store.list()).toEqual([]);
      await store.put('b', { type: 'kubernetes', name: 'b', namespaces: ['x'] });
      await store.put('a', { type: 'kubernetes', name: 'a' });
      await store.put('b', { type: 'kubernetes', name: 'b', namespaces: ['y'] });
      const all = await store.list();
      expect(all).toHaveLength(2);
      expect(all.find((d) => d.name === 'b')).toEqual({ type: 'kubernetes', name: 'b', namespaces: ['y'] });
      expect(await store.remove('a')).toBe(true);
      expect(await store.remove('a')).toBe(false);
      expect((await store.list()).map((d) => d.name)).toEqual(['b']);
    });

    it('returns copies: later changes to a definition object do not leak into the store', async () => {
      const definition = { type: 'kubernetes', name: 'c', kinds: ['pod'] };
      await fx.store.put('c', definition);
      definition.kinds.push('service');
      expect((await fx.store.list())[0]).toEqual({ type: 'kubernetes', name: 'c', kinds: ['pod'] });
    });

    it('survives a restart when the driver persists', async () => {
      if (fx.reopen === undefined) return;
      await fx.store.put('d', { type: 'kubernetes', name: 'd' });
      const again = fx.reopen();
      expect(await again.list()).toEqual([{ type: 'kubernetes', name: 'd' }]);
    });
  });
}
