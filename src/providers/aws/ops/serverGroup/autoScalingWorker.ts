/**
 * `AutoScalingWorker.deploy` with its builders (`AsgWithLaunchTemplateBuilder`,
 * `AsgWithLaunchConfigurationBuilder`, `AsgBuilder`): names the group, creates its launch template
 * (default) or launch configuration (`setLaunchTemplate: false`) named `{group}-{MMddyyyyHHmmss}`,
 * creates the group (tags propagated at launch, subnets or zones, load balancers and target
 * groups), suspends processes (`startDisabled` adds Launch, Terminate and AddToLoadBalancer),
 * enables metrics, and sets the size. Status lines are upstream's, in phase `AWS_DEPLOY`.
 */
import { CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, type CreateAutoScalingGroupCommandInput, EnableMetricsCollectionCommand, SuspendProcessesCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, type LaunchTemplateBlockDeviceMappingRequest, type RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { BlockDevice } from './deployDescription.js';
import { DISABLE_PROCESSES } from './enableDisableServerGroup.js';
import { resolveNextServerGroupName, serverGroupName } from './nameResolver.js';
import { AwsOperationError, awsErrorCode, describeGroup, type RegionClients } from './support.js';

export const AWS_PHASE = 'AWS_DEPLOY';

/** `AutoScalingWorker.AsgConfiguration`: everything resolved (ids, ARNs, subnets). */
export interface AsgConfiguration {
  readonly application: string;
  readonly stack?: string | undefined;
  readonly freeFormDetails?: string | undefined;
  readonly sequence?: number | undefined;
  readonly ignoreSequence: boolean;
  readonly imageId: string;
  readonly instanceType: string;
  readonly keyPair?: string | undefined;
  readonly iamRole?: string | undefined;
  readonly securityGroupIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly availabilityZones: readonly string[];
  readonly classicLoadBalancers: readonly string[];
  readonly targetGroupArns: readonly string[];
  readonly min: number;
  readonly max: number;
  readonly desired: number;
  readonly cooldown?: number | undefined;
  readonly healthCheckGracePeriod?: number | undefined;
  readonly healthCheckType?: string | undefined;
  readonly terminationPolicies?: readonly string[] | undefined;
  readonly suspendedProcesses: readonly string[];
  readonly startDisabled: boolean;
  readonly enabledMetrics?: readonly string[] | undefined;
  readonly instanceMonitoring?: boolean | undefined;
  readonly ebsOptimized?: boolean | undefined;
  readonly associatePublicIpAddress?: boolean | undefined;
  readonly kernelId?: string | undefined;
  readonly ramdiskId?: string | undefined;
  readonly base64UserData?: string | undefined;
  readonly blockDevices?: readonly BlockDevice[] | undefined;
  readonly spotPrice?: string | undefined;
  readonly requireIMDSv2: boolean;
  readonly capacityRebalance?: boolean | undefined;
  readonly tags: Readonly<Record<string, string>>;
  readonly setLaunchTemplate: boolean;
}

/** `AsgConfigHelper.createDefaultSuffix`: `MMddyyyyHHmmss` (UTC here). */
export function launchSettingSuffix(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCFullYear(), 4)}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
}

function templateBlockDevices(devices: readonly BlockDevice[]): LaunchTemplateBlockDeviceMappingRequest[] {
  return devices.map((b) => ({
    DeviceName: b.deviceName ?? undefined,
    ...(b.virtualName
      ? { VirtualName: b.virtualName }
      : {
          Ebs: {
            ...(b.size == null ? {} : { VolumeSize: b.size }),
            ...(b.volumeType ? { VolumeType: b.volumeType as 'gp3' } : {}),
            ...(b.deleteOnTermination == null ? {} : { DeleteOnTermination: b.deleteOnTermination }),
            ...(b.iops == null ? {} : { Iops: b.iops }),
            ...(b.throughput == null ? {} : { Throughput: b.throughput }),
            ...(b.snapshotId ? { SnapshotId: b.snapshotId } : {}),
            ...(b.encrypted == null ? {} : { Encrypted: b.encrypted }),
            ...(b.kmsKeyId ? { KmsKeyId: b.kmsKeyId } : {}),
          },
        }),
  }));
}

