/**
 * A fleet bigger than one page of every paged call the agents make per region: 120 Auto Scaling
 * groups (DescribeAutoScalingGroups pages by 100, DescribePolicies likewise), each with its own
 * launch template, 240 instances behind one ALB target group per application. Every group,
 * instance and target must reach the read API.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { parseConfig } from '../../src/config/loadConfig.js';
import { ManualClock } from '../../src/testing/ManualClock.js';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';
import { awsAgents, runAgents, useSimCredentials } from './awsApp.js';

type Json = Record<string, unknown>;
const REGION = 'us-west-2';

describe('AWS agents over more than a page of everything', () => {
  let sim: AwsSim;
  let app: App;

  beforeAll(async () => {
    sim = await startAwsSim({ regions: [REGION], clock: new ManualClock(Date.parse('2026-06-01T12:00:00Z')) });
    useSimCredentials(sim);
    expect(sim.seedFleet({ applications: 3, groupsPerApplication: 40, instancesPerGroup: 2, targetGroups: true, appPrefix: 'fleet' })).toEqual({ groups: 120, instances: 240 });
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      aws: { endpoint: sim.endpoint, accounts: [{ name: 'fleet', accountId: sim.accounts[0]?.accountId, regions: [REGION], rateLimit: 0 }] },
    });
    app = await createApp({ config, logger: pino({ level: 'silent' }) });
    await runAgents(app, awsAgents(app).filter((a) => !a.agentType.includes('InstanceType')));
  }, 30_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
  });

  it('caches every group, launch template and instance', async () => {
    const cache = app.cache('aws');
    expect(await cache.getIdentifiers('serverGroups')).toHaveLength(120);
    expect(await cache.getIdentifiers('launchTemplates')).toHaveLength(120);
    expect(await cache.getIdentifiers('instances')).toHaveLength(240);
    expect(await cache.getIdentifiers('targetGroups')).toHaveLength(3);
  });

  it('reads each application with all its server groups and healthy instances', async () => {
    const res = await app.server.inject({ method: 'GET', url: '/applications' });
    const apps = JSON.parse(res.body) as { name: string; clusterNames: Record<string, string[]> }[];
    expect(apps.map((a) => a.name)).toEqual(['fleet0', 'fleet1', 'fleet2']);
    const groups = JSON.parse((await app.server.inject({ method: 'GET', url: '/applications/fleet1/serverGroups' })).body) as Json[];
    expect(groups).toHaveLength(40);
    expect(groups.every((g) => (g.instanceCounts as Json).up === 2 && (g.targetGroups as string[])[0] === 'fleet1-tg')).toBe(true);
    const lbs = JSON.parse((await app.server.inject({ method: 'GET', url: '/applications/fleet1/loadBalancers' })).body) as Json[];
    expect(lbs).toHaveLength(1);
    expect(lbs[0]?.serverGroups as Json[]).toHaveLength(40);
  });
});
