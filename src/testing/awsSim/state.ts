/**
 * The simulated resources, per account and region (IAM per account). Plain records: the service
 * modules own the behaviour, the world (world.ts) owns where the records live. Field names follow
 * the wire names of the service that owns them where that keeps rendering simple.
 */

export type Tags = Map<string, string>;

// ---- EC2 -------------------------------------------------------------------------------------

export interface Vpc {
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly isDefault: boolean;
  readonly ownerId: string;
  readonly dhcpOptionsId: string;
  readonly instanceTenancy: string;
}

export interface Subnet {
  readonly subnetId: string;
  readonly vpcId: string;
  readonly cidrBlock: string;
  readonly availabilityZone: string;
  readonly availabilityZoneId: string;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
  readonly ownerId: string;
  readonly subnetArn: string;
  /** Next host number handed out inside the CIDR. */
  nextHost: number;
  readonly capacity: number;
}

export interface IpPermission {
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  ipRanges: { cidrIp: string; description?: string }[];
  ipv6Ranges: { cidrIpv6: string; description?: string }[];
  userIdGroupPairs: { groupId: string; userId: string; description?: string }[];
  prefixListIds: { prefixListId: string; description?: string }[];
}

export interface SecurityGroup {
  readonly groupId: string;
  readonly groupName: string;
  readonly description: string;
  readonly vpcId: string;
  readonly ownerId: string;
  ingress: IpPermission[];
  egress: IpPermission[];
  readonly createdTick: number;
}

export interface KeyPair {
  readonly keyName: string;
  readonly keyPairId: string;
  readonly keyFingerprint: string;
  readonly keyType: string;
  readonly createTime: Date;
}

export interface Image {
  readonly imageId: string;
  readonly name: string;
  readonly description: string;
  readonly ownerId: string;
  readonly imageOwnerAlias?: string;
  isPublic: boolean;
  readonly architecture: string;
  readonly creationDate: string;
  readonly platformDetails: string;
  readonly rootDeviceName: string;
  readonly virtualizationType: string;
  readonly hypervisor: string;
  readonly imageLocation: string;
  readonly snapshotId: string;
  readonly volumeSize: number;
  state: string;
}

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export interface Instance {
  readonly instanceId: string;
  readonly reservationId: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly keyName?: string;
  state: InstanceStateName;
  stateTransitionReason: string;
  readonly privateIpAddress: string;
  readonly publicIpAddress?: string;
  readonly subnetId: string;
  readonly vpcId: string;
  readonly availabilityZone: string;
  readonly launchTime: Date;
  readonly securityGroupIds: string[];
  readonly amiLaunchIndex: number;
  readonly launchTemplate?: { id: string; version: string };
  readonly iamInstanceProfileArn?: string;
  readonly userData?: string;
  readonly requesterId?: string;
  readonly createdTick: number;
  /** When it reached `terminated` (kept visible about an hour, as EC2 does). */
  terminatedAt?: number;
}

export interface LaunchTemplateVersion {
  readonly versionNumber: number;
  readonly versionDescription?: string;
  readonly createTime: Date;
  readonly createdBy: string;
  /** The RequestLaunchTemplateData as received (request member names). */
  readonly data: Record<string, unknown>;
}

export interface LaunchTemplate {
  readonly launchTemplateId: string;
  readonly launchTemplateName: string;
  readonly createTime: Date;
  readonly createdBy: string;
  defaultVersionNumber: number;
  latestVersionNumber: number;
  readonly versions: LaunchTemplateVersion[];
}

export interface Address {
  readonly allocationId: string;
  readonly publicIp: string;
  instanceId?: string;
  associationId?: string;
}

export interface Ec2State {
  readonly vpcs: Map<string, Vpc>;
  readonly subnets: Map<string, Subnet>;
  readonly securityGroups: Map<string, SecurityGroup>;
  readonly keyPairs: Map<string, KeyPair>;
  readonly images: Map<string, Image>;
  readonly instances: Map<string, Instance>;
  readonly launchTemplates: Map<string, LaunchTemplate>;
  readonly addresses: Map<string, Address>;
  /** Tags of every taggable EC2 resource by id. */
  readonly tags: Map<string, Tags>;
}

// ---- Auto Scaling ----------------------------------------------------------------------------

export interface LaunchConfiguration {
  readonly name: string;
  readonly arn: string;
  readonly imageId: string;
  readonly instanceType: string;
  readonly keyName?: string;
  readonly securityGroups: string[];
  readonly userData?: string;
  readonly iamInstanceProfile?: string;
  readonly instanceMonitoring: boolean;
  readonly associatePublicIpAddress?: boolean;
  readonly ebsOptimized: boolean;
  readonly blockDeviceMappings: Record<string, unknown>[];
  readonly createdTime: Date;
}

