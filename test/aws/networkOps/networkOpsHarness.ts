/**
 * The service in-process with two AWS accounts on a fresh AWS simulator, for the network
 * operation tests: `prod` (the simulator's first account, reached with the environment's keys)
 * and `staging` (the second, reached through STS AssumeRole). Operations go through
 * `POST /aws/ops` and `GET /task/{id}` with Fastify's `inject()`; SDK clients per simulator
 * account check the outcome as AWS reports it.
 */
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { pino } from 'pino';
import { expect } from 'vitest';
import { createApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/loadConfig.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { startAwsSim, type AwsSim } from '../../../src/testing/awsSim/index.js';
import { waitFor } from '../../helpers/waitFor.js';
import { useSimCredentials } from '../awsApp.js';

export const REGION = 'us-east-1';
export const ZONES = [`${REGION}a`, `${REGION}b`, `${REGION}c`];

/** The `/task/{id}` JSON Orca reads. */
export interface TaskJson {
  id: string;
  history: { phase: string; status: string }[];
  resultObjects: Record<string, unknown>[];
  status: { completed: boolean; failed: boolean; retryable: boolean; phase: string; status: string };
}

export interface SdkClients {
  readonly ec2: EC2Client;
  readonly elb: ElasticLoadBalancingClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
}

export interface NetworkOpsHarness {
  readonly app: App;
  readonly sim: AwsSim;
  readonly clock: ManualClock;
  /** SDK clients of simulator account 0 (`prod`) and 1 (`staging`). */
  readonly prod: SdkClients;
  readonly staging: SdkClients;
  get<T = Record<string, unknown>>(url: string, status?: number): Promise<T>;
  /** `POST /aws/ops` with one operation; resolves with the finished task (fails on a 4xx). */
  run(name: string, description: Record<string, unknown>): Promise<TaskJson>;
  /** `POST /aws/ops` with several operations in one request (Orca's multi-op tasks). */
  runAll(ops: readonly Record<string, Record<string, unknown>>[]): Promise<TaskJson>;
  /** Expects a 400 whose `errors[]` mention every `expected` text, and no task. */
  refused(name: string, description: unknown, ...expected: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

function clientsFor(sim: AwsSim, account: number): SdkClients {
  const creds = sim.accounts[account];
  if (creds === undefined) throw new Error('no such simulator account');
  const config = { endpoint: sim.endpoint, region: REGION, credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey }, maxAttempts: 1 };
  return {
    ec2: new EC2Client(config),
    elb: new ElasticLoadBalancingClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    autoScaling: new AutoScalingClient(config),
    cloudWatch: new CloudWatchClient(config),
  };
}

export async function startNetworkOpsApp(): Promise<NetworkOpsHarness> {
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const sim = await startAwsSim({ seed: 'demo', accounts: 2, regions: [REGION], clock });
  useSimCredentials(sim, 0);
  const [prodSim, stagingSim] = sim.accounts;
  const config = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    storage: { cache: 'memory', tasks: 'memory' },
    aws: {
      endpoint: sim.endpoint,
      accounts: [
        { name: 'prod', accountId: prodSim?.accountId, regions: [{ name: REGION, availabilityZones: ZONES }], maxAttempts: 3, rateLimit: 0 },
        { name: 'staging', accountId: stagingSim?.accountId, assumeRole: 'role/spinnakerManaged', regions: [{ name: REGION, availabilityZones: ZONES }], maxAttempts: 3, rateLimit: 0 },
      ],
    },
  });
  const app = await createApp({ config, clock, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
  await app.server.ready();
  const prod = clientsFor(sim, 0);
  const staging = clientsFor(sim, 1);

  const get = async <T>(url: string, status = 200): Promise<T> => {
    const res = await app.server.inject({ method: 'GET', url });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    return JSON.parse(res.body) as T;
  };
  const runAll = async (ops: readonly Record<string, Record<string, unknown>>[]): Promise<TaskJson> => {
    const res = await app.server.inject({ method: 'POST', url: '/aws/ops', payload: ops as unknown as Record<string, unknown>[] });
    if (res.statusCode !== 200) throw new Error(`${Object.keys(ops[0] ?? {}).join()} was refused (${res.statusCode}): ${res.body}`);
    const { id } = JSON.parse(res.body) as { id: string };
    return waitFor(async () => {
      const task = await get<TaskJson>(`/task/${id}`);
      if (!task.status.completed) throw new Error(`task ${id} still running: ${task.status.status}`);
      return task;
    }, 30_000, 10);
  };
  const refused = async (name: string, description: unknown, ...expected: string[]): Promise<string[]> => {
    const requestId = `refused-${Math.random().toString(36).slice(2)}`;
    const res = await app.server.inject({ method: 'POST', url: `/aws/ops?clientRequestId=${requestId}`, payload: [{ [name]: description }] });
    expect(res.statusCode, res.body).toBe(400);
    const errors = (JSON.parse(res.body) as { errors?: string[] }).errors ?? [];
    for (const e of expected) expect(errors.join('\n')).toContain(e);
    expect(await app.tasks.getByRequestId(requestId)).toBeUndefined();
    return errors;
  };
  return {
    app,
    sim,
    clock,
    prod,
    staging,
    get,
    run: (name, description) => runAll([{ [name]: description }]),
    runAll,
    refused,
    async stop() {
      for (const c of [prod, staging]) for (const client of Object.values(c)) (client as { destroy(): void }).destroy();
      await app.stop();
      await sim.close();
    },
  };
}

/** The task's status lines of one phase. */
export function statusLines(task: TaskJson, phase?: string): string[] {
  return task.history.filter((h) => phase === undefined || h.phase === phase).map((h) => h.status);
}

/** Fails with the task's history when it did not succeed. */
export function expectSucceeded(task: TaskJson): TaskJson {
  expect(task.status.failed, JSON.stringify({ history: task.history, results: task.resultObjects }, null, 1)).toBe(false);
  return task;
}
