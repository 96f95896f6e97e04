/**
 * Accounts added, replaced and removed through the account storage API on one instance reach the
 * other instances sharing the store, through the change feed (here: two instances on one SQLite
 * file, whose feed is a polled table).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { testProvider } from './fixtures/testProvider.js';
import { waitFor } from './helpers/waitFor.js';

describe('stored accounts across instances', () => {
  let dir: string;
  let a: App;
  let b: App;
  const request = async (app: App, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: Record<string, unknown>) => {
    const res = await app.server.inject({ method, url, ...(payload === undefined ? {} : { payload }) });
    return { status: res.statusCode, body: res.body === '' ? undefined : (JSON.parse(res.body) as Record<string, unknown>) };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'account-sync-'));
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'sqlite', tasks: 'sqlite', leases: 'sqlite', accounts: 'sqlite', changes: 'sqlite', sqlite: { path: join(dir, 'shared.db') } },
      account: { storage: { enabled: true } },
      testProvider: { accounts: [{ name: 'configured', widgets: 1 }] },
    });
    const logger = pino({ level: process.env.TEST_LOG ?? 'silent' });
    a = await createApp({ config, providers: [testProvider], logger });
    b = await createApp({ config, providers: [testProvider], logger });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds, replaces and removes an account on every instance', async () => {
    expect((await request(a, 'POST', '/credentials', { type: 'test', name: 'runtime', widgets: 2, environment: 'prod' })).status).toBe(200);
    await waitFor(async () => {
      const res = await request(b, 'GET', '/credentials/runtime');
      if (res.status !== 200) throw new Error(`instance b: ${res.status}`);
      expect(res.body).toMatchObject({ name: 'runtime', environment: 'prod', widgets: 2 });
    }, 5_000, 20);

    expect((await request(a, 'PUT', '/credentials', { type: 'test', name: 'runtime', widgets: 5, environment: 'staging' })).status).toBe(200);
    await waitFor(async () => {
      const res = await request(b, 'GET', '/credentials/runtime');
      if (res.body?.environment !== 'staging') throw new Error(`instance b still has ${JSON.stringify(res.body)}`);
      expect(res.body).toMatchObject({ widgets: 5 });
    }, 5_000, 20);

    expect((await request(b, 'DELETE', '/credentials/runtime')).status).toBe(204);
    await waitFor(async () => {
      const res = await request(a, 'GET', '/credentials/runtime');
      if (res.status !== 404) throw new Error(`instance a still has the account (${res.status})`);
    }, 5_000, 20);
    // The configured account is untouched everywhere.
    for (const app of [a, b]) expect((await request(app, 'GET', '/credentials/configured')).status).toBe(200);
  });

  it('starts with every stored account, as a new instance joining the cluster', async () => {
    expect((await request(a, 'POST', '/credentials', { type: 'test', name: 'kept', widgets: 3 })).status).toBe(200);
    const c = await createApp({
      config: parseConfig({
        server: { port: 0, host: '127.0.0.1' },
        storage: { cache: 'sqlite', tasks: 'sqlite', leases: 'sqlite', accounts: 'sqlite', changes: 'sqlite', sqlite: { path: join(dir, 'shared.db') } },
        account: { storage: { enabled: true } },
      }),
      providers: [testProvider],
      logger: pino({ level: 'silent' }),
    });
    try {
      expect((await request(c, 'GET', '/credentials/kept')).body).toMatchObject({ name: 'kept', widgets: 3 });
    } finally {
      await c.stop();
    }
  });
});
