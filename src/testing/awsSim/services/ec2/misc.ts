/**
 * The rest of EC2 a Spinnaker deployment reads: DescribeRegions, DescribeAvailabilityZones,
 * images (DescribeImages with Owner/ExecutableBy/filters, CreateImage from an instance,
 * DeregisterImage), key pairs (Create/Import/Describe/Delete), Elastic IP addresses
 * (Allocate/Describe/Associate/Disassociate/Release), and tags (CreateTags, DeleteTags,
 * DescribeTags with filters and MaxResults 5-1000).
 */
import { createHash } from 'node:crypto';
import { AwsError } from '../../errors.js';
import { objects, required, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { Image } from '../../state.js';
import { applyTagSpecifications, ec2Page, matches, parseFilters, requireAll, setTags, tagSet } from './common.js';

/** The resource type DescribeTags reports, from the id's prefix. */
const RESOURCE_TYPES: Record<string, string> = {
  i: 'instance',
  sg: 'security-group',
  vpc: 'vpc',
  subnet: 'subnet',
  ami: 'image',
  lt: 'launch-template',
  key: 'key-pair',
  eipalloc: 'elastic-ip',
};

function resourceExists(ctx: RequestContext, id: string): boolean {
  const ec2 = ctx.region.ec2;
  const type = RESOURCE_TYPES[id.split('-')[0] ?? ''];
  switch (type) {
    case 'instance':
      return ec2.instances.has(id);
    case 'security-group':
      return ec2.securityGroups.has(id);
    case 'vpc':
      return ec2.vpcs.has(id);
    case 'subnet':
      return ec2.subnets.has(id);
    case 'image':
      return ec2.images.has(id);
    case 'launch-template':
      return ec2.launchTemplates.has(id);
    case 'key-pair':
      return [...ec2.keyPairs.values()].some((k) => k.keyPairId === id);
    case 'elastic-ip':
      return ec2.addresses.has(id);
    default:
      return false;
  }
}

function notFoundCode(id: string): string {
  const prefix = id.split('-')[0] ?? '';
  return (
    {
      i: 'InvalidInstanceID.NotFound',
      sg: 'InvalidGroup.NotFound',
      vpc: 'InvalidVpcID.NotFound',
      subnet: 'InvalidSubnetID.NotFound',
      ami: 'InvalidAMIID.NotFound',
      lt: 'InvalidLaunchTemplateId.NotFound',
      eipalloc: 'InvalidAllocationID.NotFound',
    }[prefix] ?? 'InvalidID'
  );
}

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

function fingerprint(material: string): string {
  return (createHash('sha1').update(material).digest('hex').match(/../g) ?? []).join(':');
}

export const miscActions: Record<string, ActionHandler> = {
  DescribeRegions: (ctx, p) => {
    const wanted = strings(p, 'RegionName');
    for (const w of wanted) if (!ctx.world.regionNames.includes(w)) throw new AwsError('InvalidParameterValue', `Invalid region: ${w}`);
    const filters = parseFilters(p);
    return {
      regionInfo: ctx.world.regionNames
        .filter((r) => wanted.length === 0 || wanted.includes(r))
        .filter((r) => matches(filters, (n) => ({ 'region-name': [r], endpoint: [`ec2.${r}.amazonaws.com`], 'opt-in-status': ['opt-in-not-required'] })[n], undefined))
        .map((r) => ({ regionName: r, regionEndpoint: `ec2.${r}.amazonaws.com`, optInStatus: 'opt-in-not-required' })),
    };
  },

  DescribeAvailabilityZones: (ctx, p) => {
    const names = strings(p, 'ZoneName');
    const ids = strings(p, 'ZoneId');
    const zones = ctx.world.zones(ctx.region.name);
    for (const n of names) if (!zones.some((z) => z.zoneName === n)) throw new AwsError('InvalidParameterValue', `The zone '${n}' does not exist.`);
    const filters = parseFilters(p);
    return {
      availabilityZoneInfo: zones
        .filter((z) => (names.length === 0 || names.includes(z.zoneName)) && (ids.length === 0 || ids.includes(z.zoneId)))
        .filter((z) => matches(filters, (n) => ({ 'zone-name': [z.zoneName], 'zone-id': [z.zoneId], 'region-name': [ctx.region.name], state: ['available'], 'zone-type': ['availability-zone'] })[n], undefined))
        .map((z) => ({
          optInStatus: 'opt-in-not-required',
          messageSet: [],
          regionName: ctx.region.name,
          zoneName: z.zoneName,
          zoneId: z.zoneId,
          groupName: ctx.region.name,
          networkBorderGroup: ctx.region.name,
          zoneType: 'availability-zone',
          zoneState: 'available',
        })),
    };
  },

  /** DescribeAccountAttributes: the platform is VPC-only; default-vpc is the region's default VPC. */
  DescribeAccountAttributes: (ctx, p) => {
    const wanted = strings(p, 'AttributeName');
    const dflt = [...ctx.region.ec2.vpcs.values()].find((v) => v.isDefault)?.vpcId ?? 'none';
    const attributes: Record<string, string[]> = {
      'supported-platforms': ['VPC'],
      'default-vpc': [dflt],
      'max-instances': ['20'],
      'vpc-max-security-groups-per-interface': ['5'],
      'max-elastic-ips': ['5'],
      'vpc-max-elastic-ips': ['5'],
    };
    for (const w of wanted) if (!(w in attributes)) throw new AwsError('InvalidParameterValue', `Value (${w}) for parameter attributeName is invalid.`);
    return {
      accountAttributeSet: Object.entries(attributes)
        .filter(([name]) => wanted.length === 0 || wanted.includes(name))
        .map(([attributeName, values]) => ({ attributeName, attributeValueSet: values.map((attributeValue) => ({ attributeValue })) })),
    };
  },

  /**
   * DescribeReservedInstances: reservations cannot be purchased in the simulator, so an account
   * holds none; ids asked for are InvalidReservedInstancesId.NotFound (filters are accepted).
   */
  DescribeReservedInstances: (_ctx, p) => {
    const ids = strings(p, 'ReservedInstancesId');
    if (ids.length > 0) throw new AwsError('InvalidReservedInstancesId.NotFound', `The reserved instances ID '${ids.join(', ')}' does not exist`);
    return { reservedInstancesSet: [] };
  },

  // ---- images -----------------------------------------------------------------------------------

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

  // ---- key pairs --------------------------------------------------------------------------------

  CreateKeyPair: (ctx, p) => {
    const keyName = required(p, 'KeyName', 'MissingParameter');
    if ([...ctx.region.ec2.keyPairs.values()].some((k) => k.keyName === keyName)) throw new AwsError('InvalidKeyPair.Duplicate', `The keypair already exists`);
    const keyType = str(p, 'KeyType') ?? 'rsa';
    const material = `-----BEGIN RSA PRIVATE KEY-----\n${ctx.world.secret(64)}\n-----END RSA PRIVATE KEY-----`;
    const key = { keyName, keyPairId: `key-${ctx.world.hex(17)}`, keyFingerprint: fingerprint(material), keyType, createTime: ctx.world.now() };
    ctx.region.ec2.keyPairs.set(key.keyPairId, key);
    applyTagSpecifications(ctx.region.ec2, p, 'key-pair', key.keyPairId);
    return { keyName, keyFingerprint: key.keyFingerprint, keyMaterial: material, keyPairId: key.keyPairId, tagSet: tagSet(ctx.region.ec2.tags.get(key.keyPairId)) };
  },

  ImportKeyPair: (ctx, p) => {
    const keyName = required(p, 'KeyName', 'MissingParameter');
    const material = Buffer.from(required(p, 'PublicKeyMaterial', 'MissingParameter'), 'base64').toString('utf8');
    if ([...ctx.region.ec2.keyPairs.values()].some((k) => k.keyName === keyName)) throw new AwsError('InvalidKeyPair.Duplicate', `The keypair already exists`);
    if (!/^(ssh-rsa|ssh-ed25519|ecdsa-sha2-\S+) /.test(material)) throw new AwsError('InvalidKey.Format', 'Key is not in valid OpenSSH public key format');
    const key = { keyName, keyPairId: `key-${ctx.world.hex(17)}`, keyFingerprint: fingerprint(material), keyType: material.startsWith('ssh-ed25519') ? 'ed25519' : 'rsa', createTime: ctx.world.now() };
    ctx.region.ec2.keyPairs.set(key.keyPairId, key);
    return { keyName, keyFingerprint: key.keyFingerprint, keyPairId: key.keyPairId, tagSet: [] };
  },

  DescribeKeyPairs: (ctx, p) => {
    const names = strings(p, 'KeyName');
    const ids = strings(p, 'KeyPairId');
    let keys = [...ctx.region.ec2.keyPairs.values()];
    if (names.length > 0) keys = requireAll(names, (n) => keys.find((k) => k.keyName === n), 'InvalidKeyPair.NotFound', (m) => `The key pair '${m.join(', ')}' does not exist`);
    if (ids.length > 0) keys = requireAll(ids, (id) => keys.find((k) => k.keyPairId === id), 'InvalidKeyPair.NotFound', (m) => `The key pair '${m.join(', ')}' does not exist`);
    const filters = parseFilters(p);
    keys = keys.filter((k) => matches(filters, (n) => ({ 'key-name': [k.keyName], 'key-pair-id': [k.keyPairId], fingerprint: [k.keyFingerprint] })[n], ctx.region.ec2.tags.get(k.keyPairId)));
    return { keySet: keys.map((k) => ({ keyPairId: k.keyPairId, keyType: k.keyType, tagSet: tagSet(ctx.region.ec2.tags.get(k.keyPairId)), createTime: k.createTime, keyName: k.keyName, keyFingerprint: k.keyFingerprint })) };
  },

  DeleteKeyPair: (ctx, p) => {
    const name = str(p, 'KeyName');
    const id = str(p, 'KeyPairId');
    const key = [...ctx.region.ec2.keyPairs.values()].find((k) => k.keyName === name || k.keyPairId === id);
    // EC2 answers true for a key that does not exist (idempotent delete).
    if (key !== undefined) ctx.region.ec2.keyPairs.delete(key.keyPairId);
    return { return: true, keyPairId: key?.keyPairId };
  },

  // ---- Elastic IPs ------------------------------------------------------------------------------

  AllocateAddress: (ctx, p) => {
    const n = ctx.region.ec2.addresses.size;
    const address = { allocationId: `eipalloc-${ctx.world.hex(17)}`, publicIp: `54.${160 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${(n % 254) + 1}` };
    ctx.region.ec2.addresses.set(address.allocationId, address);
    applyTagSpecifications(ctx.region.ec2, p, 'elastic-ip', address.allocationId);
    return { publicIp: address.publicIp, allocationId: address.allocationId, domain: 'vpc', networkBorderGroup: ctx.region.name, publicIpv4Pool: 'amazon' };
  },

  DescribeAddresses: (ctx, p) => {
    const ips = strings(p, 'PublicIp');
    const ids = strings(p, 'AllocationId');
    let addresses = [...ctx.region.ec2.addresses.values()];
    if (ids.length > 0) addresses = requireAll(ids, (id) => ctx.region.ec2.addresses.get(id), 'InvalidAllocationID.NotFound', (m) => `The allocation IDs '${m.join(', ')}' do not exist`);
    if (ips.length > 0) addresses = requireAll(ips, (ip) => addresses.find((a) => a.publicIp === ip), 'InvalidAddress.NotFound', (m) => `Address '${m.join(', ')}' not found.`);
    const filters = parseFilters(p);
    addresses = addresses.filter((a) => matches(filters, (n) => ({ 'allocation-id': [a.allocationId], 'public-ip': [a.publicIp], 'instance-id': [a.instanceId], 'association-id': [a.associationId], domain: ['vpc'] })[n], ctx.region.ec2.tags.get(a.allocationId)));
    return {
      addressesSet: addresses.map((a) => {
        const instance = a.instanceId === undefined ? undefined : ctx.region.ec2.instances.get(a.instanceId);
        return {
          allocationId: a.allocationId,
          associationId: a.associationId,
          domain: 'vpc',
          instanceId: a.instanceId,
          privateIpAddress: instance?.privateIpAddress,
          networkInterfaceId: instance === undefined ? undefined : `eni-${instance.instanceId.slice(2)}`,
          networkInterfaceOwnerId: instance === undefined ? undefined : ctx.account.id,
          publicIp: a.publicIp,
          publicIpv4Pool: 'amazon',
          networkBorderGroup: ctx.region.name,
          tagSet: tagSet(ctx.region.ec2.tags.get(a.allocationId)),
        };
      }),
    };
  },

  AssociateAddress: (ctx, p) => {
    const allocationId = required(p, 'AllocationId', 'MissingParameter');
    const instanceId = required(p, 'InstanceId', 'MissingParameter');
    const address = ctx.region.ec2.addresses.get(allocationId);
    if (address === undefined) throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    const instance = ctx.region.ec2.instances.get(instanceId);
    if (instance === undefined || instance.state === 'terminated') throw new AwsError('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    if (instance.state !== 'running') throw new AwsError('IncorrectInstanceState', `The instance '${instanceId}' is not in a valid state for this operation.`);
    address.instanceId = instanceId;
    address.associationId = `eipassoc-${ctx.world.hex(17)}`;
    return { return: true, associationId: address.associationId };
  },

  DisassociateAddress: (ctx, p) => {
    const associationId = required(p, 'AssociationId', 'MissingParameter');
    const address = [...ctx.region.ec2.addresses.values()].find((a) => a.associationId === associationId);
    if (address === undefined) throw new AwsError('InvalidAssociationID.NotFound', `The association ID '${associationId}' does not exist`);
    delete address.instanceId;
    delete address.associationId;
    return { return: true };
  },

  ReleaseAddress: (ctx, p) => {
    const allocationId = required(p, 'AllocationId', 'MissingParameter');
    const address = ctx.region.ec2.addresses.get(allocationId);
    if (address === undefined) throw new AwsError('InvalidAllocationID.NotFound', `The allocation ID '${allocationId}' does not exist`);
    if (address.associationId !== undefined) throw new AwsError('InvalidIPAddress.InUse', `Address ${address.publicIp} is in use.`);
    ctx.region.ec2.addresses.delete(allocationId);
    return { return: true };
  },

  // ---- tags -------------------------------------------------------------------------------------

  CreateTags: (ctx, p) => {
    const ids = strings(p, 'ResourceId');
    if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter resourceIdSet');
    for (const id of ids) if (!resourceExists(ctx, id)) throw new AwsError(notFoundCode(id), `The ID '${id}' does not exist`);
    const tags = objects(p, 'Tag').map((t) => [required(t, 'Key', 'MissingParameter'), str(t, 'Value') ?? ''] as const);
    for (const [k] of tags) if (k.startsWith('aws:')) throw new AwsError('InvalidParameterValue', 'Tag keys starting with \'aws:\' are reserved for internal use');
    for (const id of ids) setTags(ctx.region.ec2, id, tags);
    return { return: true };
  },

  DeleteTags: (ctx, p) => {
    const ids = strings(p, 'ResourceId');
    const tags = objects(p, 'Tag');
    for (const id of ids) {
      const existing = ctx.region.ec2.tags.get(id);
      if (existing === undefined) continue;
      if (tags.length === 0) existing.clear();
      for (const t of tags) {
        const key = str(t, 'Key') ?? '';
        const value = str(t, 'Value');
        if (value === undefined || existing.get(key) === value) existing.delete(key);
      }
    }
    return { return: true };
  },

  DescribeTags: (ctx, p) => {
    const filters = parseFilters(p);
    const rows: { resourceId: string; resourceType: string; key: string; value: string }[] = [];
    for (const [resourceId, tags] of ctx.region.ec2.tags) {
      if (!resourceExists(ctx, resourceId)) continue;
      const resourceType = RESOURCE_TYPES[resourceId.split('-')[0] ?? ''] ?? 'unknown';
      for (const [key, value] of tags) {
        const row = { resourceId, resourceType, key, value };
        if (matches(filters, (n) => ({ 'resource-id': [resourceId], 'resource-type': [resourceType], key: [key], value: [value] })[n], undefined)) rows.push(row);
      }
    }
    const page = ec2Page(ctx, p, rows, { min: 5, max: 1000 });
    return { tagSet: page.items, nextToken: page.next };
  },
};
