/**
 * `createServerGroup` (`BasicAmazonDeployAtomicOperationConverter` → `DeployAtomicOperation` with
 * `BasicAmazonDeployHandler`), validated as `BasicAmazonDeployDescriptionValidator`. The task shows
 * `DeployAtomicOperation`'s lines (phase `DEPLOY`) around the handler's; the result is the
 * `DeploymentResult`.
 */
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { deploySchema, type DeployDescription } from './deployDescription.js';
import { accountOf } from './descriptions.js';
import { DEPLOY_PHASE, handleDeploy, type DeploymentResult } from './deployHandler.js';
import { refreshAfterChange } from './refresh.js';
import { AwsValidator } from './support.js';

/** `BasicAmazonDeployDescriptionValidator` (codes `basicAmazonDeployDescription.*`). */
export function validateDeploy(deps: AwsOperationDeps, d: DeployDescription): string[] {
  const v = new AwsValidator('basicAmazonDeployDescription', deps);
  const account = accountOf(d);
  v.credentials(account);
  if (!d.application) v.reject('application', 'empty', 'application is required');
  if (!d.amiName) v.reject('amiName', 'empty', 'amiName (an image name or ami- id) is required');
  if (!d.instanceType) v.reject('instanceType', 'empty', 'instanceType is required');
  const zones = d.availabilityZones ?? {};
  const regions = Object.keys(zones);
  if (regions.length === 0) v.reject('availabilityZones', 'empty', 'availabilityZones must map at least one region to its zones');
  if (d.associatePublicIpAddress === true && !d.subnetType) v.reject('associatePublicIpAddress', 'subnetType.not.supplied', 'associatePublicIpAddress needs a subnetType');
  if (Object.values(zones).every((z) => (z ?? []).length === 0) && !d.subnetType) v.reject('availabilityZones', 'or.subnetType.not.supplied', 'give availability zones or a subnetType');
  const configured = account === undefined ? undefined : deps.credentials(account)?.regions.map((r) => r.name);
  const missing = configured === undefined ? [] : regions.filter((r) => !configured.includes(r));
  if (missing.length > 0) v.problems.push(`basicAmazonDeployDescription.region.not.configured: Region not configured: ${missing.join(', ')}`);
  for (const b of d.blockDevices ?? []) {
    if (!b.deviceName) v.problems.push('basicAmazonDeployDescription.block.device.not.named: Device name is required for block device');
    else if (b.virtualName && (b.size != null || b.iops != null || b.volumeType)) v.problems.push(`basicAmazonDeployDescription.block.device.ephemeral.config: Ephemeral block device ${b.deviceName} with EBS configuration parameters`);
    else if (!b.virtualName && b.size == null && !b.snapshotId) v.problems.push(`basicAmazonDeployDescription.block.device.ebs.config: EBS device ${b.deviceName} missing required value size`);
  }
  if (d.source?.useSourceCapacity !== true) v.capacity(d.capacity);
  return v.problems;
}

/** `DeployAtomicOperation.operate` around the AWS handler. */
export async function deployWithHandler(deps: AwsOperationDeps, d: DeployDescription, ctx: OperationContext): Promise<DeploymentResult> {
  await ctx.task.updateStatus(DEPLOY_PHASE, 'Initializing phase.');
  await ctx.task.updateStatus(DEPLOY_PHASE, 'Looking for BasicAmazonDeployDescription handler...');
  await ctx.task.updateStatus(DEPLOY_PHASE, 'Found handler: BasicAmazonDeployHandler');
  await ctx.task.updateStatus(DEPLOY_PHASE, 'Invoking Handler.');
  const result = await handleDeploy(deps, d, ctx);
  await ctx.task.updateStatus(DEPLOY_PHASE, `Server Groups: [${result.deployments.map((x) => `${x.location}:${x.serverGroupName}`).join(', ')}] created.`);
  return result;
}

export function createServerGroup(deps: AwsOperationDeps): OperationDefinition {
  return defineOperation({
    name: 'createServerGroup',
    displayName: 'DeployAtomicOperation',
    schema: deploySchema,
    account: (d) => accountOf(d),
    applications: (d) => (d.application ? [d.application] : []),
    validate: (d) => validateDeploy(deps, d),
    async operate(d, ctx) {
      const result = await deployWithHandler(deps, d, ctx);
      await refreshAfterChange(deps, ctx, accountOf(d) ?? '', Object.keys(result.serverGroupNameByRegion));
      return result;
    },
  });
}
