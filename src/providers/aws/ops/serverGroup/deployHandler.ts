/**
 * `BasicAmazonDeployHandler.handle`: for each region of `availabilityZones`, copies what the
 * source group lends (`useSourceCapacity`), adds classic load balancers created earlier in the
 * same request, resolves load balancers, target groups (unknown names fail), the image, the
 * subnets and the security groups, then deploys the group (`AutoScalingWorker`) and copies the
 * source's scaling policies and scheduled actions. Phase `DEPLOY`.
 */
import type { OperationContext } from '../../../../core/operations/OperationDefinition.js';
import type { AwsOperationDeps } from '../AwsOperationDeps.js';
import { deployAutoScalingGroup, type AsgConfiguration } from './autoScalingWorker.js';
import type { DeployDescription } from './deployDescription.js';
import { accountOf } from './descriptions.js';
import { classicLoadBalancers, placement, resolveAmi, securityGroupIds, targetGroupArns } from './lookups.js';
import { copyScalingPoliciesAndScheduledActions } from './scalingPolicyCopier.js';
import { AwsOperationError, describeGroup, regionClients, type RegionClients } from './support.js';

export const DEPLOY_PHASE = 'DEPLOY';

/** `DeploymentResult.Deployment`. */
export interface Deployment {
  readonly cloudProvider: 'aws';
  readonly account: string;
  readonly location: string;
  readonly serverGroupName: string;
  readonly capacity: { min: number; max: number; desired: number };
  readonly metadata: Record<string, unknown>;
}

/**
 * `DeploymentResult` as Jackson serializes it. Orca's `MonitorKatoTask` reads `serverGroupNames`
 * (`region:name`) into `deploy.server.groups`; `deployedNames`/`deployedNamesByLocation` are the
 * manifest providers' and stay empty for AWS, as upstream.
 */
export interface DeploymentResult {
  serverGroupNames: string[];
  serverGroupNameByRegion: Record<string, string>;
  messages: string[];
  deployedNames: string[];
  deployedNamesByLocation: Record<string, string[]>;
  createdArtifacts: unknown[];
  deployments: Deployment[];
  /** Not in upstream's `DeploymentResult`: the `ancestorServerGroupNameByRegion` result object upstream adds separately (see docs/aws.md). */
  ancestorServerGroupNameByRegion?: Record<string, string>;
}

export function emptyDeploymentResult(): DeploymentResult {
  return { serverGroupNames: [], serverGroupNameByRegion: {}, messages: [], deployedNames: [], deployedNamesByLocation: {}, createdArtifacts: [], deployments: [] };
}

/** Classic load balancer names of earlier `upsertLoadBalancer` results in this region (`UpsertAmazonLoadBalancerResult.loadBalancers[region].name`). */
function priorLoadBalancers(priorResults: readonly unknown[], region: string): string[] {
  const names: string[] = [];
  for (const r of priorResults) {
    const lbs = (r as { loadBalancers?: unknown } | null)?.loadBalancers;
    if (typeof lbs !== 'object' || lbs === null) continue;
    const entry = (lbs as Record<string, unknown>)[region];
    const name = (entry as { name?: unknown } | undefined)?.name;
    if (typeof name === 'string' && name !== '') names.push(name);
  }
  return names;
}

const groovyList = (xs: readonly string[]) => `[${xs.join(', ')}]`;
/** A Groovy map's `toString`: `[us-east-1:[us-east-1a, us-east-1b]]`. */
export const groovyZones = (zones: Record<string, readonly string[] | null | undefined>) => `[${Object.entries(zones).map(([r, z]) => `${r}:${groovyList(z ?? [])}`).join(', ')}]`;

/** Drops `aws:` tags (AWS reserves them; `cleanTags`) and null values. */
function cleanTags(tags: Readonly<Record<string, string | null>> | null | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(tags ?? {}).filter((e): e is [string, string] => !e[0].startsWith('aws:') && e[1] !== null));
}

