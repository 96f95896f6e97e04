import { murmur3x64Hex } from './murmur3.js';

const SCHEMA_VERSION = 1;
const UNSAFE = /[^A-Za-z0-9_]/g;

/**
 * Clouddriver's cache table names (cats-sql SqlNames): `cats_v1_[{tableNamespace}_]{type}[_rel]`,
 * the type with `[^A-Za-z0-9_]` replaced by `_`; names that reach the database's limit keep the
 * prefix and namespace, shorten the type and append the first 16 hex digits of the murmur3-128
 * of type+suffix, dropping the suffix as a last resort.
 */
export class SqlNames {
  constructor(
    private readonly maxTableNameLength: number,
    private readonly tableNamespace?: string,
  ) {}

  resourceTable(type: string): string {
    return this.check(`cats_v${SCHEMA_VERSION}_`, type.replace(UNSAFE, '_'), '');
  }

  relTable(type: string): string {
    return this.check(`cats_v${SCHEMA_VERSION}_`, type.replace(UNSAFE, '_'), '_rel');
  }

  /** Our own bookkeeping tables, under the same namespace. */
  ownTable(name: string): string {
    return this.tableNamespace ? `cdts_${this.tableNamespace}_${name}` : `cdts_${name}`;
  }

  private check(prefix: string, name: string, suffix: string): string {
    const base = this.tableNamespace ? `${prefix}${this.tableNamespace}_` : prefix;
    const full = base + name + suffix;
    if (full.length < this.maxTableNameLength) return full;
    const hash = murmur3x64Hex(Buffer.from(name + suffix, 'utf8')).slice(0, 16);
    const available = this.maxTableNameLength - base.length - suffix.length - hash.length - 1;
    if (available >= 0) return base + name.slice(0, available + 1) + hash + suffix;
    if (available + suffix.length >= 0) return base + name.slice(0, available + suffix.length + 1) + hash;
    throw new Error(`sql.table-namespace ${this.tableNamespace ?? ''} is too long`);
  }
}

/**
 * The agent value stored for `agent` (SqlNames.checkAgentName): unchanged when it fits
 * `maxLength`, else shortened keeping at least `{type}:` and ending with (part of) the
 * murmur3-128 hex of the whole value.
 */
export function agentColumnValue(agent: string, maxLength: number): string {
  if (agent.length <= maxLength) return agent;
  const hash = murmur3x64Hex(Buffer.from(agent, 'utf8'));
  const colon = agent.indexOf(':');
  if (colon > maxLength - 2) throw new Error(`type ${agent.slice(0, colon)} is too long, record cannot be stored`);
  const available = Math.max(maxLength - hash.length - 1, colon);
  const hashLength = Math.min(hash.length, maxLength - colon - 1);
  return agent.slice(0, available + 1) + hash.slice(0, hashLength);
}
