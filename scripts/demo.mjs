#!/usr/bin/env node
/**
 * `npm run demo`: the service working on something, for a newcomer. Starts the Kubernetes API
 * simulator (`npm run kube-sim`: two clusters seeded with a few Spinnaker applications, and
 * controllers, so what kubectl applies comes alive) and the AWS API simulator (`npm run aws-sim
 * -- --seed demo`, plus one application's server group behind an application load balancer),
 * then the service as `npm start` runs it (`node dist/main.js`, through scripts/start.sh) with one
 * account per simulated cluster and one AWS account on the AWS simulator (its keys in the standard
 * AWS environment variables of the service alone), waits until every account is cached, and prints the service's
 * address, example URLs and a kubectl line. Ctrl-C or SIGTERM stops the service (drained as
 * usual), then the simulators, and removes the demo's files.
 *
 *   npm run demo [-- --port 7002]        (PORT=... works too; the default is 7002)
 *
 * Plain JavaScript orchestrating the two processes a user would start by hand; only the
 * simulators need the TypeScript loader (a dev dependency: the demo is a development tool).
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
/** The AWS simulator's region, account and application (its server group is `awsdemo0-prod-v000`). */
const AWS_REGION = 'us-east-1';
const AWS_ACCOUNT = 'aws-demo';
const AWS_APP = 'awsdemo0';
let stopping;

/** Each child in its own process group: Ctrl-C reaches the demo alone, which stops them in order. */
function start(args, stdout, env = process.env, file = process.execPath) {
  const child = spawn(file, args, { cwd: root, env, detached: true, stdio: ['ignore', stdout, stdout === 'pipe' ? 'inherit' : stdout] });
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
    say('\nstopping the service and the simulators...');
    const [sim, awsSim, service] = children;
    if (service !== undefined) await stopChild(service, 'the service');
    if (awsSim !== undefined) await stopChild(awsSim, 'the AWS simulator');
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

// 1b. The AWS simulator (demo images), and one application's server group (two instances)
// behind an application load balancer and target group, written by its fleet generator.
const awsSim = start(['--import', 'tsx', 'src/testing/awsSim/cli.ts', '--port', '0', '--seed', 'demo', '--regions', AWS_REGION], 'pipe');
const awsFirst = await Promise.race([new Promise((resolve) => createInterface({ input: awsSim.stdout }).once('line', resolve)), awsSim.exited.then(() => undefined)]);
if (awsFirst === undefined) await fail('the AWS simulator did not start');
const aws = JSON.parse(awsFirst);
awsSim.stdout.resume();
const fleet = await fetch(`${aws.endpoint}/_sim/fleet`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ regions: [AWS_REGION], applications: 1, groupsPerApplication: 1, instancesPerGroup: 2, appPrefix: 'awsdemo', stack: 'prod', targetGroups: true }),
}).catch((err) => ({ ok: false, status: err.message }));
if (!fleet.ok) await fail(`the AWS simulator did not take the demo fleet (${fleet.status})`);

// 2. The service, one Kubernetes account per simulated cluster, logging to a file.
writeFileSync(
  configFile,
  [
    'storage:',
    `  sqlite: { path: ${JSON.stringify(join(dir, 'clouddriver.db'))} }`,
    'kubernetes:',
    '  accounts:',
    ...clusters.flatMap((name) => [`    - name: ${name}`, `      kubeconfigFile: ${JSON.stringify(kubeconfig)}`, `      context: ${name}`]),
    'aws:',
    `  endpoint: ${JSON.stringify(aws.endpoint)}`,
    '  accounts:',
    `    - name: ${AWS_ACCOUNT}`,
    `      accountId: ${JSON.stringify(aws.accountId)}`,
    `      regions: [${AWS_REGION}]`,
    '',
  ].join('\n'),
);
// The simulator's keys reach the service alone, through the SDK's default credential chain.
const awsEnv = { AWS_ACCESS_KEY_ID: aws.accessKeyId, AWS_SECRET_ACCESS_KEY: aws.secretAccessKey, AWS_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
const serviceEnv = { ...process.env, ...awsEnv };
delete serviceEnv.AWS_SESSION_TOKEN;
delete serviceEnv.AWS_PROFILE;
// Through the launcher `npm start` uses (scripts/start.sh: the allocator), with this node binary.
const service = start(['scripts/start.sh', 'dist/main.js', '--config', configFile], openSync(logFile, 'a'), { ...serviceEnv, CLOUDDRIVER_NODE: process.execPath }, 'sh');
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
  // AWS: cached once its server group's application is listed (its agents' first runs written).
  const awsCached = health?.components?.aws?.details?.[AWS_ACCOUNT] !== undefined && (await getJson('/applications').catch(() => [])).some((a) => a.name === AWS_APP);
  if (clusters.every((name) => accounts[name]?.state === 'watching') && awsCached) break;
  if (Date.now() > deadline) await fail(`the accounts were not cached within 2 minutes (service log: ${logFile})`);
  await sleep(200);
}
const applications = (await getJson('/applications')).map((a) => a.name).sort();
const app = applications.find((name) => name !== AWS_APP) ?? 'demo0';
const hasConsole = (await fetch(`${base}/console`).catch(() => undefined))?.status === 200;

say('');
say(`clouddriver demo running at ${base}`);
say('');
say(`  accounts      ${clusters.join(', ')} (Kubernetes, simulated at ${simUrl})`);
say(`                ${AWS_ACCOUNT} (AWS ${AWS_REGION}, simulated at ${aws.endpoint})`);
say(`  applications  ${applications.join(', ')}`);
if (hasConsole) say(`  console       ${base}/console`);
say('');
say('  try:');
say(`    curl ${base}/applications`);
say(`    curl ${base}/applications/${app}/clusters`);
say(`    curl ${base}/applications/${app}/serverGroups`);
say(`    curl ${base}/applications/${AWS_APP}/serverGroups`);
say(`    curl ${base}/aws/loadBalancers`);
say(`    curl ${base}/credentials`);
say(`    curl '${base}/search?q=${app}&type=serverGroups'`);
say(`    curl ${base}/health`);
say(`    KUBECONFIG=${kubeconfig} kubectl --context ${clusters[0]} get deployments -A`);
say('');
say(`  service log   ${logFile}`);
say('  Ctrl-C stops everything');