export async function handleDeploy(deps: AwsOperationDeps, input: DeployDescription, ctx: OperationContext): Promise<DeploymentResult> {
  const account = accountOf(input) ?? '';
  const result = emptyDeploymentResult();
  const zonesByRegion = input.availabilityZones ?? {};
  await ctx.task.updateStatus(DEPLOY_PHASE, `Preparing deployment to ${groovyZones(zonesByRegion)}...`);
  const source = input.source;
  const hasSource = Boolean(source?.account && source.region && source.asgName);
  const credentials = deps.credentials(account);

  for (const [region, zoneList] of Object.entries(zonesByRegion)) {
    const d: DeployDescription = { ...input, capacity: { ...(input.capacity ?? {}) } };
    let sourceClients: RegionClients | undefined;
    if (hasSource && source?.account && source.region && source.asgName) {
      sourceClients = deps.credentials(source.account) === undefined ? undefined : regionClients(deps, source.account, source.region, ctx.signal);
      if (sourceClients === undefined) await ctx.task.updateStatus(DEPLOY_PHASE, `Unable to locate source asg (${source.account}:${source.region}:${source.asgName})`);
    }
    if (source?.useSourceCapacity === true) {
      if (sourceClients === undefined) throw new AwsOperationError('useSourceCapacity requested, but no source available');
      const sourceGroup = await describeGroup(sourceClients, source.asgName ?? '');
      if (sourceGroup === undefined) throw new AwsOperationError('useSourceCapacity requested, but no source ASG found');
      d.capacity = { min: sourceGroup.MinSize ?? 0, max: sourceGroup.MaxSize ?? 0, desired: sourceGroup.DesiredCapacity ?? 0 };
    }

    const c = regionClients(deps, account, region, ctx.signal);
    const wantedLbs = [...(d.loadBalancers ?? [])];
    const fromPrior = priorLoadBalancers(ctx.priorResults, region);
    const lbs = await classicLoadBalancers(c, [...wantedLbs, ...fromPrior]);
    const unknownLbs = lbs.unknown.filter((n) => wantedLbs.includes(n));
    if (unknownLbs.length > 0) throw new AwsOperationError(`Unable to find classic load balancers named ${groovyList(unknownLbs)}`);
    const tgs = await targetGroupArns(c, d.targetGroups ?? []);
    if (tgs.unknown.length > 0) throw new AwsOperationError(`Unable to find target groups named ${groovyList(tgs.unknown)}`);

    const ami = await resolveAmi(c, d.amiName ?? '');
    if (ami?.ImageId === undefined) throw new AwsOperationError(`unable to resolve AMI imageId from ${d.amiName ?? ''} in ${region}`, 'IllegalArgumentException');

    const where = await placement(c, d.subnetType ?? undefined, zoneList ?? [], d.subnetIds ?? []);
    const application = d.application ?? '';
    const sgIds = await securityGroupIds(c, d.securityGroups ?? [], where.vpcId, application, (line) => ctx.task.updateStatus(DEPLOY_PHASE, line));

    const capacity = { min: d.capacity?.min ?? 0, max: d.capacity?.max ?? 0, desired: d.capacity?.desired ?? 0 };
    const keyPair = d.keyPair ?? credentials?.config.defaultKeyPair;
    const cfg: AsgConfiguration = {
      application,
      stack: d.stack ?? undefined,
      freeFormDetails: d.freeFormDetails ?? undefined,
      sequence: d.sequence ?? undefined,
      ignoreSequence: d.ignoreSequence === true,
      imageId: ami.ImageId,
      instanceType: d.instanceType ?? '',
      keyPair: keyPair ?? undefined,
      iamRole: d.iamRole?.replaceAll('{{application}}', application) ?? undefined,
      securityGroupIds: sgIds,
      subnetIds: where.subnetIds,
      availabilityZones: where.zones,
      classicLoadBalancers: lbs.found,
      targetGroupArns: tgs.arns,
      ...capacity,
      cooldown: d.cooldown ?? undefined,
      healthCheckGracePeriod: d.healthCheckGracePeriod ?? undefined,
      healthCheckType: d.healthCheckType ?? undefined,
      terminationPolicies: d.terminationPolicies ?? undefined,
      suspendedProcesses: d.suspendedProcesses ?? [],
      startDisabled: d.startDisabled === true,
      enabledMetrics: d.enabledMetrics ?? undefined,
      instanceMonitoring: d.instanceMonitoring ?? undefined,
      ebsOptimized: d.ebsOptimized ?? undefined,
      associatePublicIpAddress: d.associatePublicIpAddress ?? undefined,
      kernelId: d.kernelId ?? undefined,
      ramdiskId: d.ramdiskId ?? undefined,
      base64UserData: d.base64UserData?.trim() || undefined,
      blockDevices: d.blockDevices ?? undefined,
      spotPrice: d.spotPrice || undefined,
      requireIMDSv2: d.requireIMDSv2 === true,
      capacityRebalance: d.capacityRebalance ?? undefined,
      tags: cleanTags(d.tags),
      setLaunchTemplate: d.setLaunchTemplate !== false,
    };
    const deployed = await deployAutoScalingGroup(c, cfg, deps.clock.now(), ctx);

    result.serverGroupNames.push(`${region}:${deployed.name}`);
    result.serverGroupNameByRegion[region] = deployed.name;
    if (deployed.ancestor !== undefined) (result.ancestorServerGroupNameByRegion ??= {})[region] = deployed.ancestor;

    if (d.copySourceScalingPoliciesAndActions !== false && sourceClients !== undefined && source?.asgName) {
      await copyScalingPoliciesAndScheduledActions(sourceClients, c, source.asgName, deployed.name, ctx);
    }
    result.deployments.push({ cloudProvider: 'aws', account, location: region, serverGroupName: deployed.name, capacity, metadata: {} });
  }
  await ctx.task.updateStatus(DEPLOY_PHASE, `Created the following deployments: ${groovyList(result.deployments.map((x) => `${x.location}:${x.serverGroupName}`))}`);
  return result;
}
