import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';
import type { SqliteDatabase } from './openSqliteDatabase.js';

/** Account definitions in the embedded database (table `account_definitions`), by name. */
export class SqliteAccountDefinitionStore implements AccountDefinitionStore {
  constructor(private readonly opts: { db: SqliteDatabase }) {}

  async list(): Promise<Record<string, unknown>[]> {
    const rows = this.opts.db.prepare<[], { definition: string }>('SELECT definition FROM account_definitions ORDER BY name').all();
    return rows.map((r) => JSON.parse(r.definition) as Record<string, unknown>);
  }

  async put(name: string, definition: Record<string, unknown>): Promise<void> {
    this.opts.db
      .prepare('INSERT INTO account_definitions (name, definition, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at')
      .run(name, JSON.stringify(definition), Date.now());
  }

  async remove(name: string): Promise<boolean> {
    return this.opts.db.prepare('DELETE FROM account_definitions WHERE name = ?').run(name).changes > 0;
  }

  async close(): Promise<void> {}
}
