/**
 * The service in-process with one AWS account (`prod`, region us-east-1) on the AWS simulator, for
 * the operation tests: `POST /aws/ops` through Fastify's `inject()`, the task polled at
 * `/task/{id}` while the simulator converges one tick per poll (the only way time passes for it),
 * and SDK clients on the same account for set-up and checks. The provider's agents run only
 * through the operations' own refresh (and `refresh()` here), never on a timer.
 */
import { pino } from 'pino';
import { expect } from 'vitest';
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateSubnetCommand, CreateTagsCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createApp, type App } from '../../../src/app.js';
import { parseConfig } from '../../../src/config/loadConfig.js';
import { ManualClock } from '../../../src/testing/ManualClock.js';
import { startAwsSim, type AwsSim } from '../../../src/testing/awsSim/index.js';
import { awsAgents, runAgents, useSimCredentials } from '../awsApp.js';
import { REGION, buildAwsWorld, type AwsWorld } from '../awsWorld.js';

export const ACCOUNT = 'prod';
export { REGION };

export interface TaskJson {
  id: string;
  history: { phase: string; status: string }[];
  resultObjects: Record<string, unknown>[];
  status: { completed: boolean; failed: boolean; retryable: boolean; phase: string; status: string };
}

export interface AwsOpsHarness {
  readonly app: App;
  readonly sim: AwsSim;
  readonly clock: ManualClock;
  readonly world: AwsWorld;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly elb: ElasticLoadBalancingClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly cloudWatch: CloudWatchClient;
  /** Subnets tagged `immutable_metadata {"purpose":"internal","target":"ec2"}` in a VPC of their own (zones a and b). */
  readonly internalSubnets: { vpcId: string; subnetIds: string[] };
  request<T = Record<string, unknown>>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Submits one operation and polls its task (ticking the simulator) until it completes. */
  runOperation(name: string, description: Record<string, unknown>): Promise<TaskJson>;
  /** A 400 whose `errors[]` mention `expected`, and no task. */
  expectRefused(name: string, description: unknown, expected: string): Promise<void>;
  /** Runs every agent of the account once (what the scheduler would do). */
  refresh(): Promise<void>;
  stop(): Promise<void>;
}

export async function startAwsOpsHarness(): Promise<AwsOpsHarness> {
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const sim = await startAwsSim({ seed: 'demo', regions: [REGION], clock });
  useSimCredentials(sim, 0);
  const world = await buildAwsWorld(sim, 0);
  const creds = sim.accounts[0];
  const sdk = { endpoint: sim.endpoint, region: REGION, credentials: creds, maxAttempts: 1 };
  const ec2 = new EC2Client(sdk);

  // An internal VPC whose subnets carry Clouddriver's purpose tag.
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnetIds: string[] = [];
  for (const [i, zone] of ['a', 'b'].entries()) {
    const id = (await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: `${REGION}${zone}` }))).Subnet?.SubnetId ?? '';
    await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'immutable_metadata', Value: '{"purpose":"internal","target":"ec2"}' }] }));
    subnetIds.push(id);
  }

  const config = parseConfig({
    server: { port: 0, host: '127.0.0.1' },
    storage: { cache: 'memory', tasks: 'memory' },
    aws: {
      endpoint: sim.endpoint,
      accounts: [{ name: ACCOUNT, accountId: creds?.accountId, environment: 'production', regions: [{ name: REGION, availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] }], maxAttempts: 8, rateLimit: 0 }],
    },
  });
  const app = await createApp({ config, clock, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
  await runAgents(app, awsAgents(app, ACCOUNT));

  const request = async <T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> => {
    const res = await app.server.inject({ method: method as 'GET', url, ...(body === undefined ? {} : { payload: body as object }) });
    return { status: res.statusCode, body: (res.body === '' ? {} : JSON.parse(res.body)) as T };
  };
  const runOperation = async (name: string, description: Record<string, unknown>): Promise<TaskJson> => {
    const submitted = await request<{ id: string }>('POST', '/aws/ops', [{ [name]: { cloudProvider: 'aws', ...description } }]);
    if (submitted.status !== 200) throw new Error(`${name} was refused (${submitted.status}): ${JSON.stringify(submitted.body)}`);
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { body } = await request<TaskJson>('GET', `/task/${submitted.body.id}`);
      if (body.status.completed) return body;
      if (Date.now() > deadline) throw new Error(`task ${body.id} still running: ${body.status.status}`);
      sim.tick();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const expectRefused = async (name: string, description: unknown, expected: string): Promise<void> => {
    const requestId = `refused-${Math.random().toString(36).slice(2)}`;
    const res = await request<{ errors?: string[] }>('POST', `/aws/ops?clientRequestId=${requestId}`, [{ [name]: description }]);
    expect(res.status, JSON.stringify(res.body)).toBe(400);
    expect((res.body.errors ?? []).join('\n')).toContain(expected);
    expect(await app.tasks.getByRequestId(requestId)).toBeUndefined();
  };
  const clients = {
    ec2,
    autoScaling: new AutoScalingClient(sdk),
    elb: new ElasticLoadBalancingClient(sdk),
    elbv2: new ElasticLoadBalancingV2Client(sdk),
    cloudWatch: new CloudWatchClient(sdk),
  };
  return {
    app,
    sim,
    clock,
    world,
    ...clients,
    internalSubnets: { vpcId, subnetIds },
    request,
    runOperation,
    expectRefused,
    refresh: () => runAgents(app, awsAgents(app, ACCOUNT)),
    async stop() {
      for (const c of Object.values(clients)) c.destroy();
      await app.stop();
      await sim.close();
    },
  };
}
