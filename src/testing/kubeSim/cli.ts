/**
 * `npm run kube-sim -- --port N --kubeconfig OUT.yaml [--seed FILE|demo] [--clusters K]
 *  [--plain-http] [--auth token|cert] [--faults FILE] [--metrics-server]`: runs the simulator until
 *  SIGINT/SIGTERM.
 * HTTPS by default (kubectl sends bearer tokens only over TLS).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startKubeSim } from './index.js';
import type { Faults, SeedSpec } from './index.js';

const DEMO_SEED: SeedSpec = { namespaces: 2, deployments: 3, podsPerDeployment: 2, applications: 2, appPrefix: 'demo' };

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      kubeconfig: { type: 'string' },
      seed: { type: 'string' },
      clusters: { type: 'string', default: '1' },
      'plain-http': { type: 'boolean', default: false },
      auth: { type: 'string', default: 'token' },
      faults: { type: 'string' },
      'metrics-server': { type: 'boolean', default: false },
    },
  });
  const auth = values.auth === 'cert' ? 'cert' : 'token';
  const faults = values.faults === undefined ? undefined : (parseYaml(readFileSync(values.faults, 'utf8')) as Record<string, Faults>);
  const sim = await startKubeSim({ port: Number(values.port), clusters: Number(values.clusters), tls: !values['plain-http'], auth, cluster: { metricsServer: values['metrics-server'] }, ...(faults === undefined ? {} : { faults }) });
  if (values.seed !== undefined) {
    const spec = values.seed === 'demo' ? DEMO_SEED : (parseYaml(readFileSync(values.seed, 'utf8')) as SeedSpec);
    for (const name of sim.clusterNames) sim.seed(name, spec);
  }
  if (values.kubeconfig !== undefined) writeFileSync(values.kubeconfig, sim.kubeconfig, { mode: 0o600 });
  process.stdout.write(`${JSON.stringify({ msg: 'kube-sim listening', url: sim.url, clusters: sim.clusterNames, kubeconfig: values.kubeconfig ?? null })}\n`);
  if (values.kubeconfig === undefined) process.stdout.write(sim.kubeconfig);
  const shutdown = (): void => {
    void sim.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`kube-sim: ${(e as Error).message}\n`);
  process.exit(1);
});
