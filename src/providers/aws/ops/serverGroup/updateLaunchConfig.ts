/**
 * `updateLaunchConfig` (`ModifyAsgLaunchConfigurationOperation`, description
 * `ModifyAsgLaunchConfigurationDescription`, phase `MODIFY_ASG_LAUNCH_CONFIGURATION`): merges the
 * given fields into the group's launch configuration; when anything differs, creates a new launch
 * configuration `{group}-{MMddyyyyHHmmss}` and points the group at it. The old configuration is
 * kept, as upstream. Result: `{launchConfigurationName}`.
 */
import { CreateLaunchConfigurationCommand, DescribeLaunchConfigurationsCommand, DisableMetricsCollectionCommand, UpdateAutoScalingGroupCommand, type BlockDeviceMapping } from '@aws-sdk/client-auto-scaling';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { launchSettingSuffix } from './autoScalingWorker.js';
import { blockDeviceSchema } from './deployDescription.js';
import { accountFields, accountOf } from './descriptions.js';
import { resolveAmi, securityGroupIds, vpcOfSubnets } from './lookups.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, AwsValidator, describeGroup, regionClients } from './support.js';

/** The fields both launch-setting modifications take (`ModifyAsgLaunchConfigurationDescription`). */
export const launchSettingFields = {
  ...accountFields,
  region: z.string().max(255).nullish(),
  asgName: z.string().max(255).nullish(),
  serverGroupName: z.string().max(255).nullish(),
  amiName: z.string().max(1024).nullish(),
  instanceType: z.string().max(64).nullish(),
  subnetType: z.string().max(255).nullish(),
  iamRole: z.string().max(1024).nullish(),
  keyPair: z.string().max(255).nullish(),
  associatePublicIpAddress: z.boolean().nullish(),
  spotPrice: z.string().max(32).nullish(),
  ramdiskId: z.string().max(64).nullish(),
  kernelId: z.string().max(64).nullish(),
  instanceMonitoring: z.boolean().nullish(),
  ebsOptimized: z.boolean().nullish(),
  base64UserData: z.string().max(64 * 1024).nullish(),
  blockDevices: z.array(blockDeviceSchema).max(32).nullish(),
  securityGroups: z.array(z.string().max(255)).max(100).nullish(),
  securityGroupsAppendOnly: z.boolean().nullish(),
};

const schema = z.object(launchSettingFields);
export type LaunchSettingDescription = z.infer<typeof schema>;

export const groupNameOf = (d: { asgName?: string | null | undefined; serverGroupName?: string | null | undefined }): string => d.asgName ?? d.serverGroupName ?? '';

/** `ModifyAsgLaunchConfigurationDescriptionValidator` / `ModifyServerGroupLaunchTemplateValidator`. */
export function validateLaunchSetting(deps: AwsOperationDeps, key: string, d: LaunchSettingDescription): string[] {
  const v = new AwsValidator(key, deps);
  const account = accountOf(d);
  v.credentials(account);
  v.regions(account, d.region ? [d.region] : []);
  if (groupNameOf(d) === '') v.reject('asgName', 'empty', 'asgName is required');
  if (d.associatePublicIpAddress === true && !d.subnetType) v.reject('associatePublicIpAddress', 'subnetType.not.supplied', 'associatePublicIpAddress needs a subnetType');
  return v.problems;
}

