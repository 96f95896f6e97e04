/**
 * `cloneServerGroup` (`CopyLastAsgAtomicOperation`, phase `COPY_LAST_ASG`): for each target
 * region, takes the ancestor — `source {account, region, asgName}` when given, else the cluster's
 * newest group in the region — and fills every field the request leaves out from it (image,
 * instance type, key pair, IAM role, security groups, subnet purpose, zones, load balancers,
 * target groups by name, capacity, cooldown, health check, suspended processes, termination
 * policies, monitoring, EBS optimization, tags, block devices, user data, spot price, IMDSv2),
 * validates the result as a deploy, and deploys it (`BasicAmazonDeployHandler`), which also
 * copies the ancestor's scaling policies and scheduled actions.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeLaunchTemplateVersionsCommand, DescribeSecurityGroupsCommand, DescribeSubnetsCommand } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { validateDeploy } from './createServerGroup.js';
import { deploySchema, type BlockDevice, type DeployDescription } from './deployDescription.js';
import { emptyDeploymentResult, handleDeploy } from './deployHandler.js';
import { accountOf } from './descriptions.js';
import { subnetPurpose } from './lookups.js';
import { clusterName, latestServerGroupName } from './nameResolver.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, AwsValidator, describeGroup, regionClients, type RegionClients } from './support.js';

const PHASE = 'COPY_LAST_ASG';

/** What the ancestor's launch template version or launch configuration says. */
interface LaunchSettings {
  imageId?: string | undefined;
  instanceType?: string | undefined;
  keyName?: string | undefined;
  kernelId?: string | undefined;
  ramdiskId?: string | undefined;
  userData?: string | undefined;
  securityGroups: string[];
  ebsOptimized?: boolean | undefined;
  iamInstanceProfile?: string | undefined;
  instanceMonitoring?: boolean | undefined;
  associatePublicIpAddress?: boolean | undefined;
  spotPrice?: string | undefined;
  requireIMDSv2?: boolean | undefined;
  blockDevices?: BlockDevice[] | undefined;
  launchTemplate: boolean;
}

/** The profile's name from a name or an ARN (`arn:aws:iam::1:instance-profile/path/name`). */
const profileName = (p: { Name?: string | undefined; Arn?: string | undefined } | undefined): string | undefined => p?.Name ?? p?.Arn?.split('/').at(-1);