export type AsgLifecycleState = 'Pending' | 'InService' | 'Terminating' | 'Standby';

export interface AsgInstance {
  readonly instanceId: string;
  readonly availabilityZone: string;
  lifecycleState: AsgLifecycleState;
  healthStatus: 'Healthy' | 'Unhealthy';
  readonly instanceType: string;
  readonly launchConfigurationName?: string;
  readonly launchTemplate?: { id: string; name: string; version: string };
  protectedFromScaleIn: boolean;
  /** The launch or termination activity in progress for this instance (not rendered). */
  activity?: ScalingActivity;
}

export interface AsgTag {
  readonly key: string;
  readonly value: string;
  readonly propagateAtLaunch: boolean;
}

export interface AutoScalingGroup {
  readonly name: string;
  readonly arn: string;
  launchConfigurationName?: string;
  launchTemplate?: { id: string; name: string; version: string };
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  defaultCooldown: number;
  availabilityZones: string[];
  vpcZoneIdentifier: string;
  loadBalancerNames: string[];
  targetGroupArns: string[];
  healthCheckType: string;
  healthCheckGracePeriod: number;
  readonly createdTime: Date;
  suspendedProcesses: { processName: string; suspensionReason: string }[];
  tags: AsgTag[];
  terminationPolicies: string[];
  newInstancesProtectedFromScaleIn: boolean;
  capacityRebalance: boolean;
  instances: AsgInstance[];
  /** Set by DeleteAutoScalingGroup with ForceDelete while instances drain. */
  status?: string;
  /** Round-robin index over the group's zones for the next launch. */
  nextZone: number;
  /** SNS topic ARN -> notification types (PutNotificationConfiguration); nothing is published. */
  notifications?: Map<string, string[]>;
}

export interface ScalingPolicy {
  readonly policyName: string;
  readonly policyArn: string;
  readonly autoScalingGroupName: string;
  /** The request members as given (PolicyType, AdjustmentType, ScalingAdjustment, StepAdjustments, TargetTrackingConfiguration, ...). */
  readonly spec: Record<string, unknown>;
}

export interface ScheduledAction {
  readonly name: string;
  readonly arn: string;
  readonly autoScalingGroupName: string;
  readonly spec: Record<string, unknown>;
}

export interface LifecycleHook {
  readonly name: string;
  readonly autoScalingGroupName: string;
  readonly spec: Record<string, unknown>;
}

export interface ScalingActivity {
  readonly activityId: string;
  readonly autoScalingGroupName: string;
  readonly autoScalingGroupArn: string;
  readonly description: string;
  readonly cause: string;
  readonly startTime: Date;
  endTime?: Date;
  statusCode: 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  progress: number;
  readonly details: string;
}

export interface InstanceRefresh {
  readonly id: string;
  readonly autoScalingGroupName: string;
  status: 'Pending' | 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  statusReason?: string;
  readonly startTime: Date;
  endTime?: Date;
  readonly minHealthyPercentage: number;
  /** Instances still to be replaced. */
  readonly toReplace: Set<string>;
  readonly total: number;
  readonly preferences: Record<string, unknown>;
  readonly desiredConfiguration?: Record<string, unknown>;
}

export interface AutoScalingState {
  readonly groups: Map<string, AutoScalingGroup>;
  readonly launchConfigurations: Map<string, LaunchConfiguration>;
  readonly policies: Map<string, ScalingPolicy>;
  readonly scheduledActions: Map<string, ScheduledAction>;
  readonly lifecycleHooks: Map<string, LifecycleHook>;
  readonly activities: ScalingActivity[];
  readonly instanceRefreshes: InstanceRefresh[];
}

// ---- Elastic Load Balancing v2 ---------------------------------------------------------------

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining';

export interface RegisteredTarget {
  readonly id: string;
  readonly port: number;
  state: TargetHealthState;
  /** Tick the state was entered (draining ends after the deregistration delay, in ticks here). */
  since: number;
}

export interface LoadBalancerV2 {
  readonly arn: string;
  readonly name: string;
  readonly type: 'application' | 'network' | 'gateway';
  readonly scheme: string;
  readonly vpcId: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneId: string;
  readonly createdTime: Date;
  state: 'provisioning' | 'active';
  subnets: { subnetId: string; zoneName: string }[];
  securityGroups: string[];
  ipAddressType: string;
  readonly attributes: Map<string, string>;
}

export interface ListenerV2 {
  readonly arn: string;
  readonly loadBalancerArn: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  certificates: { CertificateArn: string }[];
  /** Certificates added with AddListenerCertificates (SNI), beside the default one. */
  extraCertificates: string[];
  defaultActions: Record<string, unknown>[];
}

