import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { configSchema, type ServiceConfig } from './schema.js';

export class ConfigError extends Error {}

export interface ConfigSources {
  /** Explicit config file (`--config FILE` or `CLOUDDRIVER_CONFIG`); must exist. */
  readonly file?: string;
  /** Directory searched for `clouddriver.yml` and `clouddriver-local.yml` when no file is given. */
  readonly configDir?: string;
  readonly env?: NodeJS.ProcessEnv;
}

type Tree = Record<string, unknown>;

/**
 * Loads the configuration: YAML file(s), then the environment overlay, then validation.
 * Environment: `PORT` sets `server.port`; `CLOUDDRIVER_A__B_C=value` sets `a.bC` (segments split on
 * `__`, `_` inside a segment starts a camelCase word); values are read as YAML scalars.
 * The result is deeply frozen. Errors name the offending path and rule.
 */
export function loadConfig(sources: ConfigSources = {}): ServiceConfig {
  const env = sources.env ?? process.env;
  const files = sources.file
    ? [sources.file]
    : ['clouddriver.yml', 'clouddriver-local.yml'].map((f) => resolve(sources.configDir ?? 'config', f));
  let tree: Tree = {};
  for (const file of files) {
    if (!existsSync(file)) {
      if (sources.file) throw new ConfigError(`config file not found: ${file}`);
      continue;
    }
    tree = deepMerge(tree, readYaml(file));
  }
  tree = deepMerge(tree, envOverlay(env));
  return parseConfig(tree);
}

/** Validates an already-built tree (kebab-case keys allowed). */
export function parseConfig(raw: unknown): ServiceConfig {
  const parsed = configSchema.safeParse(applyClouddriverAliases(camelizeKeys(raw)));
  if (!parsed.success) throw new ConfigError(`invalid configuration:\n${formatZodError(parsed.error)}`);
  return deepFreeze(parsed.data);
}

export function formatZodError(error: ZodError, root = ''): string {
  return error.issues
    .map((i) => `  - ${[root, ...i.path].filter((p) => p !== '').join('.') || '(root)'}: ${i.message}`)
    .join('\n');
}

function readYaml(file: string): Tree {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`cannot read config file ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (!isTree(doc)) throw new ConfigError(`config file ${file} must hold a YAML mapping at the top level`);
  return doc;
}

function envOverlay(env: NodeJS.ProcessEnv): Tree {
  let tree: Tree = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.startsWith('CLOUDDRIVER_') || name === 'CLOUDDRIVER_CONFIG') continue;
    const path = name
      .slice('CLOUDDRIVER_'.length)
      .split('__')
      .map((seg) => seg.toLowerCase().replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()));
    tree = deepMerge(tree, nest(path, parseScalar(value)));
  }
  if (env.PORT !== undefined && env.PORT !== '') tree = deepMerge(tree, { server: { port: parseScalar(env.PORT) } });
  return tree;
}

function parseScalar(value: string): unknown {
  try {
    return parseYaml(value) as unknown;
  } catch {
    return value;
  }
}

function nest(path: string[], value: unknown): Tree {
  return path.reduceRight<unknown>((acc, key) => ({ [key]: acc }), value) as Tree;
}

function isTree(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(a: Tree, b: Tree): Tree {
  const out: Tree = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = isTree(prev) && isTree(v) ? deepMerge(prev, v) : v;
  }
  return out;
}

/** Spring's relaxed binding, in the direction we need: `write-enabled` -> `writeEnabled`. */
function camelizeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(camelizeKeys);
  if (!isTree(v)) return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, val]) => [k.replace(/-([a-z0-9])/g, (_m, c: string) => c.toUpperCase()), camelizeKeys(val)]),
  );
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

/**
 * Clouddriver spells agent timing and capacity under `redis.*` or `sql.agent.*`; where our own
 * `caching.*` key is absent, take theirs (SQL first, as Clouddriver prefers the SQL scheduler).
 */
function applyClouddriverAliases(v: unknown): unknown {
  if (!isTree(v)) return v;
  const pick = (...paths: string[][]): unknown => {
    for (const path of paths) {
      let cur: unknown = v;
      for (const key of path) cur = isTree(cur) ? cur[key] : undefined;
      if (cur !== undefined) return cur;
    }
    return undefined;
  };
  const caching: Tree = isTree(v.caching) ? { ...v.caching } : {};
  const aliases: Record<string, unknown> = {
    poll: pick(['sql', 'agent', 'poll'], ['redis', 'poll']),
    maxConcurrentAgents: pick(['sql', 'agent', 'maxConcurrentAgents'], ['redis', 'agent', 'maxConcurrentAgents']),
    enabledPattern: pick(['sql', 'agent', 'enabledPattern'], ['redis', 'agent', 'enabledPattern']),
    agentLockAcquisitionIntervalSeconds: pick(['redis', 'agent', 'agentLockAcquisitionIntervalSeconds']),
  };
  for (const [key, value] of Object.entries(aliases)) if (caching[key] === undefined && value !== undefined) caching[key] = value;
  const out: Tree = Object.keys(caching).length > 0 ? { ...v, caching } : { ...v };
  // Store connections: Clouddriver's `redis.connection`/`redis.timeout` and `sql.connectionPools`/
  // `sql.table-namespace`, where `storage.redis`/`storage.sql` are not given.
  const storage: Tree = isTree(v.storage) ? { ...v.storage } : {};
  const redis = { connection: pick(['redis', 'connection']), timeout: pick(['redis', 'timeout']) };
  const sql = { connectionPools: pick(['sql', 'connectionPools']), tableNamespace: pick(['sql', 'tableNamespace']) };
  const defined = (o: Tree) => Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined));
  if (storage.redis === undefined && redis.connection !== undefined) storage.redis = defined(redis);
  if (storage.sql === undefined && (sql.connectionPools !== undefined || sql.tableNamespace !== undefined)) storage.sql = defined(sql);
  // Clouddriver's `dual-task-repository.{enabled, primary-class|primary-name, previous-class|previous-name}`.
  const dual = pick(['dualTaskRepository']);
  if (isTree(dual) && dual.enabled === true) {
    const jdbc = JSON.stringify(storage.sql ?? sql.connectionPools ?? '');
    const driverOf = (name: unknown): unknown => {
      if (typeof name !== 'string') return undefined;
      if (/redis/i.test(name)) return 'redis';
      if (/memory/i.test(name)) return 'memory';
      if (/sql/i.test(name)) return /mysql|mariadb/i.test(jdbc) ? 'mysql' : 'postgres';
      return name; // not a repository we have: validation names it
    };
    const previous = driverOf(dual.previousName ?? dual.previousClass);
    const primary = driverOf(dual.primaryName ?? dual.primaryClass);
    if (storage.tasksPrevious === undefined && previous !== undefined) storage.tasksPrevious = previous;
    if (storage.tasks === undefined && primary !== undefined) storage.tasks = primary;
  }
  if (storage.redis !== undefined || storage.sql !== undefined || storage.tasksPrevious !== undefined) out.storage = storage;
  return out;
}