async function launchSettings(c: RegionClients, g: AutoScalingGroup): Promise<LaunchSettings> {
  const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (spec) {
    const version = spec.Version ?? '$Default';
    const out = await c.ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ ...(spec.LaunchTemplateId ? { LaunchTemplateId: spec.LaunchTemplateId } : { LaunchTemplateName: spec.LaunchTemplateName }), Versions: [version] }),
      c.opts,
    );
    const data = out.LaunchTemplateVersions?.[0]?.LaunchTemplateData;
    if (data === undefined) throw new AwsOperationError(`Requested launch template ${spec.LaunchTemplateId ?? spec.LaunchTemplateName ?? ''} (version ${version}) was not found`);
    const nic = data.NetworkInterfaces?.find((n) => n.DeviceIndex === 0) ?? data.NetworkInterfaces?.[0];
    return {
      launchTemplate: true,
      imageId: data.ImageId,
      instanceType: data.InstanceType,
      keyName: data.KeyName,
      kernelId: data.KernelId,
      ramdiskId: data.RamDiskId,
      userData: data.UserData,
      securityGroups: nic?.Groups ?? data.SecurityGroupIds ?? data.SecurityGroups ?? [],
      ebsOptimized: data.EbsOptimized,
      iamInstanceProfile: profileName(data.IamInstanceProfile),
      instanceMonitoring: data.Monitoring?.Enabled,
      associatePublicIpAddress: (data.NetworkInterfaces ?? []).some((n) => n.AssociatePublicIpAddress === true) ? true : undefined,
      spotPrice: data.InstanceMarketOptions?.SpotOptions?.MaxPrice,
      requireIMDSv2: data.MetadataOptions?.HttpTokens === 'required',
      blockDevices: (data.BlockDeviceMappings ?? []).map((b) => ({
        deviceName: b.DeviceName ?? null,
        virtualName: b.VirtualName ?? null,
        size: b.Ebs?.VolumeSize ?? null,
        volumeType: b.Ebs?.VolumeType ?? null,
        deleteOnTermination: b.Ebs?.DeleteOnTermination ?? null,
        iops: b.Ebs?.Iops ?? null,
        throughput: b.Ebs?.Throughput ?? null,
        snapshotId: b.Ebs?.SnapshotId ?? null,
        encrypted: b.Ebs?.Encrypted ?? null,
      })),
    };
  }
  const lcName = g.LaunchConfigurationName ?? '';
  const lc = (await c.autoScaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [lcName] }), c.opts)).LaunchConfigurations?.[0];
  if (lc === undefined) throw new AwsOperationError(`Launch configuration ${lcName} was requested but was not found for ASG with launch configuration ${g.AutoScalingGroupName ?? ''}`);
  return {
    launchTemplate: false,
    imageId: lc.ImageId,
    instanceType: lc.InstanceType,
    keyName: lc.KeyName || undefined,
    kernelId: lc.KernelId || undefined,
    ramdiskId: lc.RamdiskId || undefined,
    userData: lc.UserData || undefined,
    securityGroups: lc.SecurityGroups ?? [],
    ebsOptimized: lc.EbsOptimized,
    iamInstanceProfile: lc.IamInstanceProfile || undefined,
    instanceMonitoring: lc.InstanceMonitoring?.Enabled,
    associatePublicIpAddress: lc.AssociatePublicIpAddress,
    spotPrice: lc.SpotPrice || undefined,
    blockDevices: (lc.BlockDeviceMappings ?? []).map((b) => ({
      deviceName: b.DeviceName ?? null,
      virtualName: b.VirtualName ?? null,
      size: b.Ebs?.VolumeSize ?? null,
      volumeType: b.Ebs?.VolumeType ?? null,
      deleteOnTermination: b.Ebs?.DeleteOnTermination ?? null,
      iops: b.Ebs?.Iops ?? null,
      snapshotId: b.Ebs?.SnapshotId ?? null,
      encrypted: b.Ebs?.Encrypted ?? null,
    })),
  };
}

/** `getPurposeForSubnet`: the `immutable_metadata` purpose of the group's first subnet. */
async function purposeOfSubnet(c: RegionClients, subnetId: string): Promise<string | undefined> {
  const subnet = (await c.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }), c.opts)).Subnets?.[0];
  return subnet === undefined ? undefined : subnetPurpose(subnet).purpose;
}

/** Security group ids → names (to resolve again in another account or region's VPC). */
async function groupNames(c: RegionClients, ids: readonly string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const groups = (await c.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [...ids] }), c.opts)).SecurityGroups ?? [];
  return ids.map((id) => groups.find((g) => g.GroupId === id)?.GroupName ?? id);
}

