/**
 * An Amazon deployment pipeline end to end, driven as Orca drives Clouddriver, against the real
 * service process (`node dist/main.js`) and the AWS simulator converging on its own timer (as AWS
 * does: nobody ticks it). Every step is checked against what the real AWS CLI describes.
 *
 * Orca's calls (orca-clouddriver): `POST /aws/ops` (`KatoService.requestOperations`) → poll
 * `GET /task/{id}` (`MonitorKatoTask`) → `POST /cache/aws/{serverGroup|loadBalancer|securityGroup}`
 * (`ServerGroupCacheForceRefreshTask` and the upsert stages' refresh tasks) → poll the read API:
 * `/applications/{app}/clusters/{account}/{cluster}/aws/serverGroups/{name}?region=` until every
 * instance is Up (`WaitForUpInstancesTask`), down (`WaitForDownInstancesTask`) or the capacity
 * matches (`WaitForCapacityMatchTask`), and the cluster until the group is gone
 * (`WaitForDestroyedServerGroupTask`). The service's agents poll AWS every 60 s, so while waiting
 * the test repeats the force refresh, as Orca's refresh task does until the cache has caught up.
 *
 * The security groups and the application load balancer are created through `upsertSecurityGroup`
 * and `upsertLoadBalancer`, as Orca's security group and load balancer stages would.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateImageCommand, CreateTagsCommand, DescribeImagesCommand, DescribeSubnetsCommand, EC2Client, RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';
import { awsCliFor, type AwsCli } from '../helpers/awsCli.js';
import { startService, type ServiceProcess } from '../helpers/serviceProcess.js';
import { waitFor } from '../helpers/waitFor.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read field by field below

const REGION = 'us-east-1';
const ZONES = [`${REGION}a`, `${REGION}b`];
const ACCOUNT = 'aws-e2e';
const APP = 'orcaapp';
const CLUSTER = `${APP}-main`;
const V000 = `${CLUSTER}-v000`;
const V001 = `${CLUSTER}-v001`;

describe('an Orca deployment pipeline on AWS, end to end', { timeout: 120_000 }, () => {
  let sim: AwsSim;
  let service: ServiceProcess;
  let cli: AwsCli;
  let vpcId = '';
  let images: { v1: string; v2: string };
  let targetGroupArn = '';

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> => {
    const res = await fetch(`${service.url}${path}`, {
      method,
      headers: { 'x-spinnaker-user': 'orca-e2e', 'x-spinnaker-execution-id': 'aws-e2e-1', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
  };

  /** KatoService.requestOperations + MonitorKatoTask: submit, poll until completed, fail on a failed task. */
  const runTask = async (operation: string, description: Json): Promise<Json> => {
    const submitted = await call('POST', '/aws/ops', [{ [operation]: { cloudProvider: 'aws', credentials: ACCOUNT, account: ACCOUNT, ...description } }]);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body.resourceUri).toBe(`/task/${submitted.body.id}`);
    const task = await waitFor(async () => {
      const { body } = await call('GET', `/task/${submitted.body.id}`);
      if (!body.status.completed) throw new Error(`task ${body.id}: ${body.status.status}`);
      return body;
    }, 60_000, 100);
    expect(task.status.failed, JSON.stringify(task.resultObjects)).toBe(false);
    expect(task.history.at(-1).status).toBe('Orchestration completed.');
    return task;
  };

  /** ServerGroupCacheForceRefreshTask. */
  const refreshServerGroup = async (name: string): Promise<void> => {
    const res = await call('POST', '/cache/aws/serverGroup', { account: ACCOUNT, region: REGION, asgName: name, serverGroupName: name, cloudProvider: 'aws' });
    expect(res.status).toBe(200);
  };

  /**
   * The server group as Orca's wait tasks read it (through the cluster), refreshed first. Target
   * health is cached by the load balancer agent, which runs every 60 s; the test refreshes the load
   * balancer too instead of waiting for that cycle.
   */
  const serverGroup = async (name: string): Promise<{ status: number; body: Json }> => {
    await refreshServerGroup(name);
    expect((await call('POST', '/cache/aws/loadBalancer', { account: ACCOUNT, region: REGION, loadBalancerName: `${APP}-frontend` })).status).toBe(200);
    return call('GET', `/applications/${APP}/clusters/${ACCOUNT}/${CLUSTER}/aws/serverGroups/${name}?region=${REGION}`);
  };

  /** WaitForUpInstancesTask: as many instances as desired, every one Up on Amazon and its target group. */
  const waitForUp = (name: string, desired: number): Promise<Json> =>
    waitFor(async () => {
      const { status, body } = await serverGroup(name);
      expect(status).toBe(200);
      expect(body.instances, JSON.stringify(body.instances)).toHaveLength(desired);
      for (const i of body.instances as Json[]) {
        expect(i.healthState, JSON.stringify(i.health)).toBe('Up');
        expect((i.health as Json[]).map((x) => x.type).sort()).toEqual(['Amazon', 'TargetGroup']);
      }
      return body;
    }, 60_000, 250);

  const targetStates = async (): Promise<Map<string, string>> => {
    const out = await cli.json<{ TargetHealthDescriptions: { Target: { Id: string }; TargetHealth: { State: string } }[] }>(['elbv2', 'describe-target-health', '--target-group-arn', targetGroupArn]);
    return new Map(out.TargetHealthDescriptions.map((t) => [t.Target.Id, t.TargetHealth.State]));
  };
  const describeGroup = async (name: string): Promise<Json | undefined> =>
    (await cli.json<{ AutoScalingGroups: Json[] }>(['autoscaling', 'describe-auto-scaling-groups', '--auto-scaling-group-names', name])).AutoScalingGroups[0];

  beforeAll(async () => {
    sim = await startAwsSim({ seed: 'demo', regions: [REGION], autoTickMs: 200 });
    const creds = sim.accounts[0];
    if (creds === undefined) throw new Error('no simulator account');
    cli = awsCliFor(sim.endpoint, creds);

    // The baker's work (not Clouddriver's): two versions of the application's image.
    const ec2 = new EC2Client({ endpoint: sim.endpoint, region: REGION, credentials: creds });
    vpcId = (await ec2.send(new DescribeSubnetsCommand({}))).Subnets?.[0]?.VpcId ?? '';
    const base = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId ?? '';
    const baker = (await ec2.send(new RunInstancesCommand({ ImageId: base, InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId ?? '';
    await waitFor(async () => expect((await cli.json<Json>(['ec2', 'describe-instances', '--instance-ids', baker])).Reservations[0].Instances[0].State.Name).toBe('running'), 10_000, 100);
    const bake = async (version: string) => {
      const id = (await ec2.send(new CreateImageCommand({ InstanceId: baker, Name: `${APP}-${version}-h1.abc1234` }))).ImageId ?? '';
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'appversion', Value: `${APP}-${version}-h1.abc1234/${APP}-build/1` }] }));
      return id;
    };
    images = { v1: await bake('1.0.0'), v2: await bake('2.0.0') };
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [baker] }));
    ec2.destroy();

    const dir = mkdtempSync(join(tmpdir(), 'cd-aws-e2e-'));
    const configPath = join(dir, 'clouddriver.yml');
    writeFileSync(
      configPath,
      [
        'storage:',
        `  sqlite: {path: ${join(dir, 'cd.db')}}`,
        'aws:',
        `  endpoint: ${sim.endpoint}`,
        '  accounts:',
        `    - {name: ${ACCOUNT}, accountId: "${creds.accountId}", regions: [{name: ${REGION}, availabilityZones: [${ZONES.join(', ')}]}]}`,
        '',
      ].join('\n'),
    );
    service = await startService({
      args: ['--config', configPath],
      env: { AWS_ACCESS_KEY_ID: creds.accessKeyId, AWS_SECRET_ACCESS_KEY: creds.secretAccessKey, AWS_EC2_METADATA_DISABLED: 'true', AWS_SESSION_TOKEN: '', AWS_PROFILE: '' },
    });
    await waitFor(async () => {
      const { body } = await call('GET', '/health');
      expect(body.components.aws.details[ACCOUNT].state).toBe('ok');
    }, 60_000, 250);
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await sim?.close();
  });

  it('creates the security groups and the application load balancer with its target group (upsert stages)', async () => {
    await runTask('upsertSecurityGroup', { region: REGION, vpcId, name: `${APP}-elb`, description: 'load balancer', ipIngress: [{ cidr: '0.0.0.0/0', ipProtocol: 'tcp', startPort: 80, endPort: 80 }] });
    await runTask('upsertSecurityGroup', { region: REGION, vpcId, name: APP, description: 'application', securityGroupIngress: [{ name: `${APP}-elb`, ipProtocol: 'tcp', startPort: 7001, endPort: 7001 }] });
    expect((await call('POST', '/cache/aws/securityGroup', { account: ACCOUNT, region: REGION, securityGroupName: APP, vpcId })).status).toBe(200);
    const lbTask = await runTask('upsertLoadBalancer', {
      loadBalancerType: 'application',
      name: `${APP}-frontend`,
      vpcId,
      availabilityZones: { [REGION]: ZONES },
      securityGroups: [`${APP}-elb`],
      targetGroups: [{ name: `${APP}-web`, protocol: 'HTTP', port: 7001, healthCheckProtocol: 'HTTP', healthCheckPath: '/health', healthCheckPort: 'traffic-port' }],
      listeners: [{ protocol: 'HTTP', port: 80, defaultActions: [{ type: 'forward', targetGroupName: `${APP}-web` }] }],
    });
    expect(lbTask.resultObjects[0].loadBalancers[REGION].name).toBe(`${APP}-frontend`);
    expect((await call('POST', '/cache/aws/loadBalancer', { account: ACCOUNT, region: REGION, loadBalancerName: `${APP}-frontend` })).status).toBe(200);

    const groups = await cli.json<{ SecurityGroups: Json[] }>(['ec2', 'describe-security-groups', '--filters', `Name=group-name,Values=${APP}`]);
    expect(groups.SecurityGroups[0]?.IpPermissions[0].UserIdGroupPairs).toHaveLength(1);
    const tgs = await cli.json<{ TargetGroups: Json[] }>(['elbv2', 'describe-target-groups', '--names', `${APP}-web`]);
    targetGroupArn = tgs.TargetGroups[0]?.TargetGroupArn;
    expect(tgs.TargetGroups[0]?.LoadBalancerArns).toHaveLength(1);
  });

  it('deploys v000 behind the target group and waits until its instances are up in the read API', async () => {
    const task = await runTask('createServerGroup', {
      application: APP,
      stack: 'main',
      amiName: `${APP}-1.0.0-h1.abc1234`,
      instanceType: 't3.micro',
      availabilityZones: { [REGION]: ZONES },
      capacity: { min: 2, max: 4, desired: 2 },
      targetGroups: [`${APP}-web`],
      securityGroups: [APP],
      healthCheckType: 'ELB',
      healthCheckGracePeriod: 600,
      strategy: '',
      type: 'createServerGroup',
    });
    // MonitorKatoTask's `deploy.server.groups` comes from `serverGroupNames`.
    expect(task.resultObjects[0].serverGroupNames).toEqual([`${REGION}:${V000}`]);
    const body = await waitForUp(V000, 2);
    expect(body).toMatchObject({ name: V000, targetGroups: [`${APP}-web`], disabled: false, buildInfo: { package_name: APP, version: '1.0.0' } });

    const asg = await describeGroup(V000);
    expect(asg).toMatchObject({ DesiredCapacity: 2, TargetGroupARNs: [targetGroupArn], HealthCheckType: 'ELB' });
    const states = await targetStates();
    for (const i of asg?.Instances as Json[]) expect(states.get(i.InstanceId)).toBe('healthy');
  });

  it('clones v000 as v001 with the new image, then disables v000: its instances leave the target group', async () => {
    const clone = await runTask('cloneServerGroup', {
      application: APP,
      stack: 'main',
      amiName: `${APP}-2.0.0-h1.abc1234`,
      availabilityZones: { [REGION]: ZONES },
      source: { account: ACCOUNT, region: REGION, asgName: V000 },
      targetHealthyDeployPercentage: 100,
    });
    expect(clone.resultObjects[0].serverGroupNames).toEqual([`${REGION}:${V001}`]);
    const body = await waitForUp(V001, 2);
    expect(body.buildInfo).toMatchObject({ version: '2.0.0' });
    const v001 = await describeGroup(V001);
    expect(v001).toMatchObject({ MinSize: 2, MaxSize: 4, DesiredCapacity: 2, TargetGroupARNs: [targetGroupArn], HealthCheckType: 'ELB' });
    const versions = await cli.json<{ LaunchTemplateVersions: Json[] }>(['ec2', 'describe-launch-template-versions', '--launch-template-id', v001?.LaunchTemplate.LaunchTemplateId]);
    expect(versions.LaunchTemplateVersions[0]?.LaunchTemplateData.ImageId).toBe(images.v2);

    const oldInstances = ((await describeGroup(V000))?.Instances as Json[]).map((i) => i.InstanceId as string);
    await runTask('disableServerGroup', { serverGroupName: V000, asgName: V000, region: REGION, regions: [REGION] });
    // WaitForDownInstancesTask: v000's instances are out of the target group in the read API ...
    await waitFor(async () => {
      const { body: sg } = await serverGroup(V000);
      expect(sg.disabled).toBe(true);
      for (const i of sg.instances as Json[]) expect(i.health.find((h: Json) => h.type === 'TargetGroup')?.state ?? 'OutOfService').not.toBe('Up');
    }, 30_000, 250);
    // ... and in AWS: deregistered (draining, then gone), while v001's stay healthy.
    await waitFor(async () => {
      const states = await targetStates();
      for (const id of oldInstances) expect(states.has(id), `${id} is ${states.get(id) ?? ''}`).toBe(false);
      for (const i of v001?.Instances as Json[]) expect(states.get(i.InstanceId)).toBe('healthy');
    }, 30_000, 500);
    expect(((await describeGroup(V000))?.SuspendedProcesses as Json[]).map((p) => p.ProcessName).sort()).toEqual(['AddToLoadBalancer', 'Launch', 'Terminate']);
  });

  it('resizes v001 and waits until the capacity matches', async () => {
    await runTask('resizeServerGroup', { serverGroupName: V001, asgName: V001, region: REGION, regions: [REGION], capacity: { min: 3, max: 5, desired: 3 } });
    await waitForUp(V001, 3);
    const { body } = await serverGroup(V001);
    expect(body.capacity).toEqual({ min: 3, max: 5, desired: 3 });
    expect(await describeGroup(V001)).toMatchObject({ MinSize: 3, MaxSize: 5, DesiredCapacity: 3 });
    expect([...(await targetStates()).values()].filter((s) => s === 'healthy')).toHaveLength(3);
  });

  it('destroys v000 and waits until it is gone from the cluster', async () => {
    const templateId = (await describeGroup(V000))?.LaunchTemplate.LaunchTemplateId as string;
    await runTask('destroyServerGroup', { serverGroupName: V000, asgName: V000, region: REGION, regions: [REGION] });
    await waitFor(async () => {
      await refreshServerGroup(V000);
      const cluster = await call('GET', `/applications/${APP}/clusters/${ACCOUNT}/${CLUSTER}/aws`);
      expect(cluster.status).toBe(200);
      expect((cluster.body.serverGroups as Json[]).map((g) => g.name)).toEqual([V001]);
    }, 60_000, 500);
    expect(await describeGroup(V000)).toBeUndefined();
    const templates = await cli.json<{ LaunchTemplates: Json[] }>(['ec2', 'describe-launch-templates']);
    expect(templates.LaunchTemplates.map((t) => t.LaunchTemplateId)).not.toContain(templateId);
    // The application still serves from v001.
    const groups = await call('GET', `/applications/${APP}/serverGroups`);
    expect(groups.body.map((g: Json) => [g.name, g.isDisabled])).toEqual([[V001, false]]);
  });
});
