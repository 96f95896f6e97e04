/**
 * Start-up loads only what the configuration needs: the compiled service, imported and started
 * with no accounts, does not load the Kubernetes client library, the AWS SDK or the drivers of
 * store backends it does not use (each costs start-up time; they are imported when an account
 * or a store first needs them). Checked in a fresh `node` process with a module resolve hook
 * that records every package the service imports.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot } from './helpers/serviceProcess.js';

const HEAVY = ['@kubernetes/client-node', '@aws-sdk/client-s3', '@aws-sdk/client-ec2', 'ioredis', 'pg', 'mysql2', 'better-sqlite3'];
const dir = mkdtempSync(join(tmpdir(), 'cd-startup-imports-'));

/** The packages (bare specifiers) imported while `dist/app.js` is imported and an app with `config` is created, started and stopped. */
function packagesLoaded(config: Record<string, unknown>): string[] {
  ensureBuilt();
  const hook = join(dir, 'hook.mjs');
  writeFileSync(hook, `export async function resolve(specifier, context, next) {\n  if (!/^[.\\/]|^node:|^file:/.test(specifier)) console.error('PKG ' + specifier);\n  return next(specifier, context);\n}\n`);
  const register = join(dir, 'register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`);
  const script = [
    `const { createApp } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/app.js')).href)});`,
    `const { parseConfig } = await import(${JSON.stringify(pathToFileURL(join(repoRoot, 'dist/config/loadConfig.js')).href)});`,
    `const { pino } = await import('pino');`,
    `const app = await createApp({ config: parseConfig(${JSON.stringify(config)}), logger: pino({ level: 'silent' }) });`,
    `await app.start();`,
    `await app.stop();`,
  ].join('\n');
  const run = spawnSync(process.execPath, ['--import', pathToFileURL(register).href, '--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  expect(run.status, run.stderr).toBe(0);
  const stderr = run.stderr;
  return [...new Set([...stderr.matchAll(/^PKG (\S+)$/gm)].map((m) => (m[1] ?? '').split('/').slice(0, (m[1] ?? '').startsWith('@') ? 2 : 1).join('/')))];
}

describe('start-up imports', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('with in-memory stores and no accounts: none of the cloud clients or store drivers', () => {
    const loaded = packagesLoaded({ server: { port: 0, host: '127.0.0.1' }, storage: { cache: 'memory', tasks: 'memory' } });
    expect(loaded).toContain('fastify');
    expect(loaded.filter((p) => HEAVY.includes(p))).toEqual([]);
  }, 90_000);

  it('with the default SQLite store: better-sqlite3 and nothing else of them', () => {
    const loaded = packagesLoaded({ server: { port: 0, host: '127.0.0.1' }, storage: { sqlite: { path: join(dir, 'cd.db') } } });
    expect(loaded.filter((p) => HEAVY.includes(p))).toEqual(['better-sqlite3']);
  }, 90_000);
});
