/**
 * upsertLoadBalancer and deleteLoadBalancer through `POST /aws/ops` against the AWS simulator:
 * classic ELBs (create in zones, update listeners and attributes), application load balancers
 * (target groups with health checks and attributes, listeners with default actions and rules,
 * then a changed description converged), a network load balancer in subnets of a `subnetType`,
 * validation, and deletion (deletion protection, listeners → target groups → load balancer) —
 * checked with the SDK, the AWS CLI and the read API.
 */
import { CreateSecurityGroupCommand, CreateTagsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand, DescribeLoadBalancersCommand as DescribeClassicCommand } from '@aws-sdk/client-elastic-load-balancing';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCliFor, type AwsCli } from '../../helpers/awsCli.js';
import { REGION, ZONES, expectSucceeded, startNetworkOpsApp, statusLines, type NetworkOpsHarness } from './networkOpsHarness.js';

type Json = Record<string, unknown>;
/** ACM certificates are taken as given by the simulator. */
const CERT = `arn:aws:acm:${REGION}:123456789012:certificate/8f1c5a3e-1111-2222-3333-444455556666`;

describe('AWS load balancer operations', () => {
  let h: NetworkOpsHarness;
  let cli: AwsCli;
  let vpcId: string;
  let elbGroupId: string;
  let internalSubnets: string[];

  beforeAll(async () => {
    h = await startNetworkOpsApp();
    const subnets = (await h.prod.ec2.send(new DescribeSubnetsCommand({}))).Subnets ?? [];
    vpcId = subnets[0]?.VpcId ?? '';
    elbGroupId = (await h.prod.ec2.send(new CreateSecurityGroupCommand({ GroupName: 'myapp-elb', Description: 'lb', VpcId: vpcId }))).GroupId ?? '';
    // Two subnets marked for internal load balancers, as Spinnaker's subnet purposes are tagged.
    internalSubnets = subnets.slice(0, 2).map((s) => s.SubnetId ?? '');
    await h.prod.ec2.send(new CreateTagsCommand({ Resources: internalSubnets, Tags: [{ Key: 'immutable_metadata', Value: JSON.stringify({ purpose: 'internal', target: 'elb' }) }] }));
    const creds = h.sim.accounts[0];
    cli = awsCliFor(h.sim.endpoint, { accessKeyId: creds?.accessKeyId ?? '', secretAccessKey: creds?.secretAccessKey ?? '' }, REGION);
  }, 60_000);
  afterAll(async () => h?.stop());

  const classic = async (name: string) => (await h.prod.elb.send(new DescribeClassicCommand({ LoadBalancerNames: [name] }))).LoadBalancerDescriptions?.[0];
  const v2 = async (name: string) => (await h.prod.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }))).LoadBalancers?.[0];

  it('creates a classic load balancer in zones with listeners, health check defaults and attributes', async () => {
    const task = expectSucceeded(
      await h.run('upsertLoadBalancer', {
        credentials: 'prod',
        name: 'myapp-classic',
        vpcId,
        availabilityZones: { [REGION]: [ZONES[0], ZONES[1]] },
        securityGroups: ['myapp-elb'],
        listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalProtocol: 'HTTP', internalPort: 7001 }],
        healthCheck: 'HTTP:7001/health',
      }),
    );
    const lb = await classic('myapp-classic');
    expect(task.resultObjects).toEqual([{ loadBalancers: { [REGION]: { name: 'myapp-classic', dnsName: lb?.DNSName } } }]);
    expect(lb?.DNSName).toMatch(/elb\.amazonaws\.com$/);
    expect(statusLines(task, 'CREATE_ELB')).toEqual([
      'Initializing load balancer creation...',
      `Beginning deployment to ${REGION} in [${ZONES[0]}, ${ZONES[1]}] for myapp-classic`,
      `Setting up listeners for myapp-classic in ${REGION}...`,
      'Appending listener HTTP:80 -> HTTP:7001',
      `Creating myapp-classic in prod:${REGION}...`,
      `Configuring healthcheck for myapp-classic in ${REGION}...`,
      'Healthcheck configured.',
      `Done deploying myapp-classic to prod in ${REGION}.`,
      'Done deploying load balancers.',
    ]);
    expect(lb?.HealthCheck).toEqual({ Target: 'HTTP:7001/health', Interval: 10, Timeout: 5, UnhealthyThreshold: 2, HealthyThreshold: 10 });
    expect(lb?.SecurityGroups).toEqual([elbGroupId]);
    expect(lb?.AvailabilityZones?.sort()).toEqual([ZONES[0], ZONES[1]]);
    const attrs = (await h.prod.elb.send(new DescribeClassicAttributesCommand({ LoadBalancerName: 'myapp-classic' }))).LoadBalancerAttributes;
    expect(attrs).toMatchObject({ CrossZoneLoadBalancing: { Enabled: true }, ConnectionDraining: { Enabled: false }, ConnectionSettings: { IdleTimeout: 60 } });

    // The AWS CLI sees the same load balancer.
    const described = await cli.json<{ LoadBalancerDescriptions: Json[] }>(['elb', 'describe-load-balancers', '--load-balancer-names', 'myapp-classic']);
    expect(described.LoadBalancerDescriptions[0]).toMatchObject({ LoadBalancerName: 'myapp-classic', ListenerDescriptions: [{ Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 7001 } }] });

    const details = await h.get<Json[]>(`/aws/loadBalancers/prod/${REGION}/myapp-classic`);
    expect(details[0]).toMatchObject({ name: 'myapp-classic', dnsname: lb?.DNSName });
    const appLbs = await h.get<Json[]>('/applications/myapp/loadBalancers');
    expect(appLbs.find((l) => l.name === 'myapp-classic')).toMatchObject({ loadBalancerType: 'classic', account: 'prod', region: REGION, vpcId });
  });

  it('updates a classic load balancer: listeners replaced, draining and cross-zone changed', async () => {
    const task = expectSucceeded(
      await h.run('upsertLoadBalancer', {
        credentials: 'prod',
        name: 'myapp-classic',
        vpcId,
        availabilityZones: { [REGION]: [ZONES[0], ZONES[1]] },
        securityGroups: [elbGroupId],
        listeners: [{ externalProtocol: 'TCP', externalPort: 8443, internalPort: 8443 }],
        crossZoneBalancing: false,
        connectionDraining: true,
        deregistrationDelay: 120,
        idleTimeout: 300,
      }),
    );
    expect(statusLines(task, 'CREATE_ELB')).toContain(`Found existing load balancer named myapp-classic in ${REGION}... Using that.`);
    expect(statusLines(task, 'UPSERT_ELB')).toEqual(['Security groups updated on myapp-classic.', 'Listener removed from myapp-classic (80:HTTP:7001).', 'Listener added to myapp-classic (8443:TCP:8443).']);
    const lb = await classic('myapp-classic');
    expect(lb?.ListenerDescriptions?.map((l) => l.Listener)).toEqual([{ Protocol: 'TCP', LoadBalancerPort: 8443, InstanceProtocol: 'TCP', InstancePort: 8443 }]);
    const attrs = (await h.prod.elb.send(new DescribeClassicAttributesCommand({ LoadBalancerName: 'myapp-classic' }))).LoadBalancerAttributes;
    expect(attrs).toMatchObject({ CrossZoneLoadBalancing: { Enabled: false }, ConnectionDraining: { Enabled: true, Timeout: 120 }, ConnectionSettings: { IdleTimeout: 300 } });
  });

  it('creates an application load balancer with target groups, listeners and rules', async () => {
    const task = expectSucceeded(
      await h.run('upsertLoadBalancer', {
        credentials: 'prod',
        loadBalancerType: 'application',
        name: 'myapp-frontend',
        vpcId,
        availabilityZones: { [REGION]: ZONES },
        securityGroups: ['myapp-elb'],
        idleTimeout: 120,
        targetGroups: [
          { name: 'myapp-web', protocol: 'HTTP', port: 7001, healthCheckProtocol: 'HTTP', healthCheckPath: '/health', healthCheckPort: 'traffic-port', attributes: { deregistrationDelay: 60, stickinessEnabled: true } },
          { name: 'myapp-api', protocol: 'HTTP', port: 7002, healthCheckProtocol: 'HTTP', healthCheckPath: '/ping', healthCheckMatcher: '200' },
        ],
        listeners: [
          {
            protocol: 'HTTP',
            port: 80,
            defaultActions: [{ type: 'forward', targetGroupName: 'myapp-web' }],
            rules: [{ priority: '10', actions: [{ type: 'forward', targetGroupName: 'myapp-api' }], conditions: [{ field: 'path-pattern', values: ['/api/*'] }] }],
          },
          { protocol: 'HTTPS', port: 443, sslPolicy: 'ELBSecurityPolicy-2016-08', certificates: [{ certificateArn: CERT, type: 'acm', name: 'myapp' }], defaultActions: [{ targetGroupName: 'myapp-web' }] },
          { protocol: 'HTTP', port: 8081, defaultActions: [{ type: 'redirect', redirectActionConfig: { protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' } }] },
        ],
      }),
    );
    const lb = await v2('myapp-frontend');
    expect(lb).toMatchObject({ Type: 'application', Scheme: 'internet-facing', VpcId: vpcId, SecurityGroups: [elbGroupId] });
    expect(lb?.AvailabilityZones).toHaveLength(3);
    expect(task.resultObjects).toEqual([{ loadBalancers: { [REGION]: { name: 'myapp-frontend', dnsName: lb?.DNSName } } }]);
    expect(statusLines(task, 'UPSERT_ELB_V2')).toEqual(
      expect.arrayContaining([
        'Creating load balancer.',
        'Security groups updated on myapp-frontend.',
        'Setting idle timeout on myapp-frontend to 120.',
        'Target group created in myapp-frontend (myapp-web:7001:HTTP).',
        'Modified target group myapp-web attributes.',
        'Target group created in myapp-frontend (myapp-api:7002:HTTP).',
        'Listener added to myapp-frontend (80:HTTP).',
      ]),
    );
    const groups = (await h.prod.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).TargetGroups ?? [];
    const web = groups.find((g) => g.TargetGroupName === 'myapp-web');
    const api = groups.find((g) => g.TargetGroupName === 'myapp-api');
    expect(web).toMatchObject({ Protocol: 'HTTP', Port: 7001, HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 10, UnhealthyThresholdCount: 2, Matcher: { HttpCode: '200-299' } });
    expect(api).toMatchObject({ Port: 7002, HealthCheckPath: '/ping', Matcher: { HttpCode: '200' } });
    const tgAttrs = Object.fromEntries(((await h.prod.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: web?.TargetGroupArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(tgAttrs).toMatchObject({ 'deregistration_delay.timeout_seconds': '60', 'stickiness.enabled': 'true', 'stickiness.type': 'lb_cookie', 'stickiness.lb_cookie.duration_seconds': '86400' });
    const lbAttrs = Object.fromEntries(((await h.prod.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(lbAttrs).toMatchObject({ 'idle_timeout.timeout_seconds': '120', 'deletion_protection.enabled': 'false' });
    const listeners = (await h.prod.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Listeners ?? [];
    const listener = listeners.find((l) => l.Port === 80);
    expect(listeners.find((l) => l.Port === 8081)?.DefaultActions).toEqual([expect.objectContaining({ Type: 'redirect', RedirectConfig: expect.objectContaining({ Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' }) })]);
    expect(listeners.find((l) => l.Port === 443)).toMatchObject({ Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-2016-08', Certificates: [expect.objectContaining({ CertificateArn: CERT })] });
    expect(listener).toMatchObject({ Port: 80, Protocol: 'HTTP', DefaultActions: [expect.objectContaining({ Type: 'forward', TargetGroupArn: web?.TargetGroupArn })] });
    const rules = (await h.prod.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener?.ListenerArn }))).Rules ?? [];
    expect(rules.find((r) => r.Priority === '10')).toMatchObject({ Actions: [expect.objectContaining({ TargetGroupArn: api?.TargetGroupArn })], Conditions: [expect.objectContaining({ Field: 'path-pattern', Values: ['/api/*'] })] });

    const details = await h.get<Json[]>(`/aws/loadBalancers/prod/${REGION}/myapp-frontend`);
    expect(details[0]).toMatchObject({ name: 'myapp-frontend', loadBalancerType: 'application' });
    const appLbs = await h.get<Json[]>('/applications/myapp/loadBalancers');
    const view = appLbs.find((l) => l.name === 'myapp-frontend');
    expect((view?.targetGroups as Json[]).map((t) => t.name).sort()).toEqual(['myapp-api', 'myapp-web']);
    expect((view?.listeners as Json[]).map((l) => `${String(l.protocol)}:${String(l.port)}`).sort()).toEqual(['HTTP:80', 'HTTP:8081', 'HTTPS:443']);
  });

  it('converges a changed application load balancer: target group recreated, listener moved, rules replaced', async () => {
    const before = await v2('myapp-frontend');
    const task = expectSucceeded(
      await h.run('upsertLoadBalancer', {
        credentials: 'prod',
        loadBalancerType: 'application',
        name: 'myapp-frontend',
        vpcId,
        availabilityZones: { [REGION]: ZONES },
        securityGroups: ['myapp-elb'],
        idleTimeout: 120,
        targetGroups: [
          { name: 'myapp-web', protocol: 'HTTP', port: 7001, healthCheckProtocol: 'HTTP', healthCheckPath: '/healthcheck', healthyThreshold: 3 },
          { name: 'myapp-api', protocol: 'HTTP', port: 7003, healthCheckProtocol: 'HTTP', healthCheckPath: '/ping' },
        ],
        listeners: [
          {
            protocol: 'HTTP',
            port: 8080,
            defaultActions: [{ targetGroupName: 'myapp-web' }],
            rules: [{ priority: 20, actions: [{ targetGroupName: 'myapp-api' }], conditions: [{ field: 'host-header', values: ['api.example.com'] }] }],
          },
        ],
      }),
    );
    const lines = statusLines(task, 'UPSERT_ELB_V2');
    expect(lines).toEqual(
      expect.arrayContaining([
        'Listener removed from myapp-frontend (80:HTTP).',
        'Listener removed from myapp-frontend (443:HTTPS).',
        'Target group removed from myapp-frontend (myapp-api:7002:HTTP).',
        'Target group created in myapp-frontend (myapp-api:7003:HTTP).',
        'Target group updated in myapp-frontend (myapp-web:7001:HTTP).',
        'Listener added to myapp-frontend (8080:HTTP).',
      ]),
    );
    expect(lines).not.toContain('Setting idle timeout on myapp-frontend to 120.');
    const lb = await v2('myapp-frontend');
    expect(lb?.DNSName).toBe(before?.DNSName);
    const groups = (await h.prod.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).TargetGroups ?? [];
    expect(groups.map((g) => `${g.TargetGroupName}:${g.Port}`).sort()).toEqual(['myapp-api:7003', 'myapp-web:7001']);
    expect(groups.find((g) => g.TargetGroupName === 'myapp-web')).toMatchObject({ HealthCheckPath: '/healthcheck', HealthyThresholdCount: 3 });
    const listeners = (await h.prod.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Listeners ?? [];
    expect(listeners.map((l) => l.Port)).toEqual([8080]);
    const rules = (await h.prod.elbv2.send(new DescribeRulesCommand({ ListenerArn: listeners[0]?.ListenerArn }))).Rules ?? [];
    expect(rules.filter((r) => r.IsDefault !== true).map((r) => [r.Priority, r.Conditions?.[0]?.Field])).toEqual([['20', 'host-header']]);

    // The same description again changes nothing (the rule is kept, not replaced).
    const ruleArn = rules.find((r) => r.IsDefault !== true)?.RuleArn;
    const again = expectSucceeded(await h.run('upsertLoadBalancer', { credentials: 'prod', loadBalancerType: 'application', name: 'myapp-frontend', vpcId, availabilityZones: { [REGION]: ZONES }, securityGroups: ['myapp-elb'], idleTimeout: 120, targetGroups: [{ name: 'myapp-web', protocol: 'HTTP', port: 7001, healthCheckProtocol: 'HTTP', healthCheckPath: '/healthcheck', healthyThreshold: 3 }, { name: 'myapp-api', protocol: 'HTTP', port: 7003, healthCheckProtocol: 'HTTP', healthCheckPath: '/ping' }], listeners: [{ protocol: 'HTTP', port: 8080, defaultActions: [{ targetGroupName: 'myapp-web' }], rules: [{ priority: 20, actions: [{ targetGroupName: 'myapp-api' }], conditions: [{ field: 'host-header', values: ['api.example.com'] }] }] }] }));
    expect(statusLines(again, 'UPSERT_ELB_V2').filter((l) => /removed|created|added/.test(l))).toEqual([]);
    const rulesAfter = (await h.prod.elbv2.send(new DescribeRulesCommand({ ListenerArn: listeners[0]?.ListenerArn }))).Rules ?? [];
    expect(rulesAfter.find((r) => r.IsDefault !== true)?.RuleArn).toBe(ruleArn);

    // Dual-stack addressing is switched on the existing load balancer.
    const dual = expectSucceeded(await h.run('upsertLoadBalancer', { credentials: 'prod', loadBalancerType: 'application', name: 'myapp-frontend', vpcId, availabilityZones: { [REGION]: ZONES }, securityGroups: ['myapp-elb'], idleTimeout: 120, ipAddressType: 'dualstack', targetGroups: [{ name: 'myapp-web', protocol: 'HTTP', port: 7001, healthCheckProtocol: 'HTTP', healthCheckPath: '/healthcheck', healthyThreshold: 3 }, { name: 'myapp-api', protocol: 'HTTP', port: 7003, healthCheckProtocol: 'HTTP', healthCheckPath: '/ping' }], listeners: [{ protocol: 'HTTP', port: 8080, defaultActions: [{ targetGroupName: 'myapp-web' }], rules: [{ priority: 20, actions: [{ targetGroupName: 'myapp-api' }], conditions: [{ field: 'host-header', values: ['api.example.com'] }] }] }] }));
    expect(statusLines(dual, 'UPSERT_ELB_V2')).toContain('IP Address type updated myapp-frontend.');
    expect((await v2('myapp-frontend'))?.IpAddressType).toBe('dualstack');
  });

  it('creates an internal network load balancer in the subnets of its subnetType', async () => {
    const task = expectSucceeded(
      await h.run('upsertLoadBalancer', {
        credentials: 'prod',
        loadBalancerType: 'network',
        name: 'myapp-internal',
        vpcId,
        subnetType: 'internal',
        availabilityZones: { [REGION]: ZONES },
        loadBalancingCrossZone: true,
        targetGroups: [{ name: 'myapp-tcp', protocol: 'TCP', port: 7100, healthCheckProtocol: 'TCP', attributes: { proxyProtocolV2: true } }],
        listeners: [{ protocol: 'TCP', port: 7100, defaultActions: [{ targetGroupName: 'myapp-tcp' }] }],
      }),
    );
    expect(statusLines(task, 'UPSERT_ELB_V2')).toContain(`Subnets: [${internalSubnets.join(', ')}]`);
    const lb = await v2('myapp-internal');
    expect(lb).toMatchObject({ Type: 'network', Scheme: 'internal' });
    expect(lb?.AvailabilityZones?.map((z) => z.SubnetId).sort()).toEqual([...internalSubnets].sort());
    const attrs = Object.fromEntries(((await h.prod.elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(attrs['load_balancing.cross_zone.enabled']).toBe('true');
    const [tg] = (await h.prod.elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).TargetGroups ?? [];
    const tgAttrs = Object.fromEntries(((await h.prod.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg?.TargetGroupArn }))).Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(tgAttrs).toMatchObject({ 'proxy_protocol_v2.enabled': 'true', 'deregistration_delay.timeout_seconds': '300' });
  });

  it('refuses invalid descriptions with 400 and Clouddriver’s error codes', async () => {
    const base = { credentials: 'prod', vpcId, availabilityZones: { [REGION]: [ZONES[0]] } };
    await h.refused('upsertLoadBalancer', { ...base, availabilityZones: undefined }, 'createAmazonLoadBalancerDescription.missing.name.or.clusterName', 'createAmazonLoadBalancerDescription.missing.subnetType.or.availabilityZones');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x' }, 'createAmazonLoadBalancerDescription.listeners.empty');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', availabilityZones: { 'eu-north-9': ['eu-north-9a'] }, listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalPort: 80 }] }, 'createAmazonLoadBalancerDescription.region.not.configured');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', availabilityZones: { [REGION]: ['us-east-1z'] }, listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalPort: 80 }] }, 'createAmazonLoadBalancerDescription.zone.not.configured');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', listeners: [{ externalProtocol: 'QUIC', externalPort: 80, internalPort: 80 }] }, 'createAmazonLoadBalancerDescription.listeners.invalid');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', deregistrationDelay: 5000, listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalPort: 80 }] }, 'createAmazonLoadBalancerDescription.deregistrationDelay.invalid');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', loadBalancerType: 'gateway' }, 'createAmazonLoadBalancerDescription.loadBalancerType.invalid');
    await h.refused('upsertLoadBalancer', { ...base, name: 'myapp-x', loadBalancerType: 'application' }, 'createAmazonLoadBalancerDescription.targetGroups.empty');
    await h.refused(
      'upsertLoadBalancer',
      {
        ...base,
        name: 'myapp-x',
        loadBalancerType: 'application',
        targetGroups: [{ name: 'a', protocol: 'HTTP', port: 80 }, { name: 'b' }],
        listeners: [
          { protocol: 'HTTP', port: 80, defaultActions: [{ targetGroupName: 'a' }, { targetGroupName: 'nope' }] },
          { protocol: 'HTTP', port: 80, defaultActions: [] },
        ],
      },
      'createAmazonLoadBalancerDescription.targetGroups.protocol.missing',
      'createAmazonLoadBalancerDescription.targetGroups.port.missing',
      'createAmazonLoadBalancerDescription.listeners.invalid.targetGroup',
      'createAmazonLoadBalancerDescription.targetGroups.unused',
      'createAmazonLoadBalancerDescription.listeners.missing.defaultAction',
      'Multiple listeners cannot use the same port',
    );
    await h.refused('deleteLoadBalancer', { credentials: 'prod' }, 'deleteAmazonLoadBalancerDescription.regions.empty', 'deleteAmazonLoadBalancerDescription.loadBalancerName.empty');
  });

  it('fails the task when a security group does not exist', async () => {
    const task = await h.run('upsertLoadBalancer', { credentials: 'prod', name: 'myapp-broken', vpcId, availabilityZones: { [REGION]: [ZONES[0]] }, securityGroups: ['no-such-group'], listeners: [{ externalProtocol: 'HTTP', externalPort: 80, internalPort: 80 }] });
    expect(task.status.failed).toBe(true);
    expect(task.resultObjects[0]).toMatchObject({ type: 'EXCEPTION', message: 'Missing security groups: no-such-group' });
  });

  it('deletes load balancers: deletion protection refuses; v2 goes listeners, target groups, load balancer', async () => {
    expectSucceeded(await h.run('upsertLoadBalancer', { credentials: 'prod', loadBalancerType: 'network', name: 'myapp-internal', vpcId, subnetType: 'internal', availabilityZones: { [REGION]: ZONES }, deletionProtection: true, targetGroups: [{ name: 'myapp-tcp', protocol: 'TCP', port: 7100, healthCheckProtocol: 'TCP' }], listeners: [{ protocol: 'TCP', port: 7100, defaultActions: [{ targetGroupName: 'myapp-tcp' }] }] }));
    const protectedDelete = await h.run('deleteLoadBalancer', { credentials: 'prod', loadBalancerType: 'network', loadBalancerName: 'myapp-internal', regions: [REGION] });
    expect(protectedDelete.status.failed).toBe(true);
    expect(protectedDelete.resultObjects[0]).toMatchObject({ message: 'Load Balancer myapp-internal has deletion protection enabled. Aborting delete operation.', cause: 'DeletionProtectionEnabledException' });

    const frontend = await v2('myapp-frontend');
    const task = expectSucceeded(await h.run('deleteLoadBalancer', { credentials: 'prod', loadBalancerType: 'application', loadBalancerName: 'myapp-frontend', regions: [REGION] }));
    const lines = statusLines(task, 'DELETE_ELB_V2');
    expect(lines[0]).toBe('Initializing Delete Amazon Load Balancer V2 Operation...');
    expect(lines.map((l) => l.split(' ').slice(0, 2).join(' '))).toEqual(['Initializing Delete', 'Deleting myapp-frontend', 'Deleted listener', 'Deleted target', 'Deleted target', 'Done deleting']);
    expect(lines.at(-1)).toBe(`Done deleting myapp-frontend in [${REGION}] for prod.`);
    await expect(v2('myapp-frontend')).rejects.toMatchObject({ name: expect.stringMatching(/^(LoadBalancerNotFound|AccessPointNotFound)/) });
    const leftGroups = (await h.prod.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
    expect(leftGroups.map((g) => g.TargetGroupName)).not.toContain('myapp-web');
    expect(frontend).toBeDefined();

    const classicTask = expectSucceeded(await h.run('deleteLoadBalancer', { credentials: 'prod', loadBalancerName: 'myapp-classic', regions: [REGION] }));
    expect(statusLines(classicTask, 'DELETE_ELB')).toEqual(['Initializing Delete Amazon Load Balancer Classic Operation...', `Deleting myapp-classic in ${REGION} for prod.`, `Done deleting myapp-classic in [${REGION}] for prod.`]);
    await expect(classic('myapp-classic')).rejects.toMatchObject({ name: expect.stringMatching(/^(LoadBalancerNotFound|AccessPointNotFound)/) });
    const appLbs = await h.get<Json[]>('/applications/myapp/loadBalancers');
    expect(appLbs.map((l) => l.name)).toEqual(['myapp-internal']);

    const missing = expectSucceeded(await h.run('deleteLoadBalancer', { credentials: 'prod', loadBalancerType: 'application', loadBalancerName: 'myapp-gone', regions: [REGION] }));
    expect(statusLines(missing, 'DELETE_ELB_V2')).toContain(`Failed deleting myapp-gone in ${REGION} for prod. Not found.`);
  });
});
