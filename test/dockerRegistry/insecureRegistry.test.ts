/**
 * `insecureRegistry` against a real registry serving HTTPS with a self-signed certificate: the
 * account that sets it caches the registry's images; the one that does not fails its runs with
 * the certificate error (and, its catalog unreadable, evicts nothing).
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { createApp } from '../../src/app.js';
import { startDockerRegistry, type DockerRegistryServer } from '../helpers/dockerRegistryServer.js';
import { waitFor } from '../helpers/waitFor.js';

describe('insecureRegistry', () => {
  let registry: DockerRegistryServer;
  let app: App;

  beforeAll(async () => {
    registry = await startDockerRegistry({ tls: true });
    await registry.push('secure/app', '1.0');
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      caching: { agentLockAcquisitionIntervalSeconds: 0.01 },
      dockerRegistry: {
        accounts: [
          { name: 'trusting', address: registry.address, insecureRegistry: true },
          { name: 'strict', address: registry.address },
        ],
      },
    });
    app = await createApp({ config, logger: pino({ level: 'silent' }) });
    await app.server.ready();
    app.scheduler.start();
    await waitFor(() => {
      const agents = app.scheduler.introspection();
      if (agents.length !== 2 || agents.some((a) => a.runs < 1 || a.running)) throw new Error('first runs not finished');
    }, 20_000, 10);
  });
  afterAll(async () => {
    await app?.stop();
    await registry?.stop();
  });

  it('trusts any certificate when set, and refuses a self-signed one otherwise', async () => {
    expect(registry.address.startsWith('https://')).toBe(true);
    const byId = new Map(app.scheduler.introspection().map((a) => [a.id, a]));
    expect(byId.get('trusting/DockerRegistryImageCachingAgent[1/1]')?.lastError).toBeNull();
    expect(byId.get('strict/DockerRegistryImageCachingAgent[1/1]')?.lastError).toMatch(/_catalog failed: .*(SELF_SIGNED|CERT)/);
    const find = async (account: string) => JSON.parse((await app.server.inject({ method: 'GET', url: `/dockerRegistry/images/find?account=${account}` })).body) as { repository: string; tag: string }[];
    expect((await find('trusting')).map((i) => `${i.repository}:${i.tag}`)).toEqual(['secure/app:1.0']);
    expect(await find('strict')).toEqual([]);
  });

  it('shows each account’s state in /health and stays UP while one registry fails', async () => {
    const health = JSON.parse((await app.server.inject({ method: 'GET', url: '/health' })).body) as { components: Record<string, { status: string; details: Record<string, { state: string; taggedImages: number; lastError?: string }> }> };
    const docker = health.components.dockerRegistry;
    expect(docker?.status).toBe('UP');
    expect(docker?.details.trusting).toEqual({ state: 'ok', taggedImages: 1 });
    expect(docker?.details.strict).toMatchObject({ state: 'failing', taggedImages: 0 });
    expect(docker?.details.strict?.lastError).toMatch(/_catalog failed/);
  });
});
