/**
 * The AWS provider's caching agents and read API against the AWS simulator: an application's
 * estate is built with the SDK, the simulator converges, the agents run, and the generic read
 * endpoints (and `/aws/images`) answer what Clouddriver answers — then again with the simulator
 * throttling a third of the calls.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';
import { silentLogger } from '../../src/core/Logger.js';
import { awsAccountSchema } from '../../src/providers/aws/account/AwsAccountConfig.js';
import { AwsCredentials } from '../../src/providers/aws/account/AwsCredentials.js';
import { ClusterCachingAgent } from '../../src/providers/aws/caching/ClusterCachingAgent.js';
import { awsAgents, runAgents, useSimCredentials } from './awsApp.js';
import { APP, IMAGE_NAME, REGION, buildAwsWorld, type AwsWorld } from './awsWorld.js';

type Json = Record<string, unknown>;

describe('AWS provider: caching and reads against the simulator', () => {
  let sim: AwsSim;
  let app: App;
  let world: AwsWorld;
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));
  const get = async <T = Json>(url: string, status = 200): Promise<T> => {
    const res = await app.server.inject({ method: 'GET', url });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(status);
    return JSON.parse(res.body) as T;
  };

  beforeAll(async () => {
    sim = await startAwsSim({ seed: 'demo', accounts: 2, regions: [REGION], clock });
    useSimCredentials(sim, 0);
    world = await buildAwsWorld(sim, 0);
    const [prod, staging] = sim.accounts;
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      aws: {
        endpoint: sim.endpoint,
        accounts: [
          { name: 'prod', accountId: prod?.accountId, environment: 'production', regions: [{ name: REGION, availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] }], defaultKeyPair: 'ops', maxAttempts: 10, rateLimit: 50 },
          // Reached through STS AssumeRole with the first account's environment credentials.
          { name: 'staging', accountId: staging?.accountId, assumeRole: 'role/spinnakerManaged', regions: [REGION], maxAttempts: 10, rateLimit: 50 },
          // An account the credentials cannot reach: AssumeRole into an account that does not exist.
          { name: 'broken', accountId: '999999999999', assumeRole: 'role/spinnakerManaged', regions: [REGION], maxAttempts: 1 },
        ],
      },
    });
    app = await createApp({ config, clock, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    await runAgents(app, [...awsAgents(app, 'prod'), ...awsAgents(app, 'staging')]);
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  it('schedules Clouddriver’s agents per account and region', () => {
    const types = awsAgents(app, 'prod').map((a) => a.agentType);
    expect(types).toEqual(
      expect.arrayContaining([
        'prod/us-east-1/ClusterCachingAgent',
        'prod/us-east-1/LaunchConfigCachingAgent',
        'prod/us-east-1/AmazonLaunchTemplateCachingAgent',
        'prod/us-east-1/InstanceCachingAgent',
        'prod/us-east-1/AmazonLoadBalancerCachingAgent',
        'prod/us-east-1/AmazonApplicationLoadBalancerCachingAgent',
        'prod/us-east-1/AmazonSecurityGroupCachingAgent',
        'prod/us-east-1/ImageCachingAgent',
        'prod/us-east-1/ImageCachingAgent[public]',
        'prod/us-east-1/SubnetCachingAgent',
        'prod/us-east-1/VpcCachingAgent',
        'prod/us-east-1/AmazonKeyPairCachingAgent',
        'prod/us-east-1/AmazonInstanceTypeCachingAgent',
      ]),
    );
    // Public images are cached once per region, by the first account.
    expect(awsAgents(app, 'staging').map((a) => a.agentType)).not.toContain('staging/us-east-1/ImageCachingAgent[public]');
  });

  it('writes Clouddriver’s keys', async () => {
    const cache = app.cache('aws');
    expect(await cache.getIdentifiers('serverGroups')).toEqual(expect.arrayContaining([`aws:serverGroups:${APP}-prod:prod:${REGION}:${APP}-prod-v001`]));
    expect(await cache.getIdentifiers('applications')).toContain(`aws:applications:${APP}`);
    expect(await cache.getIdentifiers('clusters')).toContain(`aws:clusters:${APP}:prod:${APP}-prod`);
    expect(await cache.getIdentifiers('loadBalancers')).toEqual(expect.arrayContaining([`aws:loadBalancers:prod:${REGION}:${APP}-frontend:${world.vpcId}:application`, `aws:loadBalancers:prod:${REGION}:${APP}-classic:${world.vpcId}`]));
    expect(await cache.getIdentifiers('targetGroups')).toContain(`aws:targetGroups:prod:${REGION}:${APP}-prod-tg:instance:${world.vpcId}`);
    expect(await cache.getIdentifiers('securityGroups')).toContain(`aws:securityGroups:${APP}:${world.appGroupId}:${REGION}:prod:${world.vpcId}`);
    expect(await cache.getIdentifiers('images')).toContain(`aws:images:prod:${REGION}:${world.imageId}`);
    expect(await cache.getIdentifiers('namedImages')).toContain(`aws:namedImages:prod:${IMAGE_NAME}`);
    expect((await cache.getIdentifiers('subnets')).filter((k) => k.includes(':prod:'))).toHaveLength(3);
    expect((await cache.getIdentifiers('instanceTypes')).length).toBeGreaterThan(10);
    // The assumed-role account sees its own (empty) estate: only its default VPC's subnets.
    expect((await cache.getIdentifiers('subnets')).filter((k) => k.includes(':staging:'))).toHaveLength(3);
    expect((await cache.getIdentifiers('serverGroups')).filter((k) => k.includes(':staging:'))).toHaveLength(0);
  });

  it('lists the application with its clusters by account', async () => {
    const apps = await get<{ name: string; clusterNames: Record<string, string[]> }[]>('/applications');
    expect(apps).toEqual([expect.objectContaining({ name: APP, clusterNames: { prod: [`${APP}-prod`] } })]);
    const one = await get<{ attributes: Json; clusters: Record<string, { name: string; provider: string; serverGroups: string[]; loadBalancers: string[] }[]> }>(`/applications/${APP}`);
    expect(one.attributes.cloudProviders).toBe('aws');
    expect(one.clusters.prod).toEqual([{ name: `${APP}-prod`, provider: 'aws', serverGroups: expect.arrayContaining([`${APP}-prod-v000`, `${APP}-prod-v001`]), loadBalancers: [`${APP}-classic`] }]);
  });

  it('serves server group summaries with instances, health and isDisabled', async () => {
    const groups = await get<Json[]>(`/applications/${APP}/serverGroups`);
    const v001 = groups.find((g) => g.name === `${APP}-prod-v001`);
    const v000 = groups.find((g) => g.name === `${APP}-prod-v000`);
    expect(v001).toMatchObject({
      account: 'prod',
      region: REGION,
      cluster: `${APP}-prod`,
      application: APP,
      type: 'aws',
      cloudProvider: 'aws',
      vpcId: world.vpcId,
      instanceType: 't3.micro',
      isDisabled: false,
      capacity: { min: 1, max: 4, desired: 2 },
      loadBalancers: [`${APP}-classic`],
      targetGroups: [`${APP}-prod-tg`],
      securityGroups: [world.appGroupId],
      moniker: { app: APP, cluster: `${APP}-prod`, stack: 'prod', sequence: 1 },
      buildInfo: { package_name: APP, version: '1.0.0', commit: 'abc1234', jenkins: { name: 'myapp-build', number: '12' } },
      instanceCounts: { total: 2, up: 2, down: 0 },
    });
    const instances = v001?.instances as Json[];
    expect(instances).toHaveLength(2);
    expect(instances[0]).toMatchObject({ id: expect.stringMatching(/^i-/), healthState: 'Up', availabilityZone: expect.stringMatching(/^us-east-1[abc]$/) });
    expect((instances[0]?.health as Json[]).map((h) => h.type).sort()).toEqual(['Amazon', 'LoadBalancer', 'TargetGroup']);
    expect(v000).toMatchObject({ isDisabled: true, capacity: { desired: 1 } });
    // Filtered by cluster.
    expect(await get<Json[]>(`/applications/${APP}/serverGroups?clusters=prod:nothing`)).toEqual([]);
  });

  it('serves the full server group with its launch template, image, scaling policies and alarms', async () => {
    const sg = await get<Json>(`/serverGroups/prod/${REGION}/${APP}-prod-v001`);
    expect(sg).toMatchObject({ name: `${APP}-prod-v001`, region: REGION, disabled: false, zones: expect.arrayContaining([`${REGION}a`]), subnetType: null });
    expect(sg.asg).toMatchObject({ autoScalingGroupName: `${APP}-prod-v001`, minSize: 1, maxSize: 4, desiredCapacity: 2, vpczoneIdentifier: world.subnetIds.join(','), suspendedProcesses: [] });
    expect(sg.launchTemplate).toMatchObject({ launchTemplateName: `${APP}-prod-v001`, versionNumber: 1, launchTemplateData: { imageId: world.imageId, instanceType: 't3.micro' } });
    expect(sg.image).toMatchObject({ imageId: world.imageId, name: IMAGE_NAME });
    const policies = sg.scalingPolicies as Json[];
    expect(policies).toEqual([expect.objectContaining({ policyName: 'scale-up', adjustmentType: 'ChangeInCapacity', alarms: [expect.objectContaining({ alarmName: `${APP}-prod-v001-cpu-high`, threshold: 80 })] })]);
    expect(typeof sg.createdTime).toBe('number');
    const instance = (sg.instances as Json[])[0];
    expect(instance).toMatchObject({ instanceType: 't3.micro', imageId: world.imageId, healthState: 'Up', serverGroup: `${APP}-prod-v001`, state: { name: 'running', code: 16 } });
    await get(`/serverGroups/prod/${REGION}/nothing-v001`, 404);
  });

  it('serves clusters and target coordinates', async () => {
    const summaries = await get<Json[]>(`/applications/${APP}/clusters/prod`);
    expect(summaries).toEqual([expect.objectContaining({ name: `${APP}-prod`, account: 'prod', serverGroups: expect.arrayContaining([`${APP}-prod-v001`]) })]);
    const clusters = await get<Json[]>(`/applications/${APP}/clusters/prod/${APP}-prod`);
    expect(clusters[0]).toMatchObject({ name: `${APP}-prod`, type: 'aws', accountName: 'prod' });
    expect((clusters[0]?.serverGroups as Json[]).map((g) => g.name).sort()).toEqual([`${APP}-prod-v000`, `${APP}-prod-v001`]);
    const largest = await get<Json>(`/applications/${APP}/clusters/prod/${APP}-prod/aws/${REGION}/serverGroups/target/largest`);
    expect(largest.name).toBe(`${APP}-prod-v001`);
  });

  it('serves an instance with its health', async () => {
    const sg = await get<{ instances: { id: string }[] }>(`/applications/${APP}/serverGroups`).then((g) => (g as unknown as Json[]).find((x) => x.name === `${APP}-prod-v001`) as { instances: { id: string }[] });
    const id = sg.instances[0]?.id ?? '';
    const instance = await get<Json>(`/instances/prod/${REGION}/${id}`);
    expect(instance).toMatchObject({ name: id, instanceId: id, cloudProvider: 'aws', healthState: 'Up', zone: expect.stringMatching(/^us-east-1/) });
    const tg = (instance.health as Json[]).find((h) => h.type === 'TargetGroup');
    expect(tg).toMatchObject({ state: 'Up', targetGroups: [expect.objectContaining({ name: `${APP}-prod-tg`, state: 'healthy' })] });
    await get(`/instances/prod/${REGION}/i-0000000000000000`, 404);
  });

  it('serves the application’s load balancers, classic and v2, with their server groups', async () => {
    const lbs = await get<Json[]>(`/applications/${APP}/loadBalancers`);
    const alb = lbs.find((l) => l.name === `${APP}-frontend`);
    const classic = lbs.find((l) => l.name === `${APP}-classic`);
    expect(alb).toMatchObject({ type: 'aws', loadBalancerType: 'application', account: 'prod', region: REGION, vpcId: world.vpcId });
    expect(alb?.targetGroups).toEqual([expect.objectContaining({ name: `${APP}-prod-tg`, serverGroups: expect.arrayContaining([expect.objectContaining({ name: `${APP}-prod-v001`, isDisabled: false })]) })]);
    expect((alb?.listeners as Json[])[0]).toMatchObject({ port: 80, protocol: 'HTTP' });
    expect(classic).toMatchObject({ loadBalancerType: 'classic', vpcId: world.vpcId });
    const v001 = (classic?.serverGroups as Json[]).find((g) => g.name === `${APP}-prod-v001`);
    expect((v001?.instances as Json[])[0]).toMatchObject({ health: { state: 'Up', type: 'LoadBalancer' } });
    const tree = await get<{ name: string; accounts: { name: string; regions: { name: string; loadBalancers: Json[] }[] }[] }[]>('/aws/loadBalancers');
    expect(tree.map((t) => t.name).sort()).toEqual([`${APP}-classic`, `${APP}-frontend`]);
    expect(tree.find((t) => t.name === `${APP}-frontend`)?.accounts[0]?.regions[0]).toMatchObject({ name: REGION, loadBalancers: [expect.objectContaining({ loadBalancerType: 'application', vpcId: world.vpcId })] });
    const details = await get<Json[]>(`/aws/loadBalancers/prod/${REGION}/${APP}-frontend`);
    expect(details[0]).toMatchObject({ name: `${APP}-frontend`, dnsname: expect.stringContaining('elb.amazonaws.com') });
  });

  it('serves security groups with ingress rules naming the peer group', async () => {
    const tree = await get<Record<string, Record<string, Record<string, { name: string; id: string }[]>>>>('/securityGroups');
    expect(tree.prod?.aws?.[REGION]?.map((s) => s.name).sort()).toEqual(['default', APP, `${APP}-elb`]);
    expect(tree.staging?.aws?.[REGION]?.map((s) => s.name)).toEqual(['default']);
    const sg = await get<Json>(`/securityGroups/prod/aws/${REGION}/${APP}`);
    expect(sg).toMatchObject({ id: world.appGroupId, name: APP, vpcId: world.vpcId, accountName: 'prod', application: APP });
    expect(sg.inboundRules).toEqual([
      { protocol: 'tcp', securityGroup: expect.objectContaining({ id: world.elbGroupId, name: `${APP}-elb`, accountName: 'prod', vpcId: world.vpcId }), portRanges: [{ startPort: 8080, endPort: 8080 }, { startPort: 7001, endPort: 7002 }] },
    ]);
    const byId = await get<Json>(`/securityGroups/prod/aws/${REGION}/${world.elbGroupId}`);
    expect(byId.inboundRules).toEqual([expect.objectContaining({ protocol: 'tcp', range: { ip: '0.0.0.0', cidr: '/0' } })]);
  });

  it('searches the cache by key as Clouddriver’s CATS search does', async () => {
    const sgs = await get<{ platform: string; totalMatches: number; results: Json[] }[]>(`/search?q=${APP}-prod-v00&type=serverGroups`);
    expect(sgs[0]?.platform).toBe('aws');
    expect(sgs[0]?.results).toEqual(
      expect.arrayContaining([expect.objectContaining({ provider: 'aws', type: 'serverGroups', serverGroup: `${APP}-prod-v001`, account: 'prod', region: REGION, application: APP, cluster: `${APP}-prod`, stack: 'prod', sequence: '1' })]),
    );
    const instances = await get<{ results: Json[] }[]>('/search?q=i-&type=instances');
    expect(instances[0]?.results.length).toBe(3);
    expect(instances[0]?.results[0]).toMatchObject({ type: 'instances', instanceId: expect.stringMatching(/^i-/), application: APP, serverGroup: expect.stringMatching(/^myapp-prod-v00/) });
    const lbs = await get<{ results: Json[] }[]>(`/search?q=frontend&type=loadBalancers`);
    expect(lbs[0]?.results).toEqual([expect.objectContaining({ loadBalancer: `${APP}-frontend`, loadBalancerType: 'application', vpcId: world.vpcId })]);
    const groups = await get<{ results: Json[] }[]>(`/search?q=${APP}-elb&type=securityGroups`);
    expect(groups[0]?.results).toEqual([expect.objectContaining({ name: `${APP}-elb`, id: world.elbGroupId, url: `/securityGroups/prod/aws/${APP}-elb?region=${REGION}` })]);
    expect((await get<{ results: Json[] }[]>(`/search?q=${APP}&type=applications`))[0]?.results).toEqual([expect.objectContaining({ application: APP, name: APP })]);
    expect((await get<{ results: Json[] }[]>(`/search?q=prod&type=clusters`))[0]?.results).toEqual([expect.objectContaining({ cluster: `${APP}-prod`, account: 'prod', application: APP, stack: 'prod' })]);
    expect((await get<{ results: Json[] }[]>(`/search?q=nothing-like-this&type=serverGroups`))[0]).toMatchObject({ totalMatches: 0, results: [] });
  });

  it('finds images by name, by id, and refuses short queries', async () => {
    const found = await get<{ imageName: string; amis: Record<string, string[]>; accounts: string[]; tags: Json; attributes: Json }[]>('/aws/images/find?q=myapp-1.0');
    expect(found).toEqual([expect.objectContaining({ imageName: IMAGE_NAME, amis: { [REGION]: [world.imageId] }, accounts: ['prod'], attributes: expect.objectContaining({ virtualizationType: 'hvm' }) })]);
    const byAmi = await get<{ imageName: string; tags: Json }[]>(`/aws/images/find?q=${world.imageId}`);
    expect(byAmi).toEqual([expect.objectContaining({ imageName: IMAGE_NAME, tags: expect.objectContaining({ appversion: expect.stringContaining('myapp-1.0.0') }) })]);
    const publicOnes = await get<{ imageName: string }[]>('/aws/images/find?q=al2023&region=us-east-1');
    expect(publicOnes.length).toBeGreaterThan(0);
    const refused = await get<{ message: string }>('/aws/images/find?q=ab', 400);
    expect(refused.message).toContain('Minimum of 3 characters');
    await get('/aws/images/find?q=ami-12', 400);
    const one = await get<{ imageName: string }[]>(`/aws/images/prod/${REGION}/${world.imageId}`);
    expect(one[0]?.imageName).toBe(IMAGE_NAME);
    await get(`/aws/images/prod/${REGION}/ami-0123456789abcdef0`, 404);
  });

  it('shows the accounts in /credentials without any secret', async () => {
    const res = await app.server.inject({ method: 'GET', url: '/credentials?expand=true' });
    const body = res.body;
    expect(body).not.toContain(sim.accounts[0]?.secretAccessKey ?? 'x');
    expect(body).not.toContain(sim.accounts[0]?.accessKeyId ?? 'x');
    const prod = (JSON.parse(body) as Json[]).find((a) => a.name === 'prod');
    expect(prod).toMatchObject({ type: 'aws', accountId: sim.accounts[0]?.accountId, environment: 'production', defaultKeyPair: 'ops', regions: [expect.objectContaining({ name: REGION, availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] })] });
  });

  it('survives throttling: retried calls still fill the cache, and a scale-out shows up', async () => {
    const { AutoScalingClient, SetDesiredCapacityCommand } = await import('@aws-sdk/client-auto-scaling');
    const as = new AutoScalingClient({ endpoint: sim.endpoint, region: REGION, credentials: sim.accounts[0] ?? { accessKeyId: '', secretAccessKey: '' } });
    await as.send(new SetDesiredCapacityCommand({ AutoScalingGroupName: `${APP}-prod-v001`, DesiredCapacity: 3 }));
    as.destroy();
    sim.converge();
    sim.faults.set({ throttleRate: 0.3 });
    try {
      await runAgents(app, awsAgents(app, 'prod').filter((a) => !a.agentType.includes('InstanceType') && !a.agentType.includes('[public]')));
    } finally {
      sim.faults.clear();
    }
    const v001 = await get<Json>(`/serverGroups/prod/${REGION}/${APP}-prod-v001`);
    expect(v001.capacity).toEqual({ min: 1, max: 4, desired: 3 });
    expect(v001.instanceCounts).toMatchObject({ total: 3, up: 3 });
  }, 30_000);

  it('reports throttling it cannot retry past (the faults are real)', async () => {
    const once = new AwsCredentials(awsAccountSchema.parse({ name: 'once', regions: [REGION], maxAttempts: 1 }), sim.endpoint);
    sim.faults.set({ throttleRate: 1, services: ['autoscaling'] });
    try {
      const agent = new ClusterCachingAgent(once, REGION);
      await expect(agent.loadData({ cache: app.cache('aws'), signal: new AbortController().signal, logger: silentLogger, clock })).rejects.toMatchObject({ name: 'Throttling' });
    } finally {
      sim.faults.clear();
      await once.close();
    }
  });

  it('forgets a deleted Auto Scaling group, its instances and its cluster entry at the next run', async () => {
    const { AutoScalingClient, DeleteAutoScalingGroupCommand } = await import('@aws-sdk/client-auto-scaling');
    const as = new AutoScalingClient({ endpoint: sim.endpoint, region: REGION, credentials: sim.accounts[0] ?? { accessKeyId: '', secretAccessKey: '' } });
    const before = await get<Json>(`/serverGroups/prod/${REGION}/${APP}-prod-v000`);
    const goneId = ((before.instances as Json[])[0]?.instanceId as string | undefined) ?? '';
    await as.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: `${APP}-prod-v000`, ForceDelete: true }));
    as.destroy();
    sim.converge();
    await runAgents(app, awsAgents(app, 'prod').filter((a) => /ClusterCachingAgent|InstanceCachingAgent/.test(a.agentType)));
    await get(`/serverGroups/prod/${REGION}/${APP}-prod-v000`, 404);
    await get(`/instances/prod/${REGION}/${goneId}`, 404);
    const names = (await get<Json[]>(`/applications/${APP}/serverGroups`)).map((g) => g.name);
    expect(names).toEqual([`${APP}-prod-v001`]);
    expect((await get<{ results: Json[] }[]>(`/search?q=${APP}-prod-v000&type=serverGroups`))[0]?.results).toEqual([]);
  });

  it('refreshes a server group and a security group on demand', async () => {
    const { AutoScalingClient, CreateAutoScalingGroupCommand } = await import('@aws-sdk/client-auto-scaling');
    const { EC2Client, CreateSecurityGroupCommand } = await import('@aws-sdk/client-ec2');
    const config = { endpoint: sim.endpoint, region: REGION, credentials: sim.accounts[0] ?? { accessKeyId: '', secretAccessKey: '' } };
    const as = new AutoScalingClient(config);
    await as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: `${APP}-prod-v002`, LaunchTemplate: { LaunchTemplateName: `${APP}-prod-v001`, Version: '$Latest' }, MinSize: 1, MaxSize: 1, DesiredCapacity: 1, VPCZoneIdentifier: world.subnetIds.join(',') }));
    as.destroy();
    const ec2 = new EC2Client(config);
    const sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${APP}-batch`, Description: 'batch', VpcId: world.vpcId }))).GroupId;
    ec2.destroy();
    sim.converge();
    await get(`/serverGroups/prod/${REGION}/${APP}-prod-v002`, 404);

    const post = async (type: string, body: Json) => {
      const res = await app.server.inject({ method: 'POST', url: `/cache/aws/${type}`, payload: body });
      return { status: res.statusCode, body: JSON.parse(res.body) as Json };
    };
    const refreshed = await post('serverGroup', { account: 'prod', region: REGION, serverGroupName: `${APP}-prod-v002` });
    expect(refreshed).toEqual({ status: 200, body: { cachedIdentifiersByType: { serverGroups: [`aws:serverGroups:${APP}-prod:prod:${REGION}:${APP}-prod-v002`] } } });
    const v002 = await get<Json>(`/serverGroups/prod/${REGION}/${APP}-prod-v002`);
    expect(v002.instances).toHaveLength(1);
    const sg = await post('securityGroup', { account: 'prod', region: REGION, securityGroupName: `${APP}-batch` });
    expect(sg.body).toEqual({ cachedIdentifiersByType: { securityGroups: [`aws:securityGroups:${APP}-batch:${sgId}:${REGION}:prod:${world.vpcId}`] } });
    expect((await post('serverGroup', { account: 'prod', region: REGION })).status).toBe(400);
    expect((await post('widgets', { account: 'prod', region: REGION, name: 'x' })).status).toBe(400);
    expect((await post('serverGroup', { account: 'nobody', region: REGION, serverGroupName: 'x' })).status).toBe(404);
  });

  it('reports each account’s agents in /health, a failing account without taking the service down', async () => {
    const cluster = awsAgents(app, 'broken').find((a) => a.agentType === `broken/${REGION}/ClusterCachingAgent`);
    expect(cluster).toBeDefined();
    await expect(runAgents(app, cluster ? [cluster] : [])).rejects.toMatchObject({ name: 'AccessDenied' });
    const res = await app.server.inject({ method: 'GET', url: '/health' });
    const health = JSON.parse(res.body) as { status: string; components: { aws: { status: string; details: Record<string, { state: string; lastError?: string }> } } };
    expect(health.components.aws.status).toBe('UP');
    expect(health.components.aws.details.prod?.state).toBe('ok');
    expect(health.components.aws.details.broken).toMatchObject({ state: 'failing', lastError: expect.stringContaining(`broken/${REGION}/ClusterCachingAgent: AccessDenied`) });
  });
});
