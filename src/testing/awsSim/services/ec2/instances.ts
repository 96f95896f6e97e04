/**
 * EC2 instances: RunInstances (directly or from a launch template, with overrides),
 * TerminateInstances, StopInstances/StartInstances, DescribeInstances (reservations, filters,
 * MaxResults 5-1000) and DescribeInstanceStatus. Instances start `pending` and become `running`
 * on the next convergence tick; terminated ones go `shutting-down` then `terminated`, and stay
 * visible for an hour of simulated time, as on EC2.
 * docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html
 */
import { AwsError } from '../../errors.js';
import { bool, int, obj, objects, str, strings } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { Instance, InstanceStateName, RegionState, Subnet } from '../../state.js';
import type { AwsWorld, SimAccount } from '../../world.js';
import { INSTANCE_TYPE_NAMES, INSTANCE_TYPES } from '../../instanceTypes.js';
import { ec2Page, hidden, matches, parseFilters, setTags, tagSet } from './common.js';
import { findTemplate, launchSpecOfTemplate, templateVersion } from './launchTemplates.js';

export const STATE_CODES: Record<InstanceStateName, number> = { pending: 0, running: 16, 'shutting-down': 32, terminated: 48, stopping: 64, stopped: 80 };

/** How long terminated instances stay visible in DescribeInstances (EC2: about an hour). */
export const TERMINATED_RETENTION_MS = 60 * 60 * 1000;

export interface LaunchSpec {
  readonly imageId?: string;
  readonly instanceType?: string;
  readonly keyName?: string;
  readonly securityGroupIds: readonly string[];
  readonly securityGroupNames?: readonly string[];
  readonly subnetId?: string;
  readonly availabilityZone?: string;
  readonly count: number;
  readonly launchTemplate?: { id: string; version: string };
  readonly userData?: string;
  readonly iamInstanceProfile?: string;
  readonly tags: readonly (readonly [string, string])[];
  readonly requesterId?: string;
}

/**
 * Validates a launch and creates its instances (one reservation), with the errors RunInstances
 * documents: InvalidAMIID.NotFound, InvalidParameterValue (instance type), InvalidKeyPair.NotFound,
 * InvalidGroup.NotFound, InvalidSubnetID.NotFound, InvalidParameter (group and subnet in
 * different VPCs). Also used by Auto Scaling to launch into its groups.
 */
