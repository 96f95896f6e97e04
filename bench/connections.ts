/**
 * What one account's connection costs the service: N HTTP/2 connections over TLS, each with one
 * request, made by `Http2Transport` (connections with the same TLS material share one secure
 * context, `sharedSecureContext`) against the same connections made with Node's `http2.connect`
 * and the material as options (Node builds a secure context per connection): the same-run
 * baseline. Each side runs in a fresh process of its own (RSS and CPU per connection, after
 * collection); the server runs in a third, so its work is in neither figure.
 *
 *   npm run bench:connections [-- connections]
 */
import { fork } from 'node:child_process';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Http2Transport } from '../src/providers/kubernetes/client/Http2Transport.js';
import { createPki, type SimPki } from '../src/testing/kubeSim/tls.js';
import { report, round } from './lib.js';

type Mode = 'server' | 'transport' | 'perConnection';
interface Measured {
  readonly rssKbPerConnection: number;
  readonly cpuMsPerConnection: number;
}

const self = fileURLToPath(import.meta.url);
const mode = process.argv[2] as Mode | undefined;

/** Runs this file in a child process in `childMode`; resolves with the first message it sends. */
function child<T>(childMode: Mode, message: unknown): { result: Promise<T>; kill: () => void } {
  const c = fork(self, [childMode], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<T>((resolve, reject) => {
    c.once('message', (m) => resolve(m as T));
    c.once('exit', (code) => reject(new Error(`${childMode} process exited (${code})`)));
  });
  c.send(message as never);
  return { result, kill: () => c.kill() };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Opens `n` connections 50 at a time, one GET each, all kept open; what they cost this process. */
async function measure(n: number, connectOne: () => Promise<void>): Promise<Measured> {
  await settle();
  const rss0 = process.memoryUsage().rss;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < n; i += 50) await Promise.all(Array.from({ length: Math.min(50, n - i) }, connectOne));
  const cpu = process.cpuUsage(cpu0);
  await settle();
  return { rssKbPerConnection: round((process.memoryUsage().rss - rss0) / n / 1024), cpuMsPerConnection: round((cpu.user + cpu.system) / n / 1000, 2) };
}

if (mode === 'server') {
  process.once('message', (pki: SimPki) => {
    const server = http2.createSecureServer({ cert: pki.serverCert, key: pki.serverKey });
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200 });
      stream.end('{}');
    });
    server.listen(0, '127.0.0.1', () => process.send?.((server.address() as AddressInfo).port));
  });
} else if (mode === 'transport' || mode === 'perConnection') {
  process.once('message', async ({ origin, ca, n }: { origin: string; ca: string; n: number }) => {
    const open: { close(): void }[] = [];
    const viaTransport = async (): Promise<void> => {
      const t = new Http2Transport(origin);
      open.push(t);
      const res = await t.request({ method: 'GET', path: '/', headers: {}, timeoutMs: 10_000, tls: { ca: Buffer.from(ca) } });
      if (res?.statusCode !== 200) throw new Error(`answered ${res?.statusCode}`);
      res.body.resume();
    };
    const viaNode = (): Promise<void> =>
      new Promise((resolve, reject) => {
        const session = http2.connect(origin, { ca: Buffer.from(ca), ALPNProtocols: ['h2'] });
        open.push(session);
        session.once('error', reject);
        const req = session.request({ ':method': 'GET', ':path': '/' });
        req.once('response', (h) => (h[':status'] === 200 ? resolve() : reject(new Error(`answered ${h[':status']}`))));
        req.resume();
      });
    const measured = await measure(n, mode === 'transport' ? viaTransport : viaNode);
    process.send?.(measured, () => process.exit(0));
  });
} else {
  const n = Number(process.argv[2] ?? '2000');
  const pki = createPki();
  const server = child<number>('server', pki);
  const origin = `https://127.0.0.1:${await server.result}`;
  const runs: Record<string, Measured[]> = { perConnection: [], transport: [] };
  try {
    // Interleaved, two of each.
    for (let i = 0; i < 2; i++) {
      for (const side of ['perConnection', 'transport'] as const) runs[side]?.push(await child<Measured>(side, { origin, ca: pki.caCert, n }).result);
    }
  } finally {
    server.kill();
  }
  const mean = (xs: Measured[] | undefined, f: keyof Measured): number => round((xs ?? []).reduce((a, m) => a + m[f], 0) / (xs?.length ?? 1), 2);
  report('connections', {
    connections: n,
    perConnectionContext: runs.perConnection,
    sharedContext: runs.transport,
    rssRatio: round(mean(runs.transport, 'rssKbPerConnection') / mean(runs.perConnection, 'rssKbPerConnection'), 2),
    cpuRatio: round(mean(runs.transport, 'cpuMsPerConnection') / mean(runs.perConnection, 'cpuMsPerConnection'), 2),
  });
}