/** `LaunchTemplateService.buildLaunchTemplateData` (the fields a deploy sets). */
export function launchTemplateData(cfg: AsgConfiguration): RequestLaunchTemplateData {
  // Security groups go on the network interface when it is configured (public IP), else on the template.
  const nic = cfg.associatePublicIpAddress != null;
  return {
    ImageId: cfg.imageId,
    InstanceType: cfg.instanceType as 't3.micro',
    ...(cfg.keyPair ? { KeyName: cfg.keyPair } : {}),
    ...(cfg.iamRole ? { IamInstanceProfile: { Name: cfg.iamRole } } : {}),
    ...(nic
      ? { NetworkInterfaces: [{ DeviceIndex: 0, Groups: [...cfg.securityGroupIds], AssociatePublicIpAddress: cfg.associatePublicIpAddress ?? false }] }
      : { SecurityGroupIds: [...cfg.securityGroupIds] }),
    ...(cfg.base64UserData ? { UserData: cfg.base64UserData } : {}),
    ...(cfg.instanceMonitoring == null ? {} : { Monitoring: { Enabled: cfg.instanceMonitoring } }),
    ...(cfg.ebsOptimized == null ? {} : { EbsOptimized: cfg.ebsOptimized }),
    ...(cfg.kernelId ? { KernelId: cfg.kernelId } : {}),
    ...(cfg.ramdiskId ? { RamDiskId: cfg.ramdiskId } : {}),
    ...(cfg.blockDevices && cfg.blockDevices.length > 0 ? { BlockDeviceMappings: templateBlockDevices(cfg.blockDevices) } : {}),
    ...(cfg.requireIMDSv2 ? { MetadataOptions: { HttpTokens: 'required' } } : {}),
    ...(cfg.spotPrice ? { InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { MaxPrice: cfg.spotPrice } } } : {}),
  };
}

async function createLaunchConfiguration(c: RegionClients, cfg: AsgConfiguration, name: string): Promise<void> {
  await c.autoScaling.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: name,
      ImageId: cfg.imageId,
      InstanceType: cfg.instanceType,
      SecurityGroups: [...cfg.securityGroupIds],
      ...(cfg.keyPair ? { KeyName: cfg.keyPair } : {}),
      ...(cfg.iamRole ? { IamInstanceProfile: cfg.iamRole } : {}),
      ...(cfg.base64UserData ? { UserData: cfg.base64UserData } : {}),
      ...(cfg.instanceMonitoring == null ? {} : { InstanceMonitoring: { Enabled: cfg.instanceMonitoring } }),
      ...(cfg.ebsOptimized == null ? {} : { EbsOptimized: cfg.ebsOptimized }),
      ...(cfg.associatePublicIpAddress == null ? {} : { AssociatePublicIpAddress: cfg.associatePublicIpAddress }),
      ...(cfg.kernelId ? { KernelId: cfg.kernelId } : {}),
      ...(cfg.ramdiskId ? { RamdiskId: cfg.ramdiskId } : {}),
      ...(cfg.spotPrice ? { SpotPrice: cfg.spotPrice } : {}),
      ...(cfg.blockDevices && cfg.blockDevices.length > 0
        ? {
            BlockDeviceMappings: cfg.blockDevices.map((b) => ({
              DeviceName: b.deviceName ?? '',
              ...(b.virtualName
                ? { VirtualName: b.virtualName }
                : { Ebs: { ...(b.size == null ? {} : { VolumeSize: b.size }), ...(b.volumeType ? { VolumeType: b.volumeType } : {}), ...(b.deleteOnTermination == null ? {} : { DeleteOnTermination: b.deleteOnTermination }), ...(b.iops == null ? {} : { Iops: b.iops }), ...(b.snapshotId ? { SnapshotId: b.snapshotId } : {}), ...(b.encrypted == null ? {} : { Encrypted: b.encrypted }) } }),
            })),
          }
        : {}),
    }),
    c.opts,
  );
}