export function launchInstances(world: AwsWorld, account: SimAccount, region: RegionState, spec: LaunchSpec): Instance[] {
  const ec2 = region.ec2;
  const imageId = spec.imageId;
  if (imageId === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter ImageId');
  const image = ec2.images.get(imageId) ?? world.publicImages(region.name).get(imageId);
  if (image === undefined) throw new AwsError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
  const instanceType = spec.instanceType ?? 'm1.small';
  if (!INSTANCE_TYPE_NAMES.has(instanceType)) throw new AwsError('InvalidParameterValue', `Invalid value '${instanceType}' for InstanceType.`);
  if (spec.keyName !== undefined && ![...ec2.keyPairs.values()].some((k) => k.keyName === spec.keyName)) throw new AwsError('InvalidKeyPair.NotFound', `The key pair '${spec.keyName}' does not exist`);
  let subnet: Subnet | undefined;
  if (spec.subnetId !== undefined) {
    subnet = ec2.subnets.get(spec.subnetId);
    if (subnet === undefined) throw new AwsError('InvalidSubnetID.NotFound', `The subnet ID '${spec.subnetId}' does not exist`);
  } else {
    const defaults = [...ec2.subnets.values()].filter((s) => s.defaultForAz);
    subnet = spec.availabilityZone === undefined ? defaults[0] : defaults.find((s) => s.availabilityZone === spec.availabilityZone);
    if (subnet === undefined) throw new AwsError('MissingInput', 'No subnets found for the default VPC. Please specify a subnet.');
  }
  const groups = [...spec.securityGroupIds].map((id) => {
    const g = ec2.securityGroups.get(id);
    if (g === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  });
  for (const name of spec.securityGroupNames ?? []) {
    const g = [...ec2.securityGroups.values()].find((x) => x.groupName === name && x.vpcId === subnet.vpcId);
    if (g === undefined) throw new AwsError('InvalidGroup.NotFound', `The security group '${name}' does not exist in VPC '${subnet.vpcId}'`);
    groups.push(g);
  }
  if (groups.length === 0) {
    const dflt = [...ec2.securityGroups.values()].find((g) => g.vpcId === subnet.vpcId && g.groupName === 'default');
    if (dflt !== undefined) groups.push(dflt);
  }
  for (const g of groups) if (g.vpcId !== subnet.vpcId) throw new AwsError('InvalidParameter', `Security group ${g.groupId} and subnet ${subnet.subnetId} belong to different networks.`);
  if (subnet.nextHost - 4 + spec.count > subnet.capacity) throw new AwsError('InsufficientFreeAddressesInSubnet', `There are not enough free addresses in subnet '${subnet.subnetId}' to satisfy the requested number of instances.`);
  const reservationId = `r-${world.hex(17)}`;
  const out: Instance[] = [];
  const [a = 0, b = 0, c = 0] = subnet.cidrBlock.split('/')[0]?.split('.').map(Number) ?? [];
  for (let i = 0; i < spec.count; i++) {
    const host = subnet.nextHost++;
    const ip = `${a}.${b}.${c + Math.floor(host / 256)}.${host % 256}`;
    const instance: Instance = {
      instanceId: `i-${world.hex(17)}`,
      reservationId,
      imageId,
      instanceType,
      ...(spec.keyName === undefined ? {} : { keyName: spec.keyName }),
      state: 'pending',
      stateTransitionReason: '',
      privateIpAddress: ip,
      ...(subnet.mapPublicIpOnLaunch ? { publicIpAddress: `3.${80 + (Number.parseInt(world.hex(2), 16) % 160)}.${Number.parseInt(world.hex(2), 16)}.${Number.parseInt(world.hex(2), 16)}` } : {}),
      subnetId: subnet.subnetId,
      vpcId: subnet.vpcId,
      availabilityZone: subnet.availabilityZone,
      launchTime: world.now(),
      securityGroupIds: groups.map((g) => g.groupId),
      amiLaunchIndex: i,
      ...(spec.launchTemplate === undefined ? {} : { launchTemplate: spec.launchTemplate }),
      ...(spec.iamInstanceProfile === undefined ? {} : { iamInstanceProfileArn: spec.iamInstanceProfile.startsWith('arn:') ? spec.iamInstanceProfile : `arn:aws:iam::${account.id}:instance-profile/${spec.iamInstanceProfile}` }),
      ...(spec.userData === undefined ? {} : { userData: spec.userData }),
      ...(spec.requesterId === undefined ? {} : { requesterId: spec.requesterId }),
      createdTick: world.tickCount,
    };
    ec2.instances.set(instance.instanceId, instance);
    const tags: (readonly [string, string])[] = [...spec.tags];
    if (spec.launchTemplate !== undefined) tags.push(['aws:ec2launchtemplate:id', spec.launchTemplate.id], ['aws:ec2launchtemplate:version', spec.launchTemplate.version]);
    setTags(ec2, instance.instanceId, tags);
    out.push(instance);
  }
  return out;
}

/** Starts termination (`shutting-down`; `terminated` on the next tick). Returns the previous state. */
export function beginTermination(world: AwsWorld, instance: Instance, reason: string): InstanceStateName {
  const previous = instance.state;
  if (previous !== 'terminated' && previous !== 'shutting-down') {
    instance.state = 'shutting-down';
    instance.stateTransitionReason = `${reason} (${world.now().toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' GMT')})`;
  }
  return previous;
}

function privateDnsName(region: string, ip: string): string {
  return `ip-${ip.replace(/\./g, '-')}.${region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`}`;
}

export function renderInstance(ctx: RequestContext, i: Instance): Record<string, unknown> {
  const ec2 = ctx.region.ec2;
  const groups = i.securityGroupIds.map((id) => ({ groupId: id, groupName: ec2.securityGroups.get(id)?.groupName }));
  const image = ec2.images.get(i.imageId) ?? ctx.world.publicImages(ctx.region.name).get(i.imageId);
  const live = i.state !== 'terminated';
  return {
    instanceId: i.instanceId,
    imageId: i.imageId,
    instanceState: { code: STATE_CODES[i.state], name: i.state },
    privateDnsName: live ? privateDnsName(ctx.region.name, i.privateIpAddress) : '',
    dnsName: live && i.publicIpAddress !== undefined ? `ec2-${i.publicIpAddress.replace(/\./g, '-')}.compute-1.amazonaws.com` : '',
    reason: i.stateTransitionReason,
    keyName: i.keyName,
    amiLaunchIndex: i.amiLaunchIndex,
    productCodes: [],
    instanceType: i.instanceType,
    launchTime: i.launchTime,
    placement: { availabilityZone: i.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: 'disabled' },
    subnetId: live ? i.subnetId : undefined,
    vpcId: live ? i.vpcId : undefined,
    privateIpAddress: live ? i.privateIpAddress : undefined,
    ipAddress: live ? i.publicIpAddress : undefined,
    stateReason: i.state === 'terminated' || i.state === 'shutting-down' ? { code: 'Client.UserInitiatedShutdown', message: 'Client.UserInitiatedShutdown: User initiated shutdown' } : undefined,
    architecture: image?.architecture ?? 'x86_64',
    rootDeviceType: 'ebs',
    rootDeviceName: image?.rootDeviceName ?? '/dev/xvda',
    blockDeviceMapping: live ? [{ deviceName: image?.rootDeviceName ?? '/dev/xvda', ebs: { volumeId: `vol-${i.instanceId.slice(2)}`, status: 'attached', attachTime: i.launchTime, deleteOnTermination: true } }] : [],
    virtualizationType: 'hvm',
    clientToken: '',
    tagSet: tagSet(ec2.tags.get(i.instanceId)),
    groupSet: live ? groups : [],
    sourceDestCheck: true,
    hypervisor: 'xen',
    networkInterfaceSet: live
      ? [
          {
            networkInterfaceId: `eni-${i.instanceId.slice(2)}`,
            subnetId: i.subnetId,
            vpcId: i.vpcId,
            ownerId: ctx.account.id,
            status: 'in-use',
            privateIpAddress: i.privateIpAddress,
            sourceDestCheck: true,
            groupSet: groups,
            attachment: { attachmentId: `eni-attach-${i.instanceId.slice(2)}`, deviceIndex: 0, status: 'attached', attachTime: i.launchTime, deleteOnTermination: true },
            interfaceType: 'interface',
          },
        ]
      : [],
    iamInstanceProfile: i.iamInstanceProfileArn === undefined ? undefined : { arn: i.iamInstanceProfileArn, id: `AIPA${i.instanceId.slice(2, 19).toUpperCase()}` },
    ebsOptimized: false,
    enaSupport: true,
    cpuOptions: { coreCount: 1, threadsPerCore: 2 },
    metadataOptions: { state: 'applied', httpTokens: 'required', httpPutResponseHopLimit: 2, httpEndpoint: 'enabled' },
    platformDetails: 'Linux/UNIX',
    usageOperation: 'RunInstances',
  };
}

const instanceFilter = (ctx: RequestContext, i: Instance) => (name: string) =>
  ({
    'instance-id': [i.instanceId],
    'instance-state-name': [i.state],
    'instance-state-code': [String(STATE_CODES[i.state])],
    'instance-type': [i.instanceType],
    'image-id': [i.imageId],
    'vpc-id': [i.vpcId],
    'subnet-id': [i.subnetId],
    'availability-zone': [i.availabilityZone],
    'key-name': [i.keyName],
    'private-ip-address': [i.privateIpAddress],
    'ip-address': [i.publicIpAddress],
    'reservation-id': [i.reservationId],
    'instance.group-id': i.securityGroupIds,
    'instance.group-name': i.securityGroupIds.map((id) => ctx.region.ec2.securityGroups.get(id)?.groupName),
    'group-id': i.securityGroupIds,
    'owner-id': [ctx.account.id],
  })[name];

/** Instances the caller can see now (terminated ones for an hour; none created this tick under eventual consistency). */
function visibleInstances(ctx: RequestContext): Instance[] {
  const now = ctx.world.clock.now();
  return [...ctx.region.ec2.instances.values()].filter((i) => !hidden(ctx, i.createdTick) && (i.terminatedAt === undefined || now - i.terminatedAt < TERMINATED_RETENTION_MS));
}

function namedInstances(ctx: RequestContext, ids: readonly string[]): Instance[] {
  const visible = new Map(visibleInstances(ctx).map((i) => [i.instanceId, i]));
  const missing = ids.filter((id) => !visible.has(id));
  if (missing.length > 0) {
    const malformed = missing.find((id) => !/^i-[0-9a-f]{8}([0-9a-f]{9})?$/.test(id));
    if (malformed !== undefined) throw new AwsError('InvalidInstanceID.Malformed', `Invalid id: "${malformed}"`);
    throw new AwsError('InvalidInstanceID.NotFound', `The instance ID${missing.length > 1 ? 's' : ''} '${missing.join(', ')}' ${missing.length > 1 ? 'do' : 'does'} not exist`);
  }
  return ids.map((id) => visible.get(id) as Instance);
}

function stateChange(i: Instance, previous: InstanceStateName): Record<string, unknown> {
  return { instanceId: i.instanceId, currentState: { code: STATE_CODES[i.state], name: i.state }, previousState: { code: STATE_CODES[previous], name: previous } };
}

export const instanceActions: Record<string, ActionHandler> = {
  RunInstances: (ctx, p) => {
    const min = int(p, 'MinCount');
    const max = int(p, 'MaxCount');
    if (min === undefined || max === undefined) throw new AwsError('MissingParameter', `The request must contain the parameter ${min === undefined ? 'MinCount' : 'MaxCount'}`);
    if (min < 1 || max < min) throw new AwsError('InvalidParameterValue', `Value (${max}) for parameter maxCount is invalid. Expected a value greater than or equal to minCount (${min}).`);
    const ltRef = obj(p, 'LaunchTemplate');
    let base: ReturnType<typeof launchSpecOfTemplate> = { securityGroupIds: [], securityGroupNames: [], tags: [] };
    let launchTemplate: { id: string; version: string } | undefined;
    if (ltRef !== undefined) {
      const t = findTemplate(ctx.region, ltRef);
      const v = templateVersion(t, str(ltRef, 'Version'));
      base = launchSpecOfTemplate(v.data);
      launchTemplate = { id: t.launchTemplateId, version: String(v.versionNumber) };
    }
    const nic = objects(p, 'NetworkInterface')[0];
    const tags: [string, string][] = [...base.tags];
    for (const spec of objects(p, 'TagSpecification')) {
      if (str(spec, 'ResourceType') === 'instance') for (const t of objects(spec, 'Tag')) tags.push([str(t, 'Key') ?? '', str(t, 'Value') ?? '']);
    }
    const profile = obj(p, 'IamInstanceProfile');
    const groupIds = [...strings(p, 'SecurityGroupId'), ...(nic === undefined ? [] : strings(nic, 'SecurityGroupId'))];
    const instances = launchInstances(ctx.world, ctx.account, ctx.region, {
      imageId: str(p, 'ImageId') ?? base.imageId,
      instanceType: str(p, 'InstanceType') ?? base.instanceType,
      keyName: str(p, 'KeyName') ?? base.keyName,
      securityGroupIds: groupIds.length > 0 ? groupIds : base.securityGroupIds,
      securityGroupNames: strings(p, 'SecurityGroup').length > 0 ? strings(p, 'SecurityGroup') : base.securityGroupNames,
      subnetId: str(p, 'SubnetId') ?? (nic === undefined ? undefined : str(nic, 'SubnetId')) ?? base.subnetId,
      availabilityZone: str(obj(p, 'Placement') ?? {}, 'AvailabilityZone'),
      count: max,
      launchTemplate,
      userData: str(p, 'UserData') ?? base.userData,
      iamInstanceProfile: profile === undefined ? base.iamInstanceProfile : (str(profile, 'Arn') ?? str(profile, 'Name')),
      tags,
    });
    const first = instances[0] as Instance;
    return {
      reservationId: first.reservationId,
      ownerId: ctx.account.id,
      groupSet: [],
      instancesSet: instances.map((i) => renderInstance(ctx, i)),
    };
  },

  DescribeInstances: (ctx, p) => {
    const ids = strings(p, 'InstanceId');
    const filters = parseFilters(p);
    const candidates = ids.length > 0 ? namedInstances(ctx, ids) : visibleInstances(ctx);
    const selected = candidates.filter((i) => matches(filters, instanceFilter(ctx, i), ctx.region.ec2.tags.get(i.instanceId)));
    const page = ec2Page(ctx, p, selected, { min: 5, max: 1000 }, ids.length > 0);
    const reservations = new Map<string, Instance[]>();
    for (const i of page.items) reservations.set(i.reservationId, [...(reservations.get(i.reservationId) ?? []), i]);
    return {
      reservationSet: [...reservations].map(([reservationId, list]) => ({
        reservationId,
        ownerId: ctx.account.id,
        requesterId: list[0]?.requesterId,
        groupSet: [],
        instancesSet: list.map((i) => renderInstance(ctx, i)),
      })),
      nextToken: page.next,
    };
  },

  DescribeInstanceStatus: (ctx, p) => {
    const ids = strings(p, 'InstanceId');
    const all = bool(p, 'IncludeAllInstances') === true;
    const candidates = (ids.length > 0 ? namedInstances(ctx, ids) : visibleInstances(ctx)).filter((i) => all || i.state === 'running');
    const page = ec2Page(ctx, p, candidates, { min: 5, max: 1000 }, ids.length > 0);
    return {
      instanceStatusSet: page.items.map((i) => {
        const ok = i.state === 'running' ? 'ok' : 'not-applicable';
        return {
          instanceId: i.instanceId,
          availabilityZone: i.availabilityZone,
          instanceState: { code: STATE_CODES[i.state], name: i.state },
          systemStatus: { status: ok, details: [{ name: 'reachability', status: i.state === 'running' ? 'passed' : 'initializing' }] },
          instanceStatus: { status: ok, details: [{ name: 'reachability', status: i.state === 'running' ? 'passed' : 'initializing' }] },
        };
      }),
      nextToken: page.next,
    };
  },

  TerminateInstances: (ctx, p) => {
    const ids = strings(p, 'InstanceId');
    if (ids.length === 0) throw new AwsError('MissingParameter', 'The request must contain the parameter InstanceId');
    const instances = namedInstances(ctx, ids);
    return { instancesSet: instances.map((i) => stateChange(i, beginTermination(ctx.world, i, 'User initiated'))) };
  },

  StopInstances: (ctx, p) => {
    const instances = namedInstances(ctx, strings(p, 'InstanceId'));
    return {
      instancesSet: instances.map((i) => {
        const previous = i.state;
        if (previous === 'terminated' || previous === 'shutting-down') throw new AwsError('IncorrectInstanceState', `This instance '${i.instanceId}' is not in a state from which it can be stopped.`);
        if (previous === 'running' || previous === 'pending') i.state = 'stopping';
        return stateChange(i, previous);
      }),
    };
  },

  StartInstances: (ctx, p) => {
    const instances = namedInstances(ctx, strings(p, 'InstanceId'));
    return {
      instancesSet: instances.map((i) => {
        const previous = i.state;
        if (previous !== 'stopped' && previous !== 'running' && previous !== 'pending') throw new AwsError('IncorrectInstanceState', `The instance '${i.instanceId}' is not in a state from which it can be started.`);
        if (previous === 'stopped') i.state = 'pending';
        return stateChange(i, previous);
      }),
    };
  },

  DescribeInstanceTypes: (ctx, p) => {
    const wanted = strings(p, 'InstanceType');
    for (const w of wanted) if (!INSTANCE_TYPE_NAMES.has(w)) throw new AwsError('InvalidInstanceType', `The following supplied instance types do not exist: [${w}]`);
    const filters = parseFilters(p);
    const types = INSTANCE_TYPES.filter((t) => wanted.length === 0 || wanted.includes(t.instanceType)).filter((t) =>
      matches(filters, (n) => ({ 'instance-type': [t.instanceType], 'current-generation': ['true'], 'processor-info.supported-architecture': [t.architecture], 'vcpu-info.default-vcpus': [String(t.vcpus)], 'memory-info.size-in-mib': [String(t.memoryMiB)], 'burstable-performance-supported': [String(t.burstable)] })[n], undefined),
    );
    const page = ec2Page(ctx, p, types, { min: 5, max: 100 });
    return {
      instanceTypeSet: page.items.map((t) => ({
        instanceType: t.instanceType,
        currentGeneration: true,
        freeTierEligible: t.instanceType === 't3.micro',
        supportedUsageClasses: ['on-demand', 'spot'],
        supportedRootDeviceTypes: ['ebs'],
        supportedVirtualizationTypes: ['hvm'],
        bareMetal: false,
        hypervisor: 'nitro',
        processorInfo: { supportedArchitectures: [t.architecture], sustainedClockSpeedInGhz: t.architecture === 'arm64' ? 2.5 : 3.1 },
        vCpuInfo: { defaultVCpus: t.vcpus, defaultCores: Math.max(1, t.vcpus / 2), defaultThreadsPerCore: t.architecture === 'arm64' ? 1 : 2 },
        memoryInfo: { sizeInMiB: t.memoryMiB },
        instanceStorageSupported: false,
        ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
        networkInfo: { networkPerformance: t.network, maximumNetworkInterfaces: 3, ipv4AddressesPerInterface: 10, ipv6Supported: true, enaSupport: 'required' },
        placementGroupInfo: { supportedStrategies: ['partition', 'spread'] },
        hibernationSupported: false,
        burstablePerformanceSupported: t.burstable,
        dedicatedHostsSupported: !t.burstable,
        autoRecoverySupported: true,
        supportedBootModes: t.architecture === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
      })),
      nextToken: page.next,
    };
  },
};

