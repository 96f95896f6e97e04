/**
 * Fleet generator for benchmarks and demos: writes converged state directly (no API calls, no
 * ticks): per account and region, `applications` × `groupsPerApplication` Auto Scaling groups named
 * as Spinnaker names server groups (`{app}-{stack}-v{NNN}`), each from its own launch template,
 * with `instancesPerGroup` running InService instances spread over the zones, and (with
 * `targetGroups`) one application load balancer, listener and target group per application whose
 * targets are healthy. Deterministic for a given world seed.
 */
import { z } from 'zod';
import type { AutoScalingGroup, Image, RegionState } from './state.js';
import type { AwsWorld, SimAccount } from './world.js';
import { launchInstances } from './services/ec2/instances.js';

export const fleetSpecSchema = z
  .object({
    accounts: z.array(z.string()).optional(),
    regions: z.array(z.string()).optional(),
    applications: z.number().int().min(1).max(10_000).default(1),
    groupsPerApplication: z.number().int().min(1).max(1000).default(1),
    instancesPerGroup: z.number().int().min(0).max(100).default(1),
    appPrefix: z.string().regex(/^[a-z][a-z0-9]*$/).default('app'),
    stack: z.string().regex(/^[a-z0-9]*$/).default('main'),
    targetGroups: z.boolean().default(false),
  })
  .strict();

export type FleetSpec = z.input<typeof fleetSpecSchema>;

export interface FleetResult {
  readonly groups: number;
  readonly instances: number;
}

function fleetImage(world: AwsWorld, account: SimAccount, region: RegionState): string {
  const pub = [...world.publicImages(region.name).keys()][0];
  if (pub !== undefined) return pub;
  const existing = [...region.ec2.images.values()].find((i) => i.name === 'fleet-base');
  if (existing !== undefined) return existing.imageId;
  const image: Image = {
    imageId: `ami-${world.hex(17)}`,
    name: 'fleet-base',
    description: 'base image of generated fleets',
    ownerId: account.id,
    isPublic: false,
    architecture: 'x86_64',
    creationDate: world.now().toISOString(),
    platformDetails: 'Linux/UNIX',
    rootDeviceName: '/dev/xvda',
    virtualizationType: 'hvm',
    hypervisor: 'xen',
    imageLocation: `${account.id}/fleet-base`,
    snapshotId: `snap-${world.hex(17)}`,
    volumeSize: 8,
    state: 'available',
  };
  region.ec2.images.set(image.imageId, image);
  return image.imageId;
}

