import type { OperationDefinition } from './OperationDefinition.js';

/** Operation definitions by cloud provider and wire name (`name@version` is looked up as `name`). */
export class OperationRegistry {
  private readonly byProvider = new Map<string, Map<string, OperationDefinition>>();

  register(cloudProvider: string, definition: OperationDefinition): void {
    let ops = this.byProvider.get(cloudProvider);
    if (!ops) this.byProvider.set(cloudProvider, (ops = new Map()));
    if (ops.has(definition.name)) throw new Error(`operation ${cloudProvider}/${definition.name} registered twice`);
    ops.set(definition.name, definition);
  }

  find(cloudProvider: string, name: string): OperationDefinition | undefined {
    const bare = name.split('@')[0] ?? name;
    return this.byProvider.get(cloudProvider)?.get(bare);
  }

  providers(): string[] {
    return [...this.byProvider.keys()];
  }

  names(): string[] {
    return [...new Set([...this.byProvider.values()].flatMap((m) => [...m.keys()]))].sort();
  }
}