export function updateLaunchConfig(deps: AwsOperationDeps): OperationDefinition {
  const PHASE = 'MODIFY_ASG_LAUNCH_CONFIGURATION';
  return defineOperation({
    name: 'updateLaunchConfig',
    displayName: 'ModifyAsgLaunchConfigurationOperation',
    schema,
    account: (d) => accountOf(d),
    applications: (d) => {
      const app = parseName(groupNameOf(d)).app;
      return app === '' ? [] : [app];
    },
    validate: (d) => validateLaunchSetting(deps, 'modifyAsgLaunchConfigurationDescription', d),
    async operate(d, ctx) {
      await ctx.task.updateStatus(PHASE, 'Initializing operation...');
      const account = accountOf(d) ?? '';
      const region = d.region ?? '';
      const asgName = groupNameOf(d);
      const c = regionClients(deps, account, region, ctx.signal);
      const group = await describeGroup(c, asgName);
      if (group === undefined) throw new AwsOperationError(`No ASG named ${asgName} in ${region}`, 'AutoScalingGroupNotFoundException');
      const existingName = group.LaunchConfigurationName;
      if (!existingName) throw new AwsOperationError(`${asgName} in ${region} launches from a launch template, not a launch configuration (use updateLaunchTemplate)`);
      const lc = (await c.autoScaling.send(new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: [existingName] }), c.opts)).LaunchConfigurations?.[0];
      if (lc === undefined) throw new AwsOperationError(`Launch configuration ${existingName} of ${asgName} was not found`);

      let imageId = lc.ImageId;
      if (d.amiName) {
        const ami = await resolveAmi(c, d.amiName);
        if (ami?.ImageId === undefined) throw new AwsOperationError(`unable to resolve AMI imageId from ${d.amiName} in ${region}`, 'IllegalArgumentException');
        imageId = ami.ImageId;
      }
      let groups = lc.SecurityGroups ?? [];
      if (d.securityGroups != null) {
        const vpcId = await vpcOfSubnets(c, group.VPCZoneIdentifier);
        const resolved = d.securityGroups.length === 0 ? [] : await securityGroupIds(c, d.securityGroups, vpcId, parseName(asgName).app, (line) => ctx.task.updateStatus(PHASE, line));
        groups = d.securityGroupsAppendOnly === true ? [...new Set([...groups, ...resolved])] : resolved;
      }
      const blockDevices: BlockDeviceMapping[] | undefined =
        d.blockDevices == null
          ? lc.BlockDeviceMappings
          : d.blockDevices.map((b) => ({
              DeviceName: b.deviceName ?? '',
              ...(b.virtualName ? { VirtualName: b.virtualName } : { Ebs: { ...(b.size == null ? {} : { VolumeSize: b.size }), ...(b.volumeType ? { VolumeType: b.volumeType } : {}), ...(b.deleteOnTermination == null ? {} : { DeleteOnTermination: b.deleteOnTermination }), ...(b.iops == null ? {} : { Iops: b.iops }), ...(b.snapshotId ? { SnapshotId: b.snapshotId } : {}) } }),
            }));
      const next = {
        ImageId: imageId,
        InstanceType: d.instanceType || lc.InstanceType,
        KeyName: d.keyPair || lc.KeyName || undefined,
        IamInstanceProfile: d.iamRole || lc.IamInstanceProfile || undefined,
        SecurityGroups: groups,
        UserData: d.base64UserData ?? (lc.UserData || undefined),
        InstanceMonitoring: { Enabled: d.instanceMonitoring ?? lc.InstanceMonitoring?.Enabled ?? true },
        EbsOptimized: d.ebsOptimized ?? lc.EbsOptimized,
        AssociatePublicIpAddress: d.associatePublicIpAddress ?? lc.AssociatePublicIpAddress,
        SpotPrice: d.spotPrice ?? (lc.SpotPrice || undefined),
        RamdiskId: d.ramdiskId || lc.RamdiskId || undefined,
        KernelId: d.kernelId || lc.KernelId || undefined,
        BlockDeviceMappings: blockDevices,
      };
      const before = {
        ImageId: lc.ImageId,
        InstanceType: lc.InstanceType,
        KeyName: lc.KeyName || undefined,
        IamInstanceProfile: lc.IamInstanceProfile || undefined,
        SecurityGroups: lc.SecurityGroups ?? [],
        UserData: lc.UserData || undefined,
        InstanceMonitoring: { Enabled: lc.InstanceMonitoring?.Enabled ?? true },
        EbsOptimized: lc.EbsOptimized,
        AssociatePublicIpAddress: lc.AssociatePublicIpAddress,
        SpotPrice: lc.SpotPrice || undefined,
        RamdiskId: lc.RamdiskId || undefined,
        KernelId: lc.KernelId || undefined,
        BlockDeviceMappings: lc.BlockDeviceMappings,
      };
      let resultName = existingName;
      if (JSON.stringify(next) === JSON.stringify(before)) {
        await ctx.task.updateStatus(PHASE, `No changes required for launch configuration on ${asgName} in ${region}`);
      } else {
        resultName = `${asgName}-${launchSettingSuffix(deps.clock.now())}`;
        const defined = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined));
        await c.autoScaling.send(new CreateLaunchConfigurationCommand({ LaunchConfigurationName: resultName, ...defined }), c.opts);
        if (next.InstanceMonitoring.Enabled === false && before.InstanceMonitoring.Enabled) {
          await c.autoScaling.send(new DisableMetricsCollectionCommand({ AutoScalingGroupName: asgName }), c.opts);
        }
        await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: asgName, LaunchConfigurationName: resultName }), c.opts);
      }
      await refreshAfterChange(deps, ctx, account, [region]);
      await ctx.task.updateStatus(PHASE, `completed for ${asgName} in ${region}.`);
      return { launchConfigurationName: resultName };
    },
  });
}
