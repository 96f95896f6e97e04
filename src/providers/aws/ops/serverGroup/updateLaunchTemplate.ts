/**
 * `updateLaunchTemplate` (`AtomicOperations.UPDATE_LAUNCH_TEMPLATE`, converter
 * `ModifyServerGroupLaunchTemplateAtomicOperationConverter`, operation
 * `ModifyServerGroupLaunchTemplateAtomicOperation`, description
 * `ModifyServerGroupLaunchTemplateDescription`): the saga of `PrepareModifyServerGroupLaunchTemplate`
 * → `ModifyServerGroupLaunchTemplate` (a new version of the group's launch template, from the
 * version the group uses, with the given fields changed) → `UpdateAutoScalingGroup` (the group
 * launches that version; when this fails, the new version is deleted so the template's latest is
 * unaltered). Nothing changed: no version, no update. Phase `UPDATE_LAUNCH_TEMPLATE` (upstream
 * logs the saga's `[SAGA_ACTION]` lines; the same lines are status lines here). Result:
 * `{launchTemplateId, launchTemplateVersion}`.
 */
import { UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand, DeleteLaunchTemplateVersionsCommand, DescribeLaunchTemplateVersionsCommand, type RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { defineOperation, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import { parseName } from '../../names.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { accountOf } from './descriptions.js';
import { resolveAmi, securityGroupIds, vpcOfSubnets } from './lookups.js';
import { refreshAfterChange } from './refresh.js';
import { AwsOperationError, errorMessage, describeGroup, regionClients } from './support.js';
import { groupNameOf, launchSettingFields, validateLaunchSetting } from './updateLaunchConfig.js';

const PHASE = 'UPDATE_LAUNCH_TEMPLATE';

const schema = z.object({ ...launchSettingFields, requireIMDV2: z.boolean().nullish(), requireIMDSv2: z.boolean().nullish(), imageId: z.string().max(64).nullish() });

export function updateLaunchTemplate(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'updateLaunchTemplate',
    displayName: 'ModifyServerGroupLaunchTemplateAtomicOperation',
    schema,
    account: (d) => accountOf(d),
    applications: (d) => {
      const app = parseName(groupNameOf(d)).app;
      return app === '' ? [] : [app];
    },
    validate: (d) => validateLaunchSetting(deps, 'modifyServerGroupLaunchTemplateDescription', d),
    async operate(d, ctx) {
      const status = (line: string) => ctx.task.updateStatus(PHASE, line);
      const account = accountOf(d) ?? '';
      const region = d.region ?? '';
      const asgName = groupNameOf(d);
      const c = regionClients(deps, account, region, ctx.signal);
      await status(`[SAGA_ACTION] Preparing to modify the launch template of EC2 Auto Scaling Group ${asgName}`);
      const group = await describeGroup(c, asgName);
      if (group === undefined) throw new AwsOperationError(`Failed to get server group ${asgName}.`, 'LaunchTemplateException');
      const spec = group.LaunchTemplate;
      if (!spec?.LaunchTemplateId) throw new AwsOperationError(`${asgName} in ${region} does not launch from a launch template${group.MixedInstancesPolicy ? ' (mixed instances policies are not supported here)' : ' (use updateLaunchConfig)'}`, 'LaunchTemplateException');
      const source = (await c.ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: spec.LaunchTemplateId, Versions: [spec.Version ?? '$Default'] }), c.opts)).LaunchTemplateVersions?.[0];
      const data = source?.LaunchTemplateData;
      if (source?.VersionNumber === undefined || data === undefined) throw new AwsOperationError(`Requested launch template ${spec.LaunchTemplateId} (version ${spec.Version ?? '$Default'}) was not found`, 'LaunchTemplateException');

      const change: RequestLaunchTemplateData = {};
      const amiName = d.amiName ?? d.imageId;
      if (amiName) {
        const ami = await resolveAmi(c, amiName);
        if (ami?.ImageId === undefined) throw new AwsOperationError(`unable to resolve AMI imageId from ${amiName} in ${region}`, 'IllegalArgumentException');
        if (ami.ImageId !== data.ImageId) change.ImageId = ami.ImageId;
      }
      if (d.instanceType && d.instanceType !== data.InstanceType) change.InstanceType = d.instanceType as 't3.micro';
      if (d.keyPair && d.keyPair !== data.KeyName) change.KeyName = d.keyPair;
      if (d.iamRole && d.iamRole !== data.IamInstanceProfile?.Name) change.IamInstanceProfile = { Name: d.iamRole };
      if (d.base64UserData != null && d.base64UserData !== (data.UserData ?? '')) change.UserData = d.base64UserData;
      if (d.instanceMonitoring != null && d.instanceMonitoring !== (data.Monitoring?.Enabled ?? false)) change.Monitoring = { Enabled: d.instanceMonitoring };
      if (d.ebsOptimized != null && d.ebsOptimized !== (data.EbsOptimized ?? false)) change.EbsOptimized = d.ebsOptimized;
      if (d.kernelId && d.kernelId !== data.KernelId) change.KernelId = d.kernelId;
      if (d.ramdiskId && d.ramdiskId !== data.RamDiskId) change.RamDiskId = d.ramdiskId;
      const imds = d.requireIMDSv2 ?? d.requireIMDV2;
      if (imds != null && imds !== (data.MetadataOptions?.HttpTokens === 'required')) change.MetadataOptions = { HttpTokens: imds ? 'required' : 'optional' };
      if (d.securityGroups != null) {
        const current = data.NetworkInterfaces?.[0]?.Groups ?? data.SecurityGroupIds ?? [];
        const resolved = d.securityGroups.length === 0 ? [] : await securityGroupIds(c, d.securityGroups, await vpcOfSubnets(c, group.VPCZoneIdentifier), parseName(asgName).app, status);
        const wanted = d.securityGroupsAppendOnly === true ? [...new Set([...current, ...resolved])] : resolved;
        if ([...wanted].sort().join(',') !== [...current].sort().join(',')) {
          if (data.NetworkInterfaces && data.NetworkInterfaces.length > 0) {
            change.NetworkInterfaces = data.NetworkInterfaces.map((n, i) => ({ DeviceIndex: n.DeviceIndex ?? i, ...(n.AssociatePublicIpAddress == null ? {} : { AssociatePublicIpAddress: n.AssociatePublicIpAddress }), Groups: i === 0 ? wanted : (n.Groups ?? []) }));
          } else {
            change.SecurityGroupIds = wanted;
          }
        }
      }
      if (Object.keys(change).length === 0) {
        await status(`No changes required for launch template ${spec.LaunchTemplateId} on ${asgName} in ${region}`);
        await status(`completed for ${asgName} in ${region}.`);
        return { launchTemplateId: spec.LaunchTemplateId, launchTemplateVersion: String(source.VersionNumber) };
      }

      await status(`[SAGA_ACTION] Modifying launch template (i.e. creating a new version) for EC2 Auto Scaling Group ${asgName}`);
      const created = await c.ec2.send(
        new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: spec.LaunchTemplateId, SourceVersion: String(source.VersionNumber), LaunchTemplateData: change, VersionDescription: `Spinnaker updateLaunchTemplate of ${asgName}` }),
        c.opts,
      );
      const version = created.LaunchTemplateVersion?.VersionNumber;
      if (version === undefined) throw new AwsOperationError('Failed to modify launch template', 'LaunchTemplateException');

      await status(`[SAGA_ACTION] Updating EC2 Auto Scaling Group ${asgName}`);
      try {
        await c.autoScaling.send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: asgName, LaunchTemplate: { LaunchTemplateId: spec.LaunchTemplateId, Version: String(version) } }), c.opts);
      } catch (err) {
        let message = `Failed to update server group ${asgName}.Error: ${errorMessage(err)}\n`;
        try {
          await status('[SAGA_ACTION] Cleaning up to keep the operation atomic.');
          await c.ec2.send(new DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: spec.LaunchTemplateId, Versions: [String(version)] }), c.opts);
        } catch (cleanup) {
          message += `Failed to clean up launch template version! Error: ${errorMessage(cleanup)}`;
        }
        throw new AwsOperationError(message, 'LaunchTemplateException');
      }
      await refreshAfterChange(deps, ctx, account, [region]);
      await status(`completed for ${asgName} in ${region}.`);
      return { launchTemplateId: spec.LaunchTemplateId, launchTemplateVersion: String(version) };
    },
  });
}
