import type { AccountDefinitionStore } from '../../core/accounts/AccountDefinitionStore.js';
import type { SqlClient } from './SqlClient.js';

/**
 * Account definitions in clouddriver-sql's `accounts` table (account storage): id = name, type,
 * body = the definition JSON (jsonb on PostgreSQL), created/modified times and who modified it.
 */
export class SqlAccountDefinitionStore implements AccountDefinitionStore {
  constructor(private readonly opts: { client: SqlClient; modifiedBy?: string }) {}

  async list(): Promise<Record<string, unknown>[]> {
    const { rows } = await this.opts.client.query<{ body: unknown }>('SELECT body FROM accounts ORDER BY id');
    return rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : structuredClone(r.body)) as Record<string, unknown>);
  }

  async put(name: string, definition: Record<string, unknown>): Promise<void> {
    const { client } = this.opts;
    const now = Date.now();
    const type = typeof definition.type === 'string' ? definition.type.slice(0, 50) : 'unknown';
    await client.query(
      client.dialect.upsert(
        'accounts',
        ['id', 'type', 'body', 'created_at', 'last_modified_at', 'last_modified_by'],
        ['id'],
        ['type', 'body', 'last_modified_at', 'last_modified_by'],
        1,
      ),
      [name, type, JSON.stringify(definition), now, now, this.opts.modifiedBy ?? 'anonymous'],
    );
  }

  async remove(name: string): Promise<boolean> {
    return (await this.opts.client.query('DELETE FROM accounts WHERE id = ?', [name])).affected > 0;
  }

  async close(): Promise<void> {}
}
