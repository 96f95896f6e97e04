/**
 * EC2 images: DescribeImages (own and public images; Owners, ExecutableBy, ids, filters;
 * MaxResults/NextToken), CreateImage from an instance, DeregisterImage.
 */
import { AwsError } from '../../errors.js';
import { required, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { Image } from '../../state.js';
import { applyTagSpecifications, ec2Page, matches, parseFilters, requireAll, tagSet } from './common.js';

function renderImage(ctx: RequestContext, img: Image): Record<string, unknown> {
  return {
    imageId: img.imageId,
    imageLocation: img.imageLocation,
    imageState: img.state,
    imageOwnerId: img.ownerId,
    creationDate: img.creationDate,
    isPublic: img.isPublic,
    architecture: img.architecture,
    imageType: 'machine',
    platformDetails: img.platformDetails,
    usageOperation: 'RunInstances',
    imageOwnerAlias: img.imageOwnerAlias,
    name: img.name,
    description: img.description,
    rootDeviceType: 'ebs',
    rootDeviceName: img.rootDeviceName,
    blockDeviceMapping: [{ deviceName: img.rootDeviceName, ebs: { deleteOnTermination: true, snapshotId: img.snapshotId, volumeSize: img.volumeSize, volumeType: 'gp3', encrypted: false } }],
    virtualizationType: img.virtualizationType,
    hypervisor: img.hypervisor,
    enaSupport: true,
    tagSet: tagSet(ctx.region.ec2.tags.get(img.imageId)),
  };
}

export const imageActions: Record<string, ActionHandler> = {

  DescribeImages: (ctx, p) => {
    const ids = strings(p, 'ImageId');
    const owners = strings(p, 'Owner');
    const executableBy = strings(p, 'ExecutableBy');
    const own = [...ctx.region.ec2.images.values()];
    const pub = [...ctx.world.publicImages(ctx.region.name).values()];
    let images = [...own, ...pub.filter((i) => !ctx.region.ec2.images.has(i.imageId))];
    if (ids.length > 0) {
      const byId = new Map(images.map((i) => [i.imageId, i]));
      images = requireAll(ids, (id) => byId.get(id), 'InvalidAMIID.NotFound', (m) => `The image id '[${m.join(', ')}]' does not exist`);
    }
    if (owners.length > 0) {
      images = images.filter((i) => owners.some((o) => (o === 'self' ? i.ownerId === ctx.account.id : o === i.ownerId || o === i.imageOwnerAlias)));
    }
    if (executableBy.length > 0) images = images.filter((i) => executableBy.some((e) => (e === 'all' ? i.isPublic : e === 'self' || e === ctx.account.id)));
    const filters = parseFilters(p);
    images = images.filter((i) =>
      matches(
        filters,
        (n) =>
          ({
            'image-id': [i.imageId],
            name: [i.name],
            description: [i.description],
            architecture: [i.architecture],
            'owner-id': [i.ownerId],
            'owner-alias': [i.imageOwnerAlias],
            'is-public': [String(i.isPublic)],
            state: [i.state],
            'root-device-type': ['ebs'],
            'virtualization-type': [i.virtualizationType],
            'image-type': ['machine'],
            'platform-details': [i.platformDetails],
          })[n],
        ctx.region.ec2.tags.get(i.imageId),
      ),
    );
    const page = ec2Page(ctx, p, images, { min: 1, max: 1000 }, ids.length > 0);
    return { imagesSet: page.items.map((i) => renderImage(ctx, i)), nextToken: page.next };
  },

  CreateImage: (ctx, p) => {
    const instanceId = required(p, 'InstanceId', 'MissingParameter');
    const name = required(p, 'Name', 'MissingParameter');
    const instance = ctx.region.ec2.instances.get(instanceId);
    if (instance === undefined || instance.state === 'terminated') throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    if ([...ctx.region.ec2.images.values()].some((i) => i.name === name)) throw new AwsError('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI`);
    const source = ctx.region.ec2.images.get(instance.imageId) ?? ctx.world.publicImages(ctx.region.name).get(instance.imageId);
    const image: Image = {
      imageId: `ami-${ctx.world.hex(17)}`,
      name,
      description: str(p, 'Description') ?? '',
      ownerId: ctx.account.id,
      isPublic: false,
      architecture: source?.architecture ?? 'x86_64',
      creationDate: ctx.world.now().toISOString(),
      platformDetails: 'Linux/UNIX',
      rootDeviceName: source?.rootDeviceName ?? '/dev/xvda',
      virtualizationType: 'hvm',
      hypervisor: 'xen',
      imageLocation: `${ctx.account.id}/${name}`,
      snapshotId: `snap-${ctx.world.hex(17)}`,
      volumeSize: source?.volumeSize ?? 8,
      state: 'available',
    };
    ctx.region.ec2.images.set(image.imageId, image);
    applyTagSpecifications(ctx.region.ec2, p, 'image', image.imageId);
    return { imageId: image.imageId };
  },

  DeregisterImage: (ctx, p) => {
    const imageId = required(p, 'ImageId', 'MissingParameter');
    if (!ctx.region.ec2.images.delete(imageId)) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    ctx.region.ec2.tags.delete(imageId);
    return { return: true };
  },

};
