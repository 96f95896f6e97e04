import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPki } from '../../../testing/kubeSim/tls.js';
import { KubeClient, loadKubernetesClientLibrary } from './KubeClient.js';

/**
 * A bare HTTP/2 API server on a thread of its own (the network boundary), answering a paged pod
 * LIST and recording when each page's request arrived, while this thread is busy processing the
 * page before it.
 */
const SERVER = `
const http2 = require('node:http2');
const { parentPort, workerData } = require('node:worker_threads');
const arrivals = [];
let sessions = 0;
let open = 0;
const server = http2.createSecureServer({ cert: workerData.cert, key: workerData.key });
server.on('session', (session) => {
  sessions++;
  open++;
  session.on('close', () => open--);
});
server.on('stream', (stream, headers) => {
  const url = new URL(headers[':path'], 'https://x');
  if (url.pathname === '/arrivals') {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    return stream.end(JSON.stringify(arrivals));
  }
  if (url.pathname === '/sessions') {
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    return stream.end(JSON.stringify({ seen: sessions, open }));
  }
  if (url.pathname === '/split') {
    // A body whose last character's UTF-8 bytes arrive in two DATA frames, 50 ms apart.
    const bytes = Buffer.from(JSON.stringify({ note: 'caf\u00e9 \u2638 \u{1F680}' }));
    const cut = bytes.length - 4;
    stream.respond({ ':status': 200, 'content-type': 'application/json' });
    stream.write(bytes.subarray(0, cut));
    return setTimeout(() => stream.end(bytes.subarray(cut)), 50);
  }
  const page = Number(url.searchParams.get('continue') || '0');
  arrivals[page] = Date.now();
  const items = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p-' + page, namespace: 'ns', resourceVersion: String(page + 1) } }];
  const body = JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '9', continue: page < workerData.pages - 1 ? String(page + 1) : '' }, items });
  stream.respond({ ':status': 200, 'content-type': 'application/json' });
  stream.end(body);
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
`;

const PAGES = 4;
const PROCESSING_MS = 300;

describe('KubeClient', () => {
  const pki = createPki();
  let worker: Worker;
  let port = 0;

  beforeAll(async () => {
    await loadKubernetesClientLibrary();
    worker = new Worker(SERVER, { eval: true, workerData: { cert: pki.serverCert, key: pki.serverKey, pages: PAGES } });
    port = await new Promise<number>((resolve) => worker.once('message', resolve));
  });

  afterAll(() => worker.terminate());

  const kubeconfig = (): string =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'c', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority-data': Buffer.from(pki.caCert).toString('base64') } }],
      users: [{ name: 'u', user: { token: 't' } }],
      contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'x',
    });

  it('has the next page requested before it processes the current one, so the server works meanwhile', async () => {
    const client = new KubeClient({ kubeconfigContents: kubeconfig(), requestTimeoutMs: 10_000 });
    try {
      const processed: { start: number; end: number }[] = [];
      await client.listAll('/api/v1/pods', {}, {
        pageSize: 1,
        onPage: () => {
          const start = Date.now();
          // The event loop held for the page's processing, as a long page holds it. Blocked, not
          // spinning: a spin took a core from the server's thread, which on a loaded 2-core machine
          // then saw the request only once the spin ended (a flake in CI, not a late request).
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, PROCESSING_MS);
          processed.push({ start, end: Date.now() });
        },
      });
      expect(processed).toHaveLength(PAGES);
      const arrivals = await client.request<number[]>('GET', '/arrivals');
      // Page n+1 reached the server while page n was still being processed here.
      for (let n = 0; n < PAGES - 1; n++) expect(arrivals[n + 1]).toBeLessThan(processed[n]!.end);
    } finally {
      client.close();
    }
  });

  it('connects ahead of its first request, which then goes over that connection', async () => {
    const client = new KubeClient({ kubeconfigContents: kubeconfig(), requestTimeoutMs: 10_000 });
    try {
      // Each probe opens a session of its own: one more between two probes is the probe's.
      const before = (await sessionsNow()).seen;
      await client.connect();
      const connected = (await sessionsNow()).seen;
      expect(connected - before).toBe(2);
      await client.request('GET', '/sessions');
      expect((await sessionsNow()).seen - connected).toBe(1);
    } finally {
      client.close();
    }
  });

  it('closing while the connection made ahead is still being made leaves no connection open', async () => {
    const client = new KubeClient({ kubeconfigContents: kubeconfig(), requestTimeoutMs: 10_000 });
    const { open: before } = await sessionsNow();
    const connecting = client.connect();
    client.close();
    await connecting;
    // Open on the server: the probe's own session only, once the server has seen the close.
    await expect.poll(async () => (await sessionsNow()).open, { timeout: 5_000 }).toBe(before);
  });

  it('connecting ahead to a server that is not there resolves: the first request reports the failure', async () => {
    const dead = new KubeClient({ kubeconfigContents: kubeconfig().replace(`127.0.0.1:${port}`, '127.0.0.1:1'), requestTimeoutMs: 2_000 });
    try {
      await expect(dead.connect()).resolves.toBeUndefined();
      await expect(dead.request('GET', '/sessions')).rejects.toThrow();
    } finally {
      dead.close();
    }
  });

  /** Sessions the server has seen and has open, asked over a connection of its own (counted too). */
  async function sessionsNow(): Promise<{ seen: number; open: number }> {
    const probe = new KubeClient({ kubeconfigContents: kubeconfig(), requestTimeoutMs: 10_000 });
    try {
      return await probe.request<{ seen: number; open: number }>('GET', '/sessions');
    } finally {
      probe.close();
    }
  }

  it('decodes a body whose multi-byte characters are split between chunks', async () => {
    const client = new KubeClient({ kubeconfigContents: kubeconfig(), requestTimeoutMs: 10_000 });
    try {
      expect(await client.request<{ note: string }>('GET', '/split')).toEqual({ note: 'caf\u00e9 \u2638 \u{1F680}' });
    } finally {
      client.close();
    }
  });

});
