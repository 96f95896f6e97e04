/**
 * Clouddriver's `AmazonServerGroup` as JSON (what `AmazonClusterProvider` builds from the cache)
 * and the `ServerGroupViewModel` summary `ServerGroupController` makes of it. Deck's amazon module
 * reads `asg`, `launchConfig` / `launchTemplate`, `image`, `buildInfo`, `scalingPolicies`,
 * `scheduledActions`, `targetGroups`, `loadBalancers`, `vpcId`, `subnetType`, `instances[]`
 * and `isDisabled`/`disabled` from them.
 */
import type { CacheData } from '../../../core/cache/CacheData.js';
import { monikerOf, parseName } from '../names.js';
import { instanceSummary } from './instanceViews.js';

type Json = Record<string, unknown>;

export interface ServerGroupParts {
  readonly item: CacheData;
  /** Full instance views. */
  readonly instances: readonly Json[];
  readonly launchConfig?: CacheData | undefined;
  readonly launchTemplate?: CacheData | undefined;
  readonly image?: CacheData | undefined;
}

const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const obj = (v: unknown): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {});

/** `AmazonServerGroup.isDisabled`: the group's AddToLoadBalancer process is suspended. */
export function isDisabled(asg: Json): boolean {
  return arr(asg.suspendedProcesses).some((p) => obj(p).processName === 'AddToLoadBalancer');
}

/** The launch template version the group launches: its number, `$Latest` or `$Default`. */
export function launchTemplateVersion(template: CacheData, spec: Json): Json | undefined {
  const versions = arr(template.attributes.versions).map(obj);
  const wanted = String(spec.version ?? '$Default');
  const number =
    wanted === '$Latest' ? template.attributes.latestVersionNumber : wanted === '$Default' ? template.attributes.defaultVersionNumber : Number(wanted);
  return versions.find((v) => v.versionNumber === number);
}

/**
 * `AmazonClusterProvider.getBuildInfoFromImage`: Frigga `AppVersion` of an image's `appversion`
 * tag (`{package}-{version}-h{build}.{commit}/{job}/{build}`), with the `build_host` tag as the
 * Jenkins host (Deck links `{host}job/{name}/{number}`) and the `build_info_url` tag as
 * `buildInfoUrl` (Deck links it instead when present).
 */
export function buildInfoOf(image: CacheData | undefined): Json | undefined {
  const tags = arr(image?.attributes.tags).map(obj);
  const tagValue = (key: string): string | undefined => {
    const value = tags.find((t) => t.key === key)?.value;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const value = tagValue('appversion');
  if (value === undefined) return undefined;
  const m = /^([\w-]+?)-(\d[\w.~]*)(?:-h(\d+)(?:\.([0-9a-f]+))?)?(?:\/([^/]+)\/(\d+))?$/.exec(value);
  if (!m) return { package_name: value };
  const host = tagValue('build_host');
  const url = tagValue('build_info_url');
  return {
    package_name: m[1],
    version: m[2],
    ...(m[4] === undefined ? {} : { commit: m[4] }),
    ...(m[5] === undefined ? {} : { jenkins: { name: m[5], number: m[6], ...(host === undefined ? {} : { host }) } }),
    ...(url === undefined ? {} : { buildInfoUrl: url }),
  };
}

export function instanceCounts(instances: readonly Json[]): Json {
  const count = (s: string) => instances.filter((i) => i.healthState === s).length;
  return { total: instances.length, up: count('Up'), down: count('Down'), unknown: count('Unknown'), outOfService: count('OutOfService'), starting: count('Starting') };
}

export function serverGroupView(parts: ServerGroupParts): Json {
  const a = parts.item.attributes;
  const asg = obj(a.asg);
  const name = String(a.name);
  const lc = parts.launchConfig?.attributes;
  const lt = parts.launchTemplate === undefined ? undefined : launchTemplateVersion(parts.launchTemplate, obj(a.launchTemplate));
  const ltData = obj(lt?.launchTemplateData);
  const image = parts.image?.attributes;
  const buildInfo = buildInfoOf(parts.image);
  const instanceType = lc?.instanceType ?? ltData.instanceType ?? null;
  const securityGroups = [...new Set([...arr(lc?.securityGroups), ...arr(ltData.securityGroupIds), ...arr(ltData.securityGroups), ...arr(ltData.networkInterfaces).flatMap((n) => arr(obj(n).groups))])];
  const imageSummary = { serverGroupName: name, imageName: image?.name ?? null, imageId: image?.imageId ?? lc?.imageId ?? ltData.imageId ?? null, buildInfo: buildInfo ?? null, image: image ?? null };
  return {
    name,
    type: 'aws',
    cloudProvider: 'aws',
    account: a.account,
    accountName: a.account,
    region: a.region,
    zones: arr(asg.availabilityZones),
    vpcId: a.vpcId ?? null,
    subnetType: a.subnetType ?? null,
    instances: parts.instances,
    asg,
    ...(lc === undefined ? {} : { launchConfig: lc }),
    ...(lt === undefined ? {} : { launchTemplate: lt }),
    ...(a.mixedInstancesPolicy === undefined ? {} : { mixedInstancesPolicy: a.mixedInstancesPolicy }),
    image: image ?? null,
    buildInfo: buildInfo ?? null,
    scalingPolicies: arr(a.scalingPolicies),
    scheduledActions: arr(a.scheduledActions),
    loadBalancers: arr(a.loadBalancerNames),
    targetGroups: arr(a.targetGroupNames),
    securityGroups,
    instanceType,
    capacity: { min: asg.minSize ?? 0, max: asg.maxSize ?? 0, desired: asg.desiredCapacity ?? 0 },
    instanceCounts: instanceCounts(parts.instances),
    createdTime: asg.createdTime ?? null,
    disabled: isDisabled(asg),
    moniker: monikerOf(name),
    tags: Object.fromEntries(arr(asg.tags).map(obj).map((t) => [String(t.key), t.value])),
    imageSummary,
    imagesSummary: { summaries: [imageSummary] },
    launchConfigName: a.launchConfigName ?? null,
  };
}

/** `ServerGroupViewModel`: what `/applications/{app}/serverGroups` lists. */
export function serverGroupSummary(view: Json): Json {
  const name = String(view.name);
  const n = parseName(name);
  return {
    name,
    account: view.account,
    region: view.region,
    cluster: n.cluster,
    vpcId: view.vpcId,
    type: 'aws',
    cloudProvider: 'aws',
    instanceType: view.instanceType,
    application: n.app,
    isDisabled: view.disabled,
    moniker: view.moniker,
    buildInfo: view.buildInfo,
    createdTime: view.createdTime,
    capacity: view.capacity,
    instances: arr(view.instances).map((i) => instanceSummary(obj(i))),
    loadBalancers: view.loadBalancers,
    targetGroups: view.targetGroups,
    securityGroups: view.securityGroups,
    instanceCounts: view.instanceCounts,
    tags: view.tags,
    labels: {},
    providerMetadata: { vpcId: view.vpcId, subnetType: view.subnetType },
    serverGroupManagers: [],
  };
}
