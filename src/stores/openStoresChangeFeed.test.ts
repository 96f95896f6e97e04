import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ensureServer } from '../../test/helpers/ensureServers.js';
import { parseConfig } from '../config/loadConfig.js';
import { ManualClock } from '../testing/ManualClock.js';
import { Received } from '../testing/contracts/changeFeedContract.js';
import { InMemoryChangeFeedHub } from './memory/InMemoryChangeFeed.js';
import { openStores } from './openStores.js';
import { openSqlClient } from './sql/SqlClient.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A child process opens the stores with each change feed driver, subscribes, receives its own
 * message, closes the stores and prints `done`: it must then exit on its own (no connection,
 * poller or reconnect timer left behind).
 */
const CHILD = `
const { openStores } = await import(${JSON.stringify(new URL('./openStores.ts', import.meta.url).href)});
const { parseConfig } = await import(${JSON.stringify(new URL('../config/loadConfig.ts', import.meta.url).href)});
for (const [name, raw] of Object.entries(JSON.parse(process.argv[2]))) {
  const stores = await openStores(parseConfig(raw).storage, { now: () => Date.now() });
  let received;
  const got = new Promise((resolve) => (received = resolve));
  await stores.changes.subscribe('exit-test', { onMessage: received });
  await stores.changes.publish('exit-test', 'hello ' + name);
  // Pollers do not hold the process open (a service's HTTP server does): this wait does.
  const guard = setTimeout(() => console.log('no message on ' + name), 10_000);
  const message = await got;
  clearTimeout(guard);
  await stores.close();
  console.log(JSON.stringify({ name, driver: stores.changes.name, message }));
}
console.log(JSON.stringify({ done: process.getActiveResourcesInfo() }));
`;

describe('the change feed through openStores', () => {
  it('follows storage.changes, else the cache driver, and lets the process exit once the stores are closed', async () => {
    await Promise.all([ensureServer('redis'), ensureServer('postgres'), ensureServer('mysql')]);
    const scratch = `cdts_t_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
    const pgAdmin = await openSqlClient({ dialect: 'postgres', url: 'postgres://postgres@127.0.0.1:5432/test', maxPoolSize: 1 });
    const myAdmin = await openSqlClient({ dialect: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', maxPoolSize: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'feed-exit-'));
    await pgAdmin.query(`CREATE SCHEMA ${scratch}`);
    await myAdmin.query(`CREATE DATABASE ${scratch} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
    try {
      const memory = { cache: 'memory', tasks: 'memory', leases: 'memory' };
      const configs = {
        memory: { storage: memory },
        sqlite: { storage: { ...memory, cache: 'sqlite', sqlite: { path: join(dir, 'cd.db') } } },
        redis: { storage: { ...memory, changes: 'redis', redis: { connection: 'redis://127.0.0.1:6379' } } },
        postgres: { storage: { ...memory, changes: 'postgres', sql: { url: `postgres://postgres@127.0.0.1:5432/test?currentSchema=${scratch}` } } },
        mysql: { storage: { ...memory, changes: 'mysql', sql: { url: `mysql://root@127.0.0.1:3306/${scratch}` } } },
      };
      const script = join(dir, 'child.mjs');
      writeFileSync(script, CHILD);
      const { code, out } = await run(process.execPath, ['--import', 'tsx', script, JSON.stringify(configs)], 30_000);
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { name?: string; driver?: string; message?: string; done?: string[] });
      expect(lines.filter((l) => l.name !== undefined)).toEqual(
        Object.keys(configs).map((name) => ({ name, driver: name, message: `hello ${name}` })),
      );
      expect(lines.at(-1)?.done, out).toBeDefined();
      expect(code, out).toBe(0);
    } finally {
      await pgAdmin.query(`DROP SCHEMA IF EXISTS ${scratch} CASCADE`);
      await myAdmin.query(`DROP DATABASE IF EXISTS ${scratch}`);
      await pgAdmin.close();
      await myAdmin.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('joins two in-process instances on one memory hub', async () => {
    const config = parseConfig({ storage: { cache: 'memory', tasks: 'memory', leases: 'memory' } });
    const hub = new InMemoryChangeFeedHub();
    const clock = new ManualClock(0);
    const one = await openStores(config.storage, clock, { changeFeedHub: hub });
    const two = await openStores(config.storage, clock, { changeFeedHub: hub });
    try {
      const got = new Received();
      await two.changes.subscribe('t', got.handlers);
      await one.changes.publish('t', 'from one');
      await got.count(1);
      expect(got.messages).toEqual(['from one']);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

/** Runs a process to its exit; kills it (and reports what it printed) when it outlives `withinMs`. */
function run(command: string, args: string[], withinMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${withinMs} ms:\n${out}`));
    }, withinMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}
