/**
 * Auto Scaling launch configurations: Create/Describe/DeleteLaunchConfiguration.
 * docs.aws.amazon.com/autoscaling/ec2/APIReference/API_CreateLaunchConfiguration.html
 */
import { AwsError, validationError } from '../../errors.js';
import { bool, obj, objects, str, strings } from '../../params.js';
import type { ActionHandler } from '../../service.js';
import type { LaunchConfiguration } from '../../state.js';
import { INSTANCE_TYPE_NAMES } from '../../instanceTypes.js';
import { asgPage, resourceInUse } from './common.js';

function render(lc: LaunchConfiguration): Record<string, unknown> {
  return {
    LaunchConfigurationName: lc.name,
    LaunchConfigurationARN: lc.arn,
    ImageId: lc.imageId,
    KeyName: lc.keyName ?? '',
    SecurityGroups: lc.securityGroups,
    UserData: lc.userData ?? '',
    InstanceType: lc.instanceType,
    KernelId: '',
    RamdiskId: '',
    BlockDeviceMappings: lc.blockDeviceMappings,
    InstanceMonitoring: { Enabled: lc.instanceMonitoring },
    IamInstanceProfile: lc.iamInstanceProfile,
    CreatedTime: lc.createdTime,
    EbsOptimized: lc.ebsOptimized,
    AssociatePublicIpAddress: lc.associatePublicIpAddress,
  };
}

export const launchConfigurationActions: Record<string, ActionHandler> = {
  CreateLaunchConfiguration: (ctx, p) => {
    const name = str(p, 'LaunchConfigurationName') ?? '';
    if (name === '') throw validationError("1 validation error detected: Value null at 'launchConfigurationName' failed to satisfy constraint: Member must not be null");
    if (ctx.region.autoScaling.launchConfigurations.has(name)) throw new AwsError('AlreadyExists', `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`);
    const imageId = str(p, 'ImageId');
    const instanceType = str(p, 'InstanceType');
    if (imageId === undefined || instanceType === undefined) throw validationError(`1 validation error detected: Value null at '${imageId === undefined ? 'imageId' : 'instanceType'}' failed to satisfy constraint: Member must not be null`);
    if (!ctx.region.ec2.images.has(imageId) && !ctx.world.publicImages(ctx.region.name).has(imageId)) throw validationError(`The image id '[${imageId}]' does not exist`);
    if (!INSTANCE_TYPE_NAMES.has(instanceType)) throw validationError(`Invalid value '${instanceType}' for InstanceType.`);
    const keyName = str(p, 'KeyName');
    if (keyName !== undefined && ![...ctx.region.ec2.keyPairs.values()].some((k) => k.keyName === keyName)) throw validationError(`The key pair '${keyName}' does not exist`);
    const securityGroups = strings(p, 'SecurityGroups');
    for (const sg of securityGroups) {
      if (sg.startsWith('sg-') ? !ctx.region.ec2.securityGroups.has(sg) : ![...ctx.region.ec2.securityGroups.values()].some((g) => g.groupName === sg)) {
        throw validationError(`The security group '${sg}' does not exist`);
      }
    }
    const lc: LaunchConfiguration = {
      name,
      arn: `arn:aws:autoscaling:${ctx.region.name}:${ctx.account.id}:launchConfiguration:${ctx.world.uuid()}:launchConfigurationName/${name}`,
      imageId,
      instanceType,
      ...(keyName === undefined ? {} : { keyName }),
      securityGroups,
      ...(str(p, 'UserData') === undefined ? {} : { userData: str(p, 'UserData') }),
      ...(str(p, 'IamInstanceProfile') === undefined ? {} : { iamInstanceProfile: str(p, 'IamInstanceProfile') }),
      instanceMonitoring: bool(obj(p, 'InstanceMonitoring') ?? {}, 'Enabled') ?? true,
      ...(bool(p, 'AssociatePublicIpAddress') === undefined ? {} : { associatePublicIpAddress: bool(p, 'AssociatePublicIpAddress') }),
      ebsOptimized: bool(p, 'EbsOptimized') ?? false,
      blockDeviceMappings: objects(p, 'BlockDeviceMappings'),
      createdTime: ctx.world.now(),
    };
    ctx.region.autoScaling.launchConfigurations.set(name, lc);
    return undefined;
  },

  DescribeLaunchConfigurations: (ctx, p) => {
    const names = strings(p, 'LaunchConfigurationNames');
    const all = [...ctx.region.autoScaling.launchConfigurations.values()];
    const selected = names.length > 0 ? all.filter((lc) => names.includes(lc.name)) : all;
    const page = asgPage(ctx, p, selected);
    return { LaunchConfigurations: page.items.map(render), NextToken: page.next };
  },

  DeleteLaunchConfiguration: (ctx, p) => {
    const name = str(p, 'LaunchConfigurationName') ?? '';
    if (!ctx.region.autoScaling.launchConfigurations.has(name)) throw validationError(`Launch configuration name not found - Launch configuration ${name} not found`);
    const user = [...ctx.region.autoScaling.groups.values()].find((g) => g.launchConfigurationName === name);
    if (user !== undefined) throw resourceInUse(`Cannot delete launch configuration ${name} because it is attached to AutoScalingGroup ${user.name}`);
    ctx.region.autoScaling.launchConfigurations.delete(name);
    return undefined;
  },
};
