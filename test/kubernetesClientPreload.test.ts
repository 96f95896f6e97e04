import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { kubernetesClientLibraryLoaded } from '../src/providers/kubernetes/client/KubeClient.js';
import { waitFor } from './helpers/waitFor.js';

/**
 * `kubernetes.enabled: true` (as Halyard writes it): the Kubernetes client library is loaded once
 * the service listens, with no account yet, so the first account added at run time does not wait
 * for it. (Its own file: the library, once loaded, stays loaded for the rest of the worker.)
 */
describe('kubernetes.enabled', () => {
  it('loads the client library after the service starts listening, before any account', async () => {
    const config = parseConfig({ server: { port: 0, host: '127.0.0.1' }, storage: { cache: 'memory', tasks: 'memory' }, kubernetes: { enabled: true, accounts: [] } });
    const app = await createApp({ config, logger: pino({ level: 'silent' }) });
    try {
      expect(kubernetesClientLibraryLoaded()).toBe(false); // not while the app is being made
      await app.start();
      await waitFor(() => expect(kubernetesClientLibraryLoaded()).toBe(true), 20_000);
      const health = await app.server.inject({ method: 'GET', url: '/health' });
      expect(health.json()).toMatchObject({ status: 'UP', components: { kubernetes: { details: {} } } });
    } finally {
      await app.stop();
    }
  });
});
