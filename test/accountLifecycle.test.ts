import { afterEach, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { keys, testProvider } from './fixtures/testProvider.js';
import { eventually } from './helpers/serviceProcess.js';

const apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

async function startApp(accounts: unknown[]): Promise<{ app: App; url: string }> {
  const config = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    storage: { cache: 'memory', tasks: 'memory' },
    caching: { poll: { intervalSeconds: 1 }, agentLockAcquisitionIntervalSeconds: 0.05 },
    testProvider: { accounts },
  });
  const app = await createApp({ config, providers: [testProvider], logger: pino({ level: 'silent' }) });
  apps.push(app);
  const { port } = await app.start();
  return { app, url: `http://127.0.0.1:${port}` };
}

describe('accounts at runtime', () => {
  it('schedules a new account’s agents at once and evicts a removed account’s items', async () => {
    const { app, url } = await startApp([{ name: 'first', widgets: 2 }]);
    const introspection = async () => (await (await fetch(`${url}/cache/introspection`)).json()) as { id: string; totalAdditions: number }[];
    await eventually(async () => ((await introspection()).some((a) => a.totalAdditions > 0) ? true : undefined));

    const second = await testProvider.createCredentials(testProvider.accountSchema.parse({ name: 'second', widgets: 3 }), {
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
    });
    await app.credentials.add(second);
    const agents = await eventually(async () => {
      const list = await introspection();
      return list.find((a) => a.id === 'second/TestCachingAgent' && a.totalAdditions === 3) ? list : undefined;
    }, 5_000, 'second account cached');
    expect(agents.map((a) => a.id).sort()).toEqual(['first/TestCachingAgent', 'second/TestCachingAgent']);
    expect((await (await fetch(`${url}/credentials`)).json()) as unknown[]).toHaveLength(2);

    const cache = app.cache('test');
    expect((await cache.getIdentifiers('widgets')).filter((id) => id.startsWith(keys.build('widgets', 'second')))).toHaveLength(3);

    expect(await app.credentials.remove('second')).toBe(true);
    expect((await cache.getIdentifiers('widgets')).sort()).toEqual([keys.build('widgets', 'first', 'w0'), keys.build('widgets', 'first', 'w1')]);
    expect((await introspection()).map((a) => a.id)).toEqual(['first/TestCachingAgent']);
    expect((await fetch(`${url}/credentials/second`)).status).toBe(404);
  });

  it('refuses a second account with the same name', async () => {
    const { app } = await startApp([{ name: 'dup' }]);
    const again = await testProvider.createCredentials(testProvider.accountSchema.parse({ name: 'dup' }), {
      logger: pino({ level: 'silent' }),
      clock: { now: () => Date.now() },
    });
    await expect(app.credentials.add(again)).rejects.toThrow(/already exists/);
  });

  it('rejects an invalid configured account at start, naming its path', async () => {
    await expect(startApp([{ name: 'ok' }, { widgets: -1 }])).rejects.toThrow(
      /testProvider\.accounts\[1\]\.name: Required[\s\S]*testProvider\.accounts\[1\]\.widgets: Number must be greater than or equal to 0/,
    );
  });
});
