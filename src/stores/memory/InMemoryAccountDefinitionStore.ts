import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';

/** Account definitions in a map: they last as long as the process. */
export class InMemoryAccountDefinitionStore implements AccountDefinitionStore {
  private readonly definitions = new Map<string, Record<string, unknown>>();

  async list(): Promise<Record<string, unknown>[]> {
    return [...this.definitions.values()].map((d) => structuredClone(d));
  }

  async put(name: string, definition: Record<string, unknown>): Promise<void> {
    this.definitions.set(name, structuredClone(definition));
  }

  async remove(name: string): Promise<boolean> {
    return this.definitions.delete(name);
  }

  async close(): Promise<void> {}
}
