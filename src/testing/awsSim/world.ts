/**
 * The simulated AWS world: accounts (each with IAM state and lazily created regions holding what a
 * new account holds), the credentials that sign requests into them (one long-term key pair per
 * account plus temporary STS credentials), deterministic ids, the injected clock and the tick
 * counter the convergence loop advances.
 */
import type { Clock } from '../../core/Clock.js';
import { prng } from '../prng.js';
import { emptyRegion } from './state.js';
import type { IamState, Image, RegionState } from './state.js';

export interface SimCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly accountId: string;
  /** The principal's ARN as GetCallerIdentity reports it. */
  readonly arn: string;
  readonly userId: string;
  readonly expiresAt?: number;
}

export class SimAccount {
  readonly iam: IamState = { serverCertificates: new Map() };
  private readonly regionStates = new Map<string, RegionState>();

  constructor(
    readonly id: string,
    private readonly world: AwsWorld,
  ) {}

  /** The region's state, created with a default VPC on first use (as a new account has). */
  region(name: string): RegionState {
    let r = this.regionStates.get(name);
    if (r === undefined) {
      r = emptyRegion(name);
      this.regionStates.set(name, r);
      this.world.initRegion(this, r);
    }
    return r;
  }

  regions(): RegionState[] {
    return [...this.regionStates.values()];
  }
}

export interface WorldOptions {
  readonly accounts: number;
  readonly regions: readonly string[];
  readonly seed: number;
  readonly demoImages: boolean;
  readonly clock: Clock;
}

/** `us-east-1` -> `use1`: the prefix of availability-zone ids. */
function zoneIdPrefix(region: string): string {
  const [geo = 'xx', dir = '', num = '1'] = region.split('-');
  const d = dir === 'east' ? 'e' : dir === 'west' ? 'w' : dir === 'central' ? 'c' : dir === 'north' ? 'n' : dir === 'south' ? 's' : dir.slice(0, 2);
  return `${geo}${d}${num}`;
}

export interface Zone {
  readonly zoneName: string;
  readonly zoneId: string;
}

export class AwsWorld {
  readonly accounts = new Map<string, SimAccount>();
  readonly credentials = new Map<string, SimCredentials>();
  readonly regionNames: readonly string[];
  readonly clock: Clock;
  /** Convergence steps taken so far; resources remember the tick they were created in. */
  tickCount = 0;
  eventualConsistency = false;
  private readonly random: () => number;
  private readonly demoImages: boolean;
  private readonly publicImageSets = new Map<string, Map<string, Image>>();

  constructor(options: WorldOptions) {
    this.regionNames = options.regions;
    this.clock = options.clock;
    this.random = prng(options.seed);
    this.demoImages = options.demoImages;
    for (let i = 0; i < options.accounts; i++) this.addAccount();
  }

  addAccount(): { account: SimAccount; credentials: SimCredentials } {
    const n = this.accounts.size;
    const id = String(123456789012 + n * 111111111).padStart(12, '0').slice(-12);
    const account = new SimAccount(id, this);
    this.accounts.set(id, account);
    const credentials: SimCredentials = {
      accessKeyId: `AKIA${this.upper(16)}`,
      secretAccessKey: this.secret(40),
      accountId: id,
      arn: `arn:aws:iam::${id}:user/sim-user`,
      userId: `AIDA${this.upper(17)}`,
    };
    this.credentials.set(credentials.accessKeyId, credentials);
    return { account, credentials };
  }

  account(id: string): SimAccount | undefined {
    return this.accounts.get(id);
  }

  /** The long-term key pair of each account, in creation order. */
  accountKeys(): SimCredentials[] {
    return [...this.credentials.values()].filter((c) => c.sessionToken === undefined);
  }

  zones(region: string): Zone[] {
    const prefix = zoneIdPrefix(region);
    return ['a', 'b', 'c'].map((l, i) => ({ zoneName: `${region}${l}`, zoneId: `${prefix}-az${i + 1}` }));
  }

  now(): Date {
    return new Date(this.clock.now());
  }