export interface RuleV2 {
  readonly arn: string;
  readonly listenerArn: string;
  priority: string;
  conditions: Record<string, unknown>[];
  actions: Record<string, unknown>[];
  readonly isDefault: boolean;
}

export interface TargetGroup {
  readonly arn: string;
  readonly name: string;
  readonly protocol?: string;
  readonly port?: number;
  readonly vpcId?: string;
  readonly targetType: string;
  readonly protocolVersion?: string;
  health: {
    HealthCheckProtocol?: string;
    HealthCheckPort: string;
    HealthCheckEnabled: boolean;
    HealthCheckIntervalSeconds: number;
    HealthCheckTimeoutSeconds: number;
    HealthyThresholdCount: number;
    UnhealthyThresholdCount: number;
    HealthCheckPath?: string;
    Matcher?: Record<string, unknown>;
  };
  readonly attributes: Map<string, string>;
  readonly targets: Map<string, RegisteredTarget>;
}

export interface ElbV2State {
  readonly loadBalancers: Map<string, LoadBalancerV2>;
  readonly listeners: Map<string, ListenerV2>;
  readonly rules: Map<string, RuleV2>;
  readonly targetGroups: Map<string, TargetGroup>;
  readonly tags: Map<string, Tags>;
}

// ---- Classic Elastic Load Balancing ----------------------------------------------------------

export interface ClassicListener {
  Protocol: string;
  LoadBalancerPort: number;
  InstanceProtocol: string;
  InstancePort: number;
  SSLCertificateId?: string;
}

export interface ClassicLoadBalancer {
  readonly name: string;
  readonly dnsName: string;
  readonly canonicalHostedZoneNameId: string;
  readonly scheme: string;
  readonly vpcId?: string;
  readonly createdTime: Date;
  listeners: ClassicListener[];
  availabilityZones: string[];
  subnets: string[];
  securityGroups: string[];
  healthCheck: { Target: string; Interval: number; Timeout: number; UnhealthyThreshold: number; HealthyThreshold: number };
  /** Registered instance id -> health as DescribeInstanceHealth reports it. */
  readonly instances: Map<string, { state: 'InService' | 'OutOfService'; since: number; failed?: boolean }>;
  attributes: Record<string, Record<string, unknown>>;
  readonly tags: Tags;
  /** Policies by name: type (LBCookieStickinessPolicyType, AppCookieStickinessPolicyType, SSLNegotiationPolicyType...) and attributes. */
  readonly policies: Map<string, { type: string; attributes: Record<string, string> }>;
  /** Policy names per listener port (SetLoadBalancerPoliciesOfListener). */
  readonly listenerPolicies: Map<number, string[]>;
}

export interface ElbState {
  readonly loadBalancers: Map<string, ClassicLoadBalancer>;
}

// ---- CloudWatch ------------------------------------------------------------------------------

/** A metric alarm with DescribeAlarms' member names. */
export type MetricAlarm = Record<string, unknown> & { AlarmName: string; AlarmArn: string };

export interface CloudWatchState {
  readonly alarms: Map<string, MetricAlarm>;
  readonly tags: Map<string, Tags>;
}

// ---- IAM -------------------------------------------------------------------------------------

export interface ServerCertificate {
  readonly Path: string;
  readonly ServerCertificateName: string;
  readonly ServerCertificateId: string;
  readonly Arn: string;
  readonly UploadDate: Date;
  readonly Expiration: Date;
  readonly CertificateBody: string;
  readonly CertificateChain?: string;
  readonly tags: { Key: string; Value: string }[];
}

export interface IamState {
  readonly serverCertificates: Map<string, ServerCertificate>;
}

export interface RegionState {
  readonly name: string;
  readonly ec2: Ec2State;
  readonly autoScaling: AutoScalingState;
  readonly elbv2: ElbV2State;
  readonly elb: ElbState;
  readonly cloudWatch: CloudWatchState;
}

export function emptyRegion(name: string): RegionState {
  return {
    name,
    ec2: { vpcs: new Map(), subnets: new Map(), securityGroups: new Map(), keyPairs: new Map(), images: new Map(), instances: new Map(), launchTemplates: new Map(), addresses: new Map(), tags: new Map() },
    autoScaling: { groups: new Map(), launchConfigurations: new Map(), policies: new Map(), scheduledActions: new Map(), lifecycleHooks: new Map(), activities: [], instanceRefreshes: [] },
    elbv2: { loadBalancers: new Map(), listeners: new Map(), rules: new Map(), targetGroups: new Map(), tags: new Map() },
    elb: { loadBalancers: new Map() },
    cloudWatch: { alarms: new Map(), tags: new Map() },
  };
}
