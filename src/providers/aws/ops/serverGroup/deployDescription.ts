/**
 * `BasicAmazonDeployDescription`: what `createServerGroup` and `cloneServerGroup` take. The
 * fields read here are listed; the rest of upstream's (spot and mixed-instances options, lifecycle
 * hooks, classic link, placement, licenses, ...) are accepted and ignored.
 */
import { z } from 'zod';
import { accountFields, capacitySchema } from './descriptions.js';

const str = z.string().max(1024);
const names = z.array(z.string().max(255)).max(100);

/** `AmazonBlockDevice`. */
export const blockDeviceSchema = z.object({
  deviceName: z.string().max(64).nullish(),
  virtualName: z.string().max(64).nullish(),
  size: z.coerce.number().int().min(1).max(65_536).nullish(),
  volumeType: z.string().max(32).nullish(),
  deleteOnTermination: z.boolean().nullish(),
  iops: z.coerce.number().int().min(0).nullish(),
  throughput: z.coerce.number().int().min(0).nullish(),
  snapshotId: z.string().max(64).nullish(),
  encrypted: z.boolean().nullish(),
  kmsKeyId: z.string().max(2048).nullish(),
});
export type BlockDevice = z.infer<typeof blockDeviceSchema>;

export const deploySchema = z.object({
  ...accountFields,
  application: z.string().max(255).nullish(),
  stack: z.string().max(255).nullish(),
  freeFormDetails: z.string().max(255).nullish(),
  amiName: str.nullish(),
  instanceType: z.string().max(64).nullish(),
  subnetType: z.string().max(255).nullish(),
  subnetIds: names.nullish(),
  iamRole: str.nullish(),
  keyPair: z.string().max(255).nullish(),
  associatePublicIpAddress: z.boolean().nullish(),
  cooldown: z.coerce.number().int().min(0).max(86_400 * 7).nullish(),
  enabledMetrics: names.nullish(),
  healthCheckGracePeriod: z.coerce.number().int().min(0).max(86_400 * 7).nullish(),
  healthCheckType: z.enum(['EC2', 'ELB']).nullish(),
  suspendedProcesses: names.nullish(),
  terminationPolicies: names.nullish(),
  kernelId: z.string().max(64).nullish(),
  ramdiskId: z.string().max(64).nullish(),
  instanceMonitoring: z.boolean().nullish(),
  ebsOptimized: z.boolean().nullish(),
  /** Base64 user data, passed to the launch template or configuration as given. */
  base64UserData: z.string().max(64 * 1024).nullish(),
  sequence: z.coerce.number().int().min(0).max(999).nullish(),
  ignoreSequence: z.boolean().nullish(),
  startDisabled: z.boolean().nullish(),
  blockDevices: z.array(blockDeviceSchema).max(32).nullish(),
  loadBalancers: names.nullish(),
  targetGroups: names.nullish(),
  securityGroups: names.nullish(),
  /** Region → availability zones (an empty list: every zone the subnets offer). */
  availabilityZones: z.record(z.string().max(64), z.array(z.string().max(64)).max(32).nullish()).nullish(),
  capacity: capacitySchema.nullish(),
  source: z
    .object({ account: z.string().max(255).nullish(), region: z.string().max(255).nullish(), asgName: z.string().max(255).nullish(), useSourceCapacity: z.boolean().nullish() })
    .nullish(),
  tags: z.record(z.string().max(128), z.string().max(256).nullable()).nullish(),
  /** `setLaunchTemplate` defaults to true: a launch template; false, a launch configuration. */
  setLaunchTemplate: z.boolean().nullish(),
  requireIMDSv2: z.boolean().nullish(),
  spotPrice: z.string().max(32).nullish(),
  capacityRebalance: z.boolean().nullish(),
  copySourceScalingPoliciesAndActions: z.boolean().nullish(),
});
export type DeployDescription = z.infer<typeof deploySchema>;