export function seedFleet(world: AwsWorld, input: FleetSpec): FleetResult {
  const spec = fleetSpecSchema.parse(input);
  let groups = 0;
  let instances = 0;
  const accounts = spec.accounts === undefined ? [...world.accounts.values()] : spec.accounts.map((id) => world.account(id)).filter((a): a is SimAccount => a !== undefined);
  for (const account of accounts) {
    for (const regionName of spec.regions ?? world.regionNames) {
      const region = account.region(regionName);
      const imageId = fleetImage(world, account, region);
      const vpc = [...region.ec2.vpcs.values()].find((v) => v.isDefault);
      const subnets = [...region.ec2.subnets.values()].filter((s) => s.defaultForAz);
      const now = world.now();
      for (let a = 0; a < spec.applications; a++) {
        const app = `${spec.appPrefix}${a}`;
        let targetGroupArn: string | undefined;
        if (spec.targetGroups && vpc !== undefined) {
          const lbArn = `arn:aws:elasticloadbalancing:${regionName}:${account.id}:loadbalancer/app/${app}/${world.hex(16)}`;
          region.elbv2.loadBalancers.set(lbArn, {
            arn: lbArn,
            name: app,
            type: 'application',
            scheme: 'internet-facing',
            vpcId: vpc.vpcId,
            dnsName: `${app}-${Number.parseInt(world.hex(8), 16)}.${regionName}.elb.amazonaws.com`,
            canonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
            createdTime: now,
            state: 'active',
            subnets: subnets.map((s) => ({ subnetId: s.subnetId, zoneName: s.availabilityZone })),
            securityGroups: [],
            ipAddressType: 'ipv4',
            attributes: new Map(),
          });
          targetGroupArn = `arn:aws:elasticloadbalancing:${regionName}:${account.id}:targetgroup/${app}-tg/${world.hex(16)}`;
          region.elbv2.targetGroups.set(targetGroupArn, {
            arn: targetGroupArn,
            name: `${app}-tg`,
            protocol: 'HTTP',
            port: 7001,
            vpcId: vpc.vpcId,
            targetType: 'instance',
            protocolVersion: 'HTTP1',
            health: { HealthCheckProtocol: 'HTTP', HealthCheckPort: 'traffic-port', HealthCheckEnabled: true, HealthCheckIntervalSeconds: 30, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 5, UnhealthyThresholdCount: 2, HealthCheckPath: '/health', Matcher: { HttpCode: '200' } },
            attributes: new Map(),
            targets: new Map(),
          });
          const listenerArn = `${lbArn.replace(':loadbalancer/', ':listener/')}/${world.hex(16)}`;
          region.elbv2.listeners.set(listenerArn, { arn: listenerArn, loadBalancerArn: lbArn, port: 80, protocol: 'HTTP', certificates: [], extraCertificates: [], defaultActions: [{ Type: 'forward', TargetGroupArn: targetGroupArn, Order: 1 }] });
        }
        for (let n = 0; n < spec.groupsPerApplication; n++) {
          const name = `${app}-${spec.stack}-v${String(n).padStart(3, '0')}`;
          if (region.autoScaling.groups.has(name)) continue;
          const templateId = `lt-${world.hex(17)}`;
          region.ec2.launchTemplates.set(templateId, {
            launchTemplateId: templateId,
            launchTemplateName: name,
            createTime: now,
            createdBy: `arn:aws:iam::${account.id}:user/sim-user`,
            defaultVersionNumber: 1,
            latestVersionNumber: 1,
            versions: [{ versionNumber: 1, createTime: now, createdBy: `arn:aws:iam::${account.id}:user/sim-user`, data: { ImageId: imageId, InstanceType: 't3.micro' } }],
          });
          const g: AutoScalingGroup = {
            name,
            arn: `arn:aws:autoscaling:${regionName}:${account.id}:autoScalingGroup:${world.uuid()}:autoScalingGroupName/${name}`,
            launchTemplate: { id: templateId, name, version: '1' },
            minSize: spec.instancesPerGroup,
            maxSize: spec.instancesPerGroup,
            desiredCapacity: spec.instancesPerGroup,
            defaultCooldown: 300,
            availabilityZones: subnets.map((s) => s.availabilityZone),
            vpcZoneIdentifier: subnets.map((s) => s.subnetId).join(','),
            loadBalancerNames: [],
            targetGroupArns: targetGroupArn === undefined ? [] : [targetGroupArn],
            healthCheckType: 'EC2',
            healthCheckGracePeriod: 300,
            createdTime: now,
            suspendedProcesses: [],
            tags: [{ key: 'spinnaker:application', value: app, propagateAtLaunch: true }],
            terminationPolicies: ['Default'],
            newInstancesProtectedFromScaleIn: false,
            capacityRebalance: false,
            instances: [],
            nextZone: 0,
          };
          region.autoScaling.groups.set(name, g);
          for (let i = 0; i < spec.instancesPerGroup; i++) {
            const subnet = subnets[i % Math.max(1, subnets.length)];
            const [instance] = launchInstances(world, account, region, {
              imageId,
              instanceType: 't3.micro',
              securityGroupIds: [],
              ...(subnet === undefined ? {} : { subnetId: subnet.subnetId }),
              count: 1,
              launchTemplate: { id: templateId, version: '1' },
              tags: [['spinnaker:application', app], ['aws:autoscaling:groupName', name]],
              requesterId: '940372691376',
            });
            if (instance === undefined) continue;
            instance.state = 'running';
            g.instances.push({ instanceId: instance.instanceId, availabilityZone: instance.availabilityZone, lifecycleState: 'InService', healthStatus: 'Healthy', instanceType: 't3.micro', launchTemplate: { id: templateId, name, version: '1' }, protectedFromScaleIn: false });
            if (targetGroupArn !== undefined) region.elbv2.targetGroups.get(targetGroupArn)?.targets.set(`${instance.instanceId}:7001`, { id: instance.instanceId, port: 7001, state: 'healthy', since: world.tickCount });
            instances++;
          }
          groups++;
        }
      }
    }
  }
  return { groups, instances };
}
