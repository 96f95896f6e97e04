/**
 * The infrastructure lists (`/subnets`, `/networks`, `/vpcs`, `/keyPairs`, `/instanceTypes`,
 * `/elasticIps/{account}`, `/certificates`) answered from what the AWS agents cached of the
 * simulator, in the shapes of `AmazonSubnet`, `AmazonVpc`, `AmazonKeyPair`, `AmazonInstanceType`,
 * `AmazonElasticIp` and `AmazonCertificate`; with Fiat on, a caller sees only readable accounts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllocateAddressCommand, AssociateAddressCommand, CreateKeyPairCommand, CreateTagsCommand, DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { awsAgents, runAgents, useSimCredentials } from './awsApp.js';
import { REGION, buildAwsWorld, type AwsWorld } from './awsWorld.js';

type Json = Record<string, unknown>;

describe('AWS infrastructure lists', () => {
  let sim: AwsSim;
  let app: App;
  let world: AwsWorld;
  let elasticIp = '';
  let instanceId = '';
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const get = async <T = Json[]>(url: string, headers: Record<string, string> = {}, status = 200): Promise<T> => {
    const res = await app.server.inject({ method: 'GET', url, headers });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    return JSON.parse(res.body) as T;
  };

  beforeAll(async () => {
    sim = await startAwsSim({ seed: 'demo', accounts: 1, regions: [REGION], clock });
    useSimCredentials(sim, 0);
    world = await buildAwsWorld(sim, 0);
    const creds = sim.accounts[0];
    const sdk = { endpoint: sim.endpoint, region: REGION, credentials: creds, maxAttempts: 1 };
    const ec2 = new EC2Client(sdk);
    const subnets = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    await ec2.send(new CreateTagsCommand({ Resources: [subnets[0]?.SubnetId ?? ''], Tags: [{ Key: 'immutable_metadata', Value: '{"purpose":"internal","target":"elb"}' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [subnets[1]?.SubnetId ?? ''], Tags: [{ Key: 'Name', Value: 'vpc0.external.us-east-1b' }, { Key: 'is_deprecated', Value: 'TRUE' }] }));
    await ec2.send(new CreateTagsCommand({ Resources: [world.vpcId], Tags: [{ Key: 'Name', Value: 'vpc0' }] }));
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
    instanceId = (await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }))).Reservations?.[0]?.Instances?.[0]?.InstanceId ?? '';
    const address = await ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    elasticIp = address.PublicIp ?? '';
    await ec2.send(new AssociateAddressCommand({ AllocationId: address.AllocationId, InstanceId: instanceId }));
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=myapp.example.com'], { stdio: 'ignore' });
      const iam = new IAMClient({ ...sdk, region: 'us-east-1' });
      for (const name of ['Zeta-cert', 'alpha-cert']) {
        await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: readFileSync(join(dir, 'cert.pem'), 'utf8'), PrivateKey: readFileSync(join(dir, 'key.pem'), 'utf8') }));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      aws: { endpoint: sim.endpoint, accounts: [{ name: 'prod', accountId: creds?.accountId, regions: [REGION], maxAttempts: 5 }] },
    });
    app = await createApp({ config, clock, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    await runAgents(app, awsAgents(app, 'prod'));
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  it('schedules the elastic IP and certificate agents with upstream names and intervals', () => {
    const agents = awsAgents(app, 'prod');
    const eip = agents.find((a) => a.agentType === `prod/${REGION}/AmazonElasticIpCachingAgent`);
    expect(eip?.schedule?.intervalMs).toBe(5 * 60_000);
    expect(agents.map((a) => a.agentType)).toContain(`prod/${REGION}/AmazonCertificateCachingAgent`);
  });

  it('lists subnets as AmazonSubnet, with purpose and target from tags', async () => {
    const subnets = await get<Json[]>('/subnets');
    expect(subnets).toHaveLength(world.subnetIds.length);
    expect(await get('/subnets/aws')).toEqual(subnets);
    expect(await get('/subnets/kubernetes')).toEqual([]);
    const byId = new Map(subnets.map((s) => [s.id, s]));
    expect(byId.get(world.subnetIds[0])).toEqual({
      type: 'aws',
      id: world.subnetIds[0],
      state: 'available',
      vpcId: world.vpcId,
      cidrBlock: expect.any(String),
      availableIpAddressCount: expect.any(Number),
      account: 'prod',
      accountId: sim.accounts[0]?.accountId,
      region: REGION,
      availabilityZone: expect.stringMatching(/^us-east-1[a-z]$/),
      purpose: 'internal',
      target: 'elb',
      deprecated: false,
    });
    // A three-part name tag gives `{middle} ({first})`; is_deprecated reads like Java's Boolean.
    expect(byId.get(world.subnetIds[1])).toMatchObject({ purpose: 'external (vpc0)', target: null, deprecated: true });
  });

  it('lists VPCs under /networks (keyed by provider), /networks/aws and /vpcs', async () => {
    const expected = { cloudProvider: 'aws', id: world.vpcId, name: 'vpc0', account: 'prod', region: REGION, deprecated: false };
    expect(await get<Json>('/networks')).toEqual({ aws: [expected] });
    expect(await get('/networks/aws')).toEqual([expected]);
    expect(await get('/vpcs')).toEqual([expected]);
  });

  it('lists key pairs and instance types', async () => {
    expect(await get('/keyPairs')).toEqual([{ account: 'prod', region: REGION, keyName: 'ops', keyFingerprint: expect.any(String) }]);
    const types = await get<Json[]>('/instanceTypes');
    const m5 = types.find((t) => t.name === 'm5.large');
    expect(m5).toMatchObject({ account: 'prod', region: REGION, name: 'm5.large', defaultVCpus: 2, memoryInGiB: 8, supportedArchitectures: expect.arrayContaining(['x86_64']) });
    // Only AmazonInstanceType's fields: not the cached SDK bean.
    expect(Object.keys(m5 ?? {})).not.toContain('vcpuInfo');
  });

  it('lists an account’s elastic IPs, optionally of one region', async () => {
    const expected = [{ type: 'aws', address: elasticIp, domain: 'vpc', attachedToId: instanceId, accountName: 'prod', region: REGION }];
    expect(await get(`/elasticIps/prod`)).toEqual(expected);
    expect(await get(`/elasticIps/prod?region=${REGION}`)).toEqual(expected);
    expect(await get(`/elasticIps/prod?region=eu-west-1`)).toEqual([]);
    expect(await get(`/elasticIps/nobody`)).toEqual([]);
    expect(await get(`/elasticIps/p*`)).toEqual([]);
  });

  it('lists IAM server certificates sorted by name, case-insensitively', async () => {
    const certs = await get<Json[]>('/certificates');
    expect(certs.map((c) => c.serverCertificateName)).toEqual(['alpha-cert', 'Zeta-cert']);
    expect(certs[0]).toEqual({
      serverCertificateName: 'alpha-cert',
      serverCertificateId: expect.any(String),
      path: '/',
      expiration: expect.any(Number),
      arn: expect.stringMatching(/^arn:aws:iam::\d{12}:server-certificate\/alpha-cert$/),
      uploadDate: expect.any(Number),
    });
    expect((await get<Json[]>('/certificates/aws')).length).toBe(2);
    expect(await get('/certificates/kubernetes')).toEqual([]);
    expect(await app.cache('aws').getIdentifiers('certificates')).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^aws:subnets:[A-Z0-9]+:prod:${REGION}:iam$`))]));
  });
});
