/**
 * Entry point of the Kubernetes API server simulator: starts one HTTP(S) server on loopback that
 * serves K simulated clusters (the first also at the root path, every one under
 * `/clusters/{name}`), and returns a handle with the kubeconfig (one context per cluster).
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { stringify as toYaml } from 'yaml';
import { SimCluster } from './SimCluster.js';
import type { SimClusterOptions } from './SimCluster.js';
import { Controllers, DEFAULT_TIMING } from './controllers.js';
import type { ControllerTiming } from './controllers.js';
import type { Faults } from './faults.js';
import { faultsSchema } from './faults.js';
import { HttpApi } from './httpApi.js';
import type { SimEndpoint } from './httpApi.js';
import { CLIENT_CERT_CN, createPki } from './tls.js';
import { seedCluster } from './generator.js';
import type { SeedSpec } from './generator.js';

export type { Faults } from './faults.js';
export type { SeedSpec } from './generator.js';
export { SimCluster } from './SimCluster.js';

export interface KubeSimOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number;
  /** Serve HTTPS with a generated CA (needed for client-certificate auth). */
  readonly tls?: boolean;
  /** How kubeconfig users authenticate: bearer token (default) or client certificate (implies tls). */
  readonly auth?: 'token' | 'cert';
  /** Number of clusters (named sim-1..sim-K) or their names. Default 1. */
  readonly clusters?: number | readonly string[];
  readonly cluster?: SimClusterOptions;
  readonly timing?: Partial<ControllerTiming>;
  /** Interval between BOOKMARK events on watches that allow them. Default 5 s. */
  readonly bookmarkIntervalMs?: number;
  /** Faults per cluster name at start. */
  readonly faults?: Readonly<Record<string, Faults>>;
  /** Offer HTTP/2 over TLS (default true); false serves HTTP/1.1 only. */
  readonly http2?: boolean;
  /** Run controllers (default true); off for pure API tests at scale. */
  readonly controllers?: boolean;
}

export interface KubeSim {
  /** Base URL (the first cluster's API root). */
  readonly url: string;
  /** Kubeconfig YAML with one context per cluster (context name = cluster name). */
  readonly kubeconfig: string;
  readonly clusterNames: readonly string[];
  /** A kubeconfig with only this cluster's context. */
  kubeconfigFor(name: string): string;
  /** API server URL of one cluster. */
  serverUrl(name: string): string;
  cluster(name: string): SimCluster;
  setFaults(name: string, faults: Faults): void;
  /** Requests a cluster has received for one method and path (no query), e.g. `GET /version`. */
  requestCount(name: string, methodAndPath: string): number;
  seed(name: string, spec: SeedSpec): { objects: number; resourceVersion: number };
  stop(): Promise<void>;
}

export async function startKubeSim(options: KubeSimOptions = {}): Promise<KubeSim> {
  const names = typeof options.clusters === 'number' || options.clusters === undefined ? Array.from({ length: options.clusters ?? 1 }, (_, i) => `sim-${i + 1}`) : [...options.clusters];
  if (names.length === 0) throw new Error('at least one cluster is required');
  const timing = { ...DEFAULT_TIMING, ...options.timing };
  const endpoints = new Map<string, SimEndpoint>();
  const controllers = new Map<string, Controllers>();
  for (const name of names) {
    const cluster = new SimCluster(name, options.cluster);
    if (options.controllers !== false) controllers.set(name, new Controllers(cluster, timing));
    endpoints.set(name, { cluster, token: `sim-token-${name}`, certCommonName: CLIENT_CERT_CN, faults: faultsSchema.parse(options.faults?.[name] ?? {}), requests: new Map() });
  }
  const endpoint = (name: string): SimEndpoint => {
    const ep = endpoints.get(name);
    if (ep === undefined) throw new Error(`no simulated cluster named ${name}`);
    return ep;
  };
  const seed = (name: string, spec: unknown): { objects: number; resourceVersion: number } => seedCluster(endpoint(name).cluster, controllers.get(name), spec as SeedSpec);
  const api = new HttpApi(endpoints, { bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5000, defaultCluster: names[0] ?? '', seed });
  const useTls = options.tls === true || options.auth === 'cert';
  const pki = useTls ? createPki() : undefined;
  // Over TLS the simulator speaks HTTP/2 (what kubectl and client libraries negotiate with a real
  // API server) and HTTP/1.1; plain HTTP is HTTP/1.1 only.
  const tlsOptions = pki === undefined ? undefined : { cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false };
  const server =
    tlsOptions === undefined
      ? http.createServer((req, res) => api.handle(req, res))
      : options.http2 === false
        ? https.createServer(tlsOptions, (req, res) => api.handle(req, res))
        : http2.createSecureServer({ ...tlsOptions, allowHTTP1: true }, (req, res) => api.handle(req, res));
  if (server instanceof http.Server) server.keepAliveTimeout = 65_000;
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const base = `${pki === undefined ? 'http' : 'https'}://127.0.0.1:${port}`;
  const serverUrl = (name: string): string => `${base}/clusters/${encodeURIComponent(name)}`;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const kubeconfigOf = (clusters: readonly string[]): string =>
    toYaml({
      apiVersion: 'v1',
      kind: 'Config',
      preferences: {},
      'current-context': clusters[0],
      clusters: clusters.map((name) => ({ name, cluster: { server: serverUrl(name), ...(pki === undefined ? {} : { 'certificate-authority-data': b64(pki.caCert) }) } })),
      users: clusters.map((name) => ({
        name: `${name}-user`,
        user: options.auth === 'cert' && pki !== undefined ? { 'client-certificate-data': b64(pki.clientCert), 'client-key-data': b64(pki.clientKey) } : { token: endpoint(name).token },
      })),
      contexts: clusters.map((name) => ({ name, context: { cluster: name, user: `${name}-user`, namespace: 'default' } })),
    });
  const kubeconfig = kubeconfigOf(names);
  return {
    url: base,
    kubeconfig,
    kubeconfigFor: (name) => kubeconfigOf([endpoint(name).cluster.name]),
    clusterNames: names,
    serverUrl,
    cluster: (name) => endpoint(name).cluster,
    setFaults: (name, faults) => {
      endpoint(name).faults = faultsSchema.parse(faults);
    },
    requestCount: (name, methodAndPath) => endpoint(name).requests.get(methodAndPath) ?? 0,
    seed,
    stop: async () => {
      for (const c of controllers.values()) c.stop();
      api.closeAll();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