  /** Lower-case hex, as EC2 ids use (`i-0123456789abcdef0` has 17). */
  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += Math.floor(this.random() * 16).toString(16);
    return s;
  }

  upper(len: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(this.random() * alphabet.length)];
    return s;
  }

  secret(len: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    let s = '';
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(this.random() * alphabet.length)];
    return s;
  }

  uuid(): string {
    const h = this.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A request id in the format AWS returns. */
  requestId(): string {
    return this.uuid();
  }

  /**
   * What a new account holds in a region: the default VPC 172.31.0.0/16, a default /20 subnet per
   * availability zone (172.31.0.0/20, 172.31.16.0/20, ...) and its default security group (all
   * traffic from itself in, everything out)
   * (docs.aws.amazon.com/vpc/latest/userguide/default-vpc.html).
   */
  initRegion(account: SimAccount, r: RegionState): void {
    const vpcId = `vpc-${this.hex(17)}`;
    r.ec2.vpcs.set(vpcId, { vpcId, cidrBlock: '172.31.0.0/16', isDefault: true, ownerId: account.id, dhcpOptionsId: `dopt-${this.hex(17)}`, instanceTenancy: 'default' });
    this.zones(r.name).forEach((zone, i) => {
      const subnetId = `subnet-${this.hex(17)}`;
      r.ec2.subnets.set(subnetId, {
        subnetId,
        vpcId,
        cidrBlock: `172.31.${i * 16}.0/20`,
        availabilityZone: zone.zoneName,
        availabilityZoneId: zone.zoneId,
        defaultForAz: true,
        mapPublicIpOnLaunch: true,
        ownerId: account.id,
        subnetArn: `arn:aws:ec2:${r.name}:${account.id}:subnet/${subnetId}`,
        nextHost: 4,
        capacity: 4091,
      });
    });
    this.createDefaultSecurityGroup(account.id, r, vpcId);
  }

  /**
   * Public images of a region, shared by every account (a public AMI has one id per region):
   * the demo set with `--seed demo`, otherwise none.
   */
  publicImages(region: string): Map<string, Image> {
    let images = this.publicImageSets.get(region);
    if (images === undefined) {
      images = new Map(this.demoImages ? this.demoImageSet().map((i) => [i.imageId, i] as const) : []);
      this.publicImageSets.set(region, images);
    }
    return images;
  }

  createDefaultSecurityGroup(ownerId: string, r: RegionState, vpcId: string): string {
    const groupId = `sg-${this.hex(17)}`;
    r.ec2.securityGroups.set(groupId, {
      groupId,
      groupName: 'default',
      description: 'default VPC security group',
      vpcId,
      ownerId,
      ingress: [{ ipProtocol: '-1', ipRanges: [], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [{ groupId, userId: ownerId }] }],
      egress: [{ ipProtocol: '-1', ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [], userIdGroupPairs: [] }],
      createdTick: -1,
    });
    return groupId;
  }

  /** Public images owned by Amazon and Canonical, the same names in every region, ids per region. */
  private demoImageSet(): Image[] {
    const specs: [string, string, string, string, string][] = [
      ['137112412989', 'amazon', 'al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64', 'Amazon Linux 2023 AMI 2023.6.20241212.0 x86_64 HVM kernel-6.1', 'x86_64'],
      ['137112412989', 'amazon', 'al2023-ami-2023.6.20241212.0-kernel-6.1-arm64', 'Amazon Linux 2023 AMI 2023.6.20241212.0 arm64 HVM kernel-6.1', 'arm64'],
      ['137112412989', 'amazon', 'amzn2-ami-hvm-2.0.20241217.0-x86_64-gp2', 'Amazon Linux 2 AMI 2.0.20241217.0 x86_64 HVM gp2', 'x86_64'],
      ['099720109477', '', 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20241206', 'Canonical, Ubuntu, 24.04, amd64 noble image', 'x86_64'],
      ['099720109477', '', 'ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-20241206', 'Canonical, Ubuntu, 22.04 LTS, amd64 jammy image', 'x86_64'],
    ];
    return specs.map(([ownerId, alias, name, description, architecture]) => ({
      imageId: `ami-${this.hex(17)}`,
      name,
      description,
      ownerId,
      ...(alias === '' ? {} : { imageOwnerAlias: alias }),
      isPublic: true,
      architecture,
      creationDate: '2024-12-17T00:00:00.000Z',
      platformDetails: 'Linux/UNIX',
      rootDeviceName: '/dev/xvda',
      virtualizationType: 'hvm',
      hypervisor: 'xen',
      imageLocation: `${alias === '' ? ownerId : alias}/${name}`,
      snapshotId: `snap-${this.hex(17)}`,
      volumeSize: 8,
      state: 'available',
    }));
  }
}
