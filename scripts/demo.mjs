#!/usr/bin/env node
/**
 * `npm run demo`: the service working on something, for a newcomer. Starts the Kubernetes API
 * simulator (`npm run kube-sim`: two clusters seeded with a few Spinnaker applications, and
 * controllers, so what kubectl applies comes alive), then the service as `npm start` runs it
 * (`node dist/main.js`) with one account per simulated cluster, waits until every account is
 * cached, and prints the service's address, example URLs and a kubectl line. Ctrl-C or SIGTERM
 * stops the service (drained as usual), then the simulator, and removes the demo's files.
 *
 *   npm run demo [-- --port 7002]        (PORT=... works too; the default is 7002)
 *
 * Plain JavaScript orchestrating the two processes a user would start by hand; only the
 * simulator needs the TypeScript loader (a dev dependency: the demo is a development tool).
 * AWS is left out until the service has an AWS provider (`npm run aws-sim` runs on its own).
 */
/* global URL, fetch */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { port: { type: 'string' } } });
const port = Number(values.port ?? process.env.PORT ?? 7002);
const say = (line = '') => process.stdout.write(`${line}\n`);

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dir = mkdtempSync(join(tmpdir(), 'clouddriver-demo-'));
const kubeconfig = join(dir, 'kubeconfig.yaml');
const configFile = join(dir, 'clouddriver.yml');
const logFile = join(dir, 'service.log');
const children = [];
let stopping;

/** Each child in its own process group: Ctrl-C reaches the demo alone, which stops them in order. */
function start(args, stdout) {
  const child = spawn(process.execPath, args, { cwd: root, detached: true, stdio: ['ignore', stdout, stdout === 'pipe' ? 'inherit' : stdout] });
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  children.push(child);
  return child;
}

async function stopChild(child, what) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const outcome = await Promise.race([child.exited, sleep(30_000).then(() => 'timeout')]);
  if (outcome === 'timeout') {
    say(`${what} did not stop within 30 s; killing it`);
    child.kill('SIGKILL');
  }
}

function shutdown(code) {
  stopping ??= (async () => {
    say('\nstopping the service and the simulator...');
    const [sim, service] = children;
    if (service !== undefined) await stopChild(service, 'the service');
    if (sim !== undefined) await stopChild(sim, 'the simulator');
    rmSync(dir, { recursive: true, force: true });
    say('demo stopped');
    process.exit(code);
  })();
  return stopping;
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function fail(message) {
  say(`demo: ${message}`);
  return shutdown(1);
}

// 1. The simulator: its first output line says where it listens and which clusters it serves.
const sim = start(['--import', 'tsx', 'src/testing/kubeSim/cli.ts', '--port', '0', '--kubeconfig', kubeconfig, '--seed', 'demo', '--clusters', '2'], 'pipe');
const first = await Promise.race([new Promise((resolve) => createInterface({ input: sim.stdout }).once('line', resolve)), sim.exited.then(() => undefined)]);
if (first === undefined) await fail('the Kubernetes simulator did not start');
const { url: simUrl, clusters } = JSON.parse(first);
sim.stdout.resume();

// 2. The service, one Kubernetes account per simulated cluster, logging to a file.
writeFileSync(
  configFile,
  [
    'storage:',
    `  sqlite: { path: ${JSON.stringify(join(dir, 'clouddriver.db'))} }`,
    'kubernetes:',
    '  accounts:',
    ...clusters.flatMap((name) => [`    - name: ${name}`, `      kubeconfigFile: ${JSON.stringify(kubeconfig)}`, `      context: ${name}`]),
    '',
  ].join('\n'),
);
const service = start(['dist/main.js', '--config', configFile], openSync(logFile, 'a'));
void service.exited.then((code) => {
  if (stopping === undefined) void fail(`the service exited (${code}); its log:\n${readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`);
});

// 3. Wait until every account is cached (its watches running), then show where to look.
const base = `http://127.0.0.1:${port}`;
const getJson = async (path) => (await fetch(`${base}${path}`)).json();
const deadline = Date.now() + 120_000;
for (;;) {
  const health = await getJson('/health').catch(() => undefined);
  const accounts = health?.components?.kubernetes?.details ?? {};
  if (clusters.every((name) => accounts[name]?.state === 'watching')) break;
  if (Date.now() > deadline) await fail(`the accounts were not cached within 2 minutes (service log: ${logFile})`);
  await sleep(200);
}
const applications = (await getJson('/applications')).map((a) => a.name).sort();
const app = applications[0] ?? 'demo0';
const hasConsole = (await fetch(`${base}/console`).catch(() => undefined))?.status === 200;

say('');
say(`clouddriver demo running at ${base}`);
say('');
say(`  accounts      ${clusters.join(', ')} (Kubernetes, simulated at ${simUrl})`);
say(`  applications  ${applications.join(', ')}`);
if (hasConsole) say(`  console       ${base}/console`);
say('');
say('  try:');
say(`    curl ${base}/applications`);
say(`    curl ${base}/applications/${app}/clusters`);
say(`    curl ${base}/applications/${app}/serverGroups`);
say(`    curl ${base}/credentials`);
say(`    curl '${base}/search?q=${app}&type=serverGroups'`);
say(`    curl ${base}/health`);
say(`    KUBECONFIG=${kubeconfig} kubectl --context ${clusters[0]} get deployments -A`);
say('');
say(`  service log   ${logFile}`);
say('  Ctrl-C stops everything');