/**
 * `AsgBuilder.shouldProceedWithExistingState`: a group of this name already exists (a retried
 * request whose first attempt succeeded); it is ours when it launches from the same template or
 * configuration, in the same zones or subnets, behind the same load balancers and target groups,
 * with the same cooldown, health check and termination policies, created within the last hour.
 * Returns the predicates that failed (`age` alone when only the hour has passed).
 */
async function mismatches(c: RegionClients, request: CreateAutoScalingGroupCommandInput, nowMs: number): Promise<string[]> {
  const existing = await describeGroup(c, request.AutoScalingGroupName ?? '');
  if (existing === undefined) return [];
  const sorted = (xs: readonly string[] | undefined) => [...(xs ?? [])].sort().join(',');
  const subnets = (v: string | undefined) => sorted((v ?? '').split(',').filter((x) => x !== ''));
  const predicates: [string, boolean][] = [
    ['launch configuration', (existing.LaunchConfigurationName ?? '') === (request.LaunchConfigurationName ?? '')],
    ['launch template', (existing.LaunchTemplate?.LaunchTemplateId ?? '') === (request.LaunchTemplate?.LaunchTemplateId ?? '') && (existing.LaunchTemplate?.Version ?? '') === (request.LaunchTemplate?.Version ?? '')],
    ['availability zones', request.VPCZoneIdentifier !== undefined || sorted(existing.AvailabilityZones) === sorted(request.AvailabilityZones)],
    ['subnets', subnets(existing.VPCZoneIdentifier) === subnets(request.VPCZoneIdentifier)],
    ['load balancers', sorted(existing.LoadBalancerNames) === sorted(request.LoadBalancerNames)],
    ['target groups', sorted(existing.TargetGroupARNs) === sorted(request.TargetGroupARNs)],
    ['cooldown', request.DefaultCooldown === undefined || existing.DefaultCooldown === request.DefaultCooldown],
    ['health check grace period', request.HealthCheckGracePeriod === undefined || existing.HealthCheckGracePeriod === request.HealthCheckGracePeriod],
    ['health check type', request.HealthCheckType === undefined || existing.HealthCheckType === request.HealthCheckType],
    ['termination policies', request.TerminationPolicies === undefined || sorted(existing.TerminationPolicies) === sorted(request.TerminationPolicies)],
  ];
  const failed = predicates.filter(([, ok]) => !ok).map(([n]) => n);
  if (failed.length > 0) return failed;
  return (existing.CreatedTime?.getTime() ?? 0) < nowMs - 60 * 60_000 ? ['age'] : [];
}

export interface DeployedGroup {
  readonly name: string;
  /** The newest group of the cluster before this one (`ancestorServerGroupNameByRegion`). */
  readonly ancestor?: string;
}

