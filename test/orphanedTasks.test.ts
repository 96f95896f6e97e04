/**
 * Orphaned tasks are found cluster-wide whatever the host names: two instances share one SQLite
 * task and lease store (as pods on a shared volume would); a task whose owner holds no liveness
 * lease is failed by the other instance's sweep, a task of a live instance is left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { currentEntry } from '../src/core/tasks/Task.js';

describe('orphaned tasks across instances', () => {
  let dir: string;
  const apps: App[] = [];
  const start = async (): Promise<App> => {
    const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, storage: { cache: 'memory', tasks: 'sqlite', leases: 'sqlite', sqlite: { path: join(dir, 'cd.db') } } });
    const app = await createApp({ config, logger: pino({ level: 'silent' }) });
    apps.push(app);
    await app.start();
    return app;
  };
  const stuckTask = async (app: App, ownerId: string, requestId: string) =>
    (await app.tasks.create({ requestId, ownerId, startTimeMs: Date.now(), first: { phase: 'ORCHESTRATION', status: 'Initializing Orchestration Task', state: 'STARTED' } })).task;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cd-orphans-'));
  });
  afterAll(async () => {
    for (const app of apps) await app.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails a task whose instance (on another host) is gone, and not one whose instance is alive', async () => {
    const first = await start();
    const gone = await stuckTask(first, 'f00d@pod-that-was-rescheduled', 'orphan-1');
    const alive = await stuckTask(first, first.ownerId, 'alive-1');
    const second = await start(); // its start-up sweep runs before it listens
    const orphan = await second.tasks.get(gone.id);
    expect(orphan && currentEntry(orphan)).toMatchObject({ state: 'FAILED', status: expect.stringContaining('stopped before it finished') });
    expect(orphan?.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', cause: 'TaskInterrupted' });
    const running = await second.tasks.get(alive.id);
    expect(running && currentEntry(running).state).toBe('STARTED');
  });
});