export function cloneServerGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'cloneServerGroup',
    displayName: 'CopyLastAsgAtomicOperation',
    schema: deploySchema,
    account: (d) => accountOf(d),
    applications: (d) => {
      const app = d.application ?? (d.source?.asgName ? parseName(d.source.asgName).app : '');
      return app ? [app] : [];
    },
    validate(d) {
      // Upstream validates the merged description inside the operation; here what can be known before it runs.
      const v = new AwsValidator('basicAmazonDeployDescription', deps);
      const account = accountOf(d);
      v.credentials(account);
      const hasSource = Boolean(d.source?.account && d.source.region && d.source.asgName);
      if (!hasSource && !d.application) v.reject('application', 'empty', 'application is required unless source {account, region, asgName} names the group to clone');
      if (!hasSource && Object.keys(d.availabilityZones ?? {}).length === 0) v.reject('availabilityZones', 'empty', 'availabilityZones is required unless source names the group to clone');
      if (d.source?.account && deps.credentials(d.source.account) === undefined) v.reject('source.account', 'invalid', `source account ${d.source.account} is not known`);
      const regions = Object.keys(d.availabilityZones ?? {});
      const targetRegions = regions.length > 0 ? regions : d.source?.region ? [d.source.region] : [];
      if (targetRegions.length > 0) v.regions(account, targetRegions, 'availabilityZones');
      return v.problems;
    },
    async operate(input, ctx) {
      await ctx.task.updateStatus(PHASE, 'Initializing Copy Last ASG Operation...');
      const account = accountOf(input) ?? '';
      const d: DeployDescription = { ...input };
      let targetRegions = Object.keys(d.availabilityZones ?? {});
      const src = d.source;
      const hasSource = Boolean(src?.region && src.account && src.asgName);
      if (hasSource && src?.asgName && src.region) {
        const n = parseName(src.asgName);
        d.application = d.application ?? n.app;
        d.stack = d.stack ?? n.stack ?? null;
        d.freeFormDetails = d.freeFormDetails ?? n.detail ?? null;
        if (targetRegions.length === 0) targetRegions = [src.region];
      }
      const cluster = clusterName(d.application ?? '', d.stack, d.freeFormDetails);
      const result = emptyDeploymentResult();
      const plans: DeployDescription[] = [];

      for (const targetRegion of targetRegions) {
        let ancestor: AutoScalingGroup | undefined;
        let sourceClients: RegionClients;
        const next: DeployDescription = { ...d, capacity: { ...(d.capacity ?? {}) } };
        if (hasSource && src?.account && src.region && src.asgName) {
          sourceClients = regionClients(deps, src.account, src.region, ctx.signal);
          ancestor = await describeGroup(sourceClients, src.asgName);
        } else {
          sourceClients = regionClients(deps, account, targetRegion, ctx.signal);
        }
        const sourceIsTarget = sourceClients.region === targetRegion && sourceClients.account.name === account;
        if (ancestor === undefined) {
          await ctx.task.updateStatus(PHASE, `Looking up last ASG in ${sourceClients.region} for ${cluster}.`);
          const latest = await latestServerGroupName(sourceClients, cluster);
          if (latest !== undefined) ancestor = await describeGroup(sourceClients, latest);
          if (ancestor !== undefined) {
            next.source = { account: sourceClients.account.name, region: sourceClients.region, asgName: ancestor.AutoScalingGroupName ?? '', useSourceCapacity: null };
            await ctx.task.updateStatus(PHASE, `Using ${sourceClients.region}/${ancestor.AutoScalingGroupName ?? ''} as source.`);
          }
        }

        if (ancestor !== undefined) {
          const s = await launchSettings(sourceClients, ancestor);
          const firstSubnet = (ancestor.VPCZoneIdentifier ?? '').split(',')[0] ?? '';
          if (firstSubnet !== '') {
            await ctx.task.updateStatus(PHASE, 'Looking up subnet type...');
            next.subnetType = d.subnetType != null ? d.subnetType : ((await purposeOfSubnet(sourceClients, firstSubnet)) ?? null);
            await ctx.task.updateStatus(PHASE, `Found: ${next.subnetType ?? 'null'}.`);
          }
          if (s.launchTemplate) next.setLaunchTemplate = true;
          next.iamRole = d.iamRole || s.iamInstanceProfile || null;
          next.amiName = d.amiName || s.imageId || null;
          const requestedZones = (d.availabilityZones ?? {})[targetRegion] ?? [];
          next.availabilityZones = { [targetRegion]: requestedZones.length > 0 ? requestedZones : (ancestor.AvailabilityZones ?? []) };
          next.instanceType = d.instanceType || s.instanceType || null;
          next.loadBalancers = d.loadBalancers != null ? d.loadBalancers : (ancestor.LoadBalancerNames ?? []);
          if (d.targetGroups == null && (ancestor.TargetGroupARNs ?? []).length > 0) {
            const tgs = (await sourceClients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: ancestor.TargetGroupARNs }), sourceClients.opts)).TargetGroups ?? [];
            next.targetGroups = tgs.map((t) => t.TargetGroupName ?? '');
          }
          next.securityGroups = d.securityGroups != null ? d.securityGroups : sourceIsTarget ? s.securityGroups : await groupNames(sourceClients, s.securityGroups);
          next.capacity = {
            min: d.capacity?.min ?? ancestor.MinSize ?? 0,
            max: d.capacity?.max ?? ancestor.MaxSize ?? 0,
            desired: d.capacity?.desired ?? ancestor.DesiredCapacity ?? 0,
          };
          next.keyPair = d.keyPair || (sourceIsTarget ? s.keyName : deps.credentials(account)?.config.defaultKeyPair) || null;
          next.associatePublicIpAddress = d.associatePublicIpAddress ?? s.associatePublicIpAddress ?? null;
          next.cooldown = d.cooldown ?? ancestor.DefaultCooldown ?? null;
          next.enabledMetrics = d.enabledMetrics ?? (ancestor.EnabledMetrics ?? []).map((m) => m.Metric ?? '');
          next.healthCheckGracePeriod = d.healthCheckGracePeriod ?? ancestor.HealthCheckGracePeriod ?? null;
          next.healthCheckType = d.healthCheckType ?? (ancestor.HealthCheckType === 'ELB' || ancestor.HealthCheckType === 'EC2' ? ancestor.HealthCheckType : null);
          next.suspendedProcesses = d.suspendedProcesses ?? (ancestor.SuspendedProcesses ?? []).map((p) => p.ProcessName ?? '');
          next.terminationPolicies = d.terminationPolicies ?? ancestor.TerminationPolicies ?? null;
          next.kernelId = d.kernelId || s.kernelId || null;
          next.ramdiskId = d.ramdiskId || s.ramdiskId || null;
          next.instanceMonitoring = d.instanceMonitoring ?? s.instanceMonitoring ?? null;
          next.ebsOptimized = d.ebsOptimized ?? s.ebsOptimized ?? null;
          next.tags = d.tags ?? Object.fromEntries((ancestor.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
          next.blockDevices = d.blockDevices ?? s.blockDevices ?? null;
          next.capacityRebalance = d.capacityRebalance ?? ancestor.CapacityRebalance ?? null;
          next.requireIMDSv2 = d.requireIMDSv2 ?? s.requireIMDSv2 ?? null;
          // No user data providers here, so the ancestor's user data is copied when none is given.
          next.base64UserData = d.base64UserData ?? s.userData ?? null;
          next.spotPrice = d.spotPrice == null ? (s.spotPrice ?? null) : d.spotPrice || null;
        }

        await ctx.task.updateStatus(PHASE, `Validating clone configuration for ${targetRegion}.`);
        const problems = validateDeploy(deps, next);
        if (problems.length > 0) throw new AwsOperationError(`Validation failed for the clone of ${cluster} in ${targetRegion}: ${problems.join('; ')}`, 'DescriptionValidationException');
        plans.push(next);
      }

      for (const plan of plans) {
        const targetRegion = Object.keys(plan.availabilityZones ?? {})[0] ?? '';
        await ctx.task.updateStatus(PHASE, `Initiating deployment in ${targetRegion}.`);
        const one = await handleDeploy(deps, plan, ctx);
        result.serverGroupNames.push(...one.serverGroupNames);
        result.deployments.push(...one.deployments);
        Object.assign(result.serverGroupNameByRegion, one.serverGroupNameByRegion);
        if (one.ancestorServerGroupNameByRegion) result.ancestorServerGroupNameByRegion = { ...result.ancestorServerGroupNameByRegion, ...one.ancestorServerGroupNameByRegion };
        await ctx.task.updateStatus(PHASE, `Deployment complete in ${targetRegion}. New ASGs = [${result.serverGroupNames.join(', ')}]`);
      }
      await ctx.task.updateStatus(PHASE, `Finished copying last ASG for ${cluster}. New ASGs = [${result.serverGroupNames.join(', ')}].`);
      await refreshAfterChange(deps, ctx, account, Object.keys(result.serverGroupNameByRegion));
      return result;
    },
  });
}