/** Deploys one Auto Scaling group; returns its name. */
export async function deployAutoScalingGroup(c: RegionClients, cfg: AsgConfiguration, nowMs: number, ctx: OperationContext): Promise<DeployedGroup> {
  const status = (line: string) => ctx.task.updateStatus(AWS_PHASE, line);
  await status('Beginning Amazon deployment.');
  const suspended = [...new Set([...cfg.suspendedProcesses, ...(cfg.startDisabled ? DISABLE_PROCESSES : [])])];
  await status('Beginning ASG deployment.');

  let resolved: DeployedGroup;
  if (cfg.sequence != null) {
    resolved = { name: serverGroupName(cfg.application, cfg.stack, cfg.freeFormDetails, cfg.sequence) };
  } else {
    resolved = await resolveNextServerGroupName(c, cfg.application, cfg.stack, cfg.freeFormDetails, cfg.ignoreSequence);
    if (resolved.ancestor !== undefined) await status(`Found ancestor server group, parsing details (name: ${resolved.ancestor})`);
  }
  const name = resolved.name;
  const settingName = `${name}-${launchSettingSuffix(nowMs)}`;

  let launch: { LaunchTemplate: { LaunchTemplateId: string; Version: string } } | { LaunchConfigurationName: string };
  if (cfg.setLaunchTemplate) {
    const created = await c.ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: settingName, LaunchTemplateData: launchTemplateData(cfg) }), c.opts);
    const lt = created.LaunchTemplate;
    if (!lt?.LaunchTemplateId) throw new AwsOperationError(`CreateLaunchTemplate ${settingName} returned no launch template`);
    await status(`Deploying ASG ${name} with launch template ${lt.LaunchTemplateId}`);
    launch = { LaunchTemplate: { LaunchTemplateId: lt.LaunchTemplateId, Version: String(lt.LatestVersionNumber ?? 1) } };
  } else {
    await createLaunchConfiguration(c, cfg, settingName);
    await status(`Deploying ASG ${name} with launch configuration ${settingName}`);
    launch = { LaunchConfigurationName: settingName };
  }

  const tags = Object.entries(cfg.tags);
  if (tags.length > 0) await status(`Adding tags for ${name}`);
  if (cfg.subnetIds.length > 0) await status(` > Deploying to subnetIds: ${cfg.subnetIds.join(',')}`);
  else await status(`Deploying to availabilityZones: [${cfg.availabilityZones.join(', ')}]`);
  if (cfg.capacityRebalance != null) await status(`Setting capacity rebalance to ${String(cfg.capacityRebalance)} for ${name}`);

  const request: CreateAutoScalingGroupCommandInput = {
        AutoScalingGroupName: name,
        ...launch,
        MinSize: cfg.min,
        MaxSize: cfg.max,
        DesiredCapacity: cfg.desired,
        ...(cfg.classicLoadBalancers.length > 0 ? { LoadBalancerNames: [...cfg.classicLoadBalancers] } : {}),
        ...(cfg.targetGroupArns.length > 0 ? { TargetGroupARNs: [...cfg.targetGroupArns] } : {}),
        ...(cfg.cooldown == null ? {} : { DefaultCooldown: cfg.cooldown }),
        ...(cfg.healthCheckGracePeriod == null ? {} : { HealthCheckGracePeriod: cfg.healthCheckGracePeriod }),
        ...(cfg.healthCheckType ? { HealthCheckType: cfg.healthCheckType } : {}),
        ...(cfg.terminationPolicies && cfg.terminationPolicies.length > 0 ? { TerminationPolicies: [...cfg.terminationPolicies] } : {}),
        ...(cfg.subnetIds.length > 0 ? { VPCZoneIdentifier: cfg.subnetIds.join(',') } : { AvailabilityZones: [...cfg.availabilityZones] }),
        ...(cfg.capacityRebalance == null ? {} : { CapacityRebalance: cfg.capacityRebalance }),
        ...(tags.length > 0 ? { Tags: tags.map(([Key, Value]) => ({ Key, Value, PropagateAtLaunch: true, ResourceId: name, ResourceType: 'auto-scaling-group' })) } : {}),
  };
  try {
    await c.autoScaling.send(new CreateAutoScalingGroupCommand(request), c.opts);
  } catch (err) {
    if (!awsErrorCode(err).startsWith('AlreadyExists')) throw err;
    const failed = await mismatches(c, request, nowMs);
    if (failed.length > 0) {
      await status(failed[0] === 'age' ? `${name} already exists and appears to be valid, but falls outside of safety window for idempotent deploy (1 hour)` : `${name} already exists and does not seem to match desired state on: ${failed.join(',')}`);
      throw new AwsOperationError(`${name} already exists in ${c.region}`, 'AlreadyExistsException');
    }
  }

  if (suspended.length > 0) {
    await status(`Suspending processes for: ${name}`);
    await c.autoScaling.send(new SuspendProcessesCommand({ AutoScalingGroupName: name, ScalingProcesses: suspended }), c.opts);
  }
  if (cfg.enabledMetrics && cfg.enabledMetrics.length > 0 && cfg.instanceMonitoring === true) {
    await status(`Enabling metrics collection for: ${name}`);
    await c.autoScaling.send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: name, Granularity: '1Minute', Metrics: [...cfg.enabledMetrics] }), c.opts);
  }
  await status(`Setting size of ${name} in ${c.account.name}/${c.region} to [min=${cfg.min}, max=${cfg.max}, desired=${cfg.desired}]`);
  await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: name, MinSize: cfg.min, MaxSize: cfg.max, DesiredCapacity: cfg.desired }), c.opts);
  await status(`Deployed EC2 server group named ${name}`);
  return resolved;
}
