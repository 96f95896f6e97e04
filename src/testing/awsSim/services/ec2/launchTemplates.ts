/**
 * EC2 launch templates and their versions: CreateLaunchTemplate, CreateLaunchTemplateVersion
 * (optionally from a SourceVersion), ModifyLaunchTemplate (default version), DescribeLaunchTemplates,
 * DescribeLaunchTemplateVersions (`$Latest`, `$Default`, Min/MaxVersion; every template's with no template named), DeleteLaunchTemplate,
 * DeleteLaunchTemplateVersions. The data is kept as received (RequestLaunchTemplateData member
 * names) and rendered with ResponseLaunchTemplateData's names.
 * docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplate.html
 */
import { AwsError } from '../../errors.js';
import { int, obj, objects, str, strings } from '../../params.js';
import type { Params } from '../../params.js';
import type { ActionHandler, RequestContext } from '../../service.js';
import type { LaunchTemplate, LaunchTemplateVersion, RegionState } from '../../state.js';
import { xmlList } from '../../xml.js';
import { applyTagSpecifications, ec2Page, matches, parseFilters, tagSet } from './common.js';

/** Request list names whose response names are not `{lowerFirst}Set`. */
const LIST_NAMES: Record<string, string> = {
  SecurityGroupId: 'securityGroupIdSet',
  SecurityGroup: 'securityGroupSet',
  NetworkInterface: 'networkInterfaceSet',
  BlockDeviceMapping: 'blockDeviceMappingSet',
  TagSpecification: 'tagSpecificationSet',
  Tag: 'tagSet',
  LicenseSpecification: 'licenseSet',
  PrivateIpAddresses: 'privateIpAddressesSet',
  Ipv6Addresses: 'ipv6AddressesSet',
};

/** RequestLaunchTemplateData (as parsed) -> ResponseLaunchTemplateData's XML names. */
export function renderTemplateData(data: unknown, inNetworkInterface = false): unknown {
  if (Array.isArray(data)) return data.map((d) => renderTemplateData(d));
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    if (inNetworkInterface && k === 'SecurityGroupId') {
      out.groupSet = xmlList('groupId', Array.isArray(v) ? v : [v]);
      continue;
    }
    if (Array.isArray(v)) out[LIST_NAMES[k] ?? `${k.charAt(0).toLowerCase()}${k.slice(1)}Set`] = v.map((x) => renderTemplateData(x, k === 'NetworkInterface'));
    else out[k === 'RamDiskId' ? 'ramDiskId' : `${k.charAt(0).toLowerCase()}${k.slice(1)}`] = renderTemplateData(v);
  }
  return out;
}

export function findTemplate(region: RegionState, p: Params): LaunchTemplate {
  const id = str(p, 'LaunchTemplateId');
  const name = str(p, 'LaunchTemplateName');
  if (id !== undefined) {
    const t = region.ec2.launchTemplates.get(id);
    if (t === undefined) throw new AwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
    return t;
  }
  if (name !== undefined) {
    const t = [...region.ec2.launchTemplates.values()].find((x) => x.launchTemplateName === name);
    if (t === undefined) throw new AwsError('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
    return t;
  }
  throw new AwsError('MissingParameter', 'The request must include either a launch template ID or a launch template name.');
}

/** A version by number, `$Latest` or `$Default` (the default when none is given). */
export function templateVersion(t: LaunchTemplate, version: string | undefined): LaunchTemplateVersion {
  const n = version === undefined || version === '$Default' ? t.defaultVersionNumber : version === '$Latest' ? t.latestVersionNumber : Number(version);
  const v = t.versions.find((x) => x.versionNumber === n);
  if (v === undefined) throw new AwsError('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${version ?? ''} for launch template ID ${t.launchTemplateId}`);
  return v;
}

function renderTemplate(ctx: RequestContext, t: LaunchTemplate): Record<string, unknown> {
  return {
    launchTemplateId: t.launchTemplateId,
    launchTemplateName: t.launchTemplateName,
    createTime: t.createTime,
    createdBy: t.createdBy,
    defaultVersionNumber: t.defaultVersionNumber,
    latestVersionNumber: t.latestVersionNumber,
    tagSet: tagSet(ctx.region.ec2.tags.get(t.launchTemplateId)),
  };
}

function renderVersion(t: LaunchTemplate, v: LaunchTemplateVersion): Record<string, unknown> {
  return {
    launchTemplateId: t.launchTemplateId,
    launchTemplateName: t.launchTemplateName,
    versionNumber: v.versionNumber,
    versionDescription: v.versionDescription,
    createTime: v.createTime,
    createdBy: v.createdBy,
    defaultVersion: v.versionNumber === t.defaultVersionNumber,
    launchTemplateData: renderTemplateData(v.data),
  };
}

function templateData(p: Params): Record<string, unknown> {
  const data = obj(p, 'LaunchTemplateData');
  if (data === undefined) throw new AwsError('MissingParameter', 'The request must contain the parameter LaunchTemplateData');
  return data;
}

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;

export const launchTemplateActions: Record<string, ActionHandler> = {
  CreateLaunchTemplate: (ctx, p) => {
    const name = str(p, 'LaunchTemplateName') ?? '';
    if (!NAME.test(name)) throw new AwsError('InvalidLaunchTemplateName.MalformedException', 'A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.');
    if ([...ctx.region.ec2.launchTemplates.values()].some((t) => t.launchTemplateName === name)) {
      throw new AwsError('InvalidLaunchTemplateName.AlreadyExistsException', `Launch template name already in use.`);
    }
    const now = ctx.world.now();
    const createdBy = ctx.credentials.arn;
    const t: LaunchTemplate = {
      launchTemplateId: `lt-${ctx.world.hex(17)}`,
      launchTemplateName: name,
      createTime: now,
      createdBy,
      defaultVersionNumber: 1,
      latestVersionNumber: 1,
      versions: [{ versionNumber: 1, versionDescription: str(p, 'VersionDescription'), createTime: now, createdBy, data: templateData(p) }],
    };
    ctx.region.ec2.launchTemplates.set(t.launchTemplateId, t);
    applyTagSpecifications(ctx.region.ec2, p, 'launch-template', t.launchTemplateId);
    return { launchTemplate: renderTemplate(ctx, t) };
  },

  CreateLaunchTemplateVersion: (ctx, p) => {
    const t = findTemplate(ctx.region, p);
    let data = templateData(p);
    const source = str(p, 'SourceVersion');
    if (source !== undefined) data = { ...templateVersion(t, source).data, ...data };
    const v: LaunchTemplateVersion = { versionNumber: t.latestVersionNumber + 1, versionDescription: str(p, 'VersionDescription'), createTime: ctx.world.now(), createdBy: ctx.credentials.arn, data };
    t.versions.push(v);
    t.latestVersionNumber = v.versionNumber;
    return { launchTemplateVersion: renderVersion(t, v) };
  },

  ModifyLaunchTemplate: (ctx, p) => {
    const t = findTemplate(ctx.region, p);
    const version = str(p, 'SetDefaultVersion');
    if (version !== undefined) t.defaultVersionNumber = templateVersion(t, version).versionNumber;
    return { launchTemplate: renderTemplate(ctx, t) };
  },

  DescribeLaunchTemplates: (ctx, p) => {
    const ids = strings(p, 'LaunchTemplateId');
    const names = strings(p, 'LaunchTemplateName');
    const filters = parseFilters(p);
    let templates = [...ctx.region.ec2.launchTemplates.values()];
    if (ids.length > 0) templates = ids.map((id) => findTemplate(ctx.region, { LaunchTemplateId: id }));
    if (names.length > 0) templates = names.map((n) => findTemplate(ctx.region, { LaunchTemplateName: n }));
    templates = templates.filter((t) =>
      matches(filters, (n) => ({ 'launch-template-name': [t.launchTemplateName], 'create-time': [t.createTime.toISOString()] })[n], ctx.region.ec2.tags.get(t.launchTemplateId)),
    );
    const page = ec2Page(ctx, p, templates, { min: 1, max: 200 });
    return { launchTemplates: page.items.map((t) => renderTemplate(ctx, t)), nextToken: page.next };
  },

  DescribeLaunchTemplateVersions: (ctx, p) => {
    const wanted = strings(p, 'LaunchTemplateVersion');
    const min = int(p, 'MinVersion');
    const max = int(p, 'MaxVersion');
    // Without a template: the $Latest and/or $Default versions of every template in the region
    // ("To describe the versions of all launch templates in your account, specify $Latest,
    // $Default, or both, and omit the launch template ID and name").
    const everyTemplate = str(p, 'LaunchTemplateId') === undefined && str(p, 'LaunchTemplateName') === undefined;
    if (everyTemplate && (wanted.length === 0 || wanted.some((w) => w !== '$Latest' && w !== '$Default'))) {
      throw new AwsError('MissingParameter', 'The request must include either a launch template ID or a launch template name, unless only $Latest and $Default versions are described.');
    }
    const templates = everyTemplate ? [...ctx.region.ec2.launchTemplates.values()] : [findTemplate(ctx.region, p)];
    const filters = parseFilters(p);
    const found = templates.flatMap((t) => {
      const chosen = wanted.length > 0 ? [...new Set(wanted.map((w) => templateVersion(t, w)))] : [...t.versions];
      return chosen
        .filter((v) => (min === undefined || v.versionNumber >= min) && (max === undefined || v.versionNumber <= max))
        .filter((v) => matches(filters, (n) => ({ 'is-default-version': [String(v.versionNumber === t.defaultVersionNumber)], 'image-id': [str(v.data, 'ImageId')], 'instance-type': [str(v.data, 'InstanceType')] })[n], undefined))
        .map((v) => ({ t, v }));
    });
    const page = ec2Page(ctx, p, found, { min: 1, max: 200 });
    return { launchTemplateVersionSet: page.items.map(({ t, v }) => renderVersion(t, v)), nextToken: page.next };
  },

  DeleteLaunchTemplate: (ctx, p) => {
    const t = findTemplate(ctx.region, p);
    ctx.region.ec2.launchTemplates.delete(t.launchTemplateId);
    ctx.region.ec2.tags.delete(t.launchTemplateId);
    return { launchTemplate: renderTemplate(ctx, t) };
  },

  DeleteLaunchTemplateVersions: (ctx, p) => {
    const t = findTemplate(ctx.region, p);
    const deleted: Record<string, unknown>[] = [];
    const failed: Record<string, unknown>[] = [];
    for (const n of strings(p, 'LaunchTemplateVersion')) {
      const v = t.versions.find((x) => String(x.versionNumber) === n);
      if (v === undefined) failed.push({ launchTemplateId: t.launchTemplateId, launchTemplateName: t.launchTemplateName, versionNumber: Number(n), responseError: { code: 'launchTemplateVersionDoesNotExist', message: 'The specified launch template version does not exist.' } });
      else if (v.versionNumber === t.defaultVersionNumber) failed.push({ launchTemplateId: t.launchTemplateId, launchTemplateName: t.launchTemplateName, versionNumber: v.versionNumber, responseError: { code: 'launchTemplateVersionIsDefault', message: 'You cannot delete the default version of a launch template.' } });
      else {
        t.versions.splice(t.versions.indexOf(v), 1);
        deleted.push({ launchTemplateId: t.launchTemplateId, launchTemplateName: t.launchTemplateName, versionNumber: v.versionNumber });
      }
    }
    return { successfullyDeletedLaunchTemplateVersionSet: deleted, unsuccessfullyDeletedLaunchTemplateVersionSet: failed };
  },
};

/** What a launch template version says about the instances it launches. */
export function launchSpecOfTemplate(data: Params): { imageId?: string; instanceType?: string; keyName?: string; securityGroupIds: string[]; securityGroupNames: string[]; subnetId?: string; userData?: string; iamInstanceProfile?: string; tags: [string, string][] } {
  const nic = objects(data, 'NetworkInterface')[0];
  const tags: [string, string][] = [];
  for (const spec of objects(data, 'TagSpecification')) {
    if (str(spec, 'ResourceType') === 'instance') for (const t of objects(spec, 'Tag')) tags.push([str(t, 'Key') ?? '', str(t, 'Value') ?? '']);
  }
  const profile = obj(data, 'IamInstanceProfile');
  return {
    imageId: str(data, 'ImageId'),
    instanceType: str(data, 'InstanceType'),
    keyName: str(data, 'KeyName'),
    securityGroupIds: [...strings(data, 'SecurityGroupId'), ...(nic === undefined ? [] : strings(nic, 'SecurityGroupId'))],
    securityGroupNames: strings(data, 'SecurityGroup'),
    subnetId: nic === undefined ? undefined : str(nic, 'SubnetId'),
    userData: str(data, 'UserData'),
    iamInstanceProfile: profile === undefined ? undefined : (str(profile, 'Arn') ?? str(profile, 'Name')),
    tags,
  };
}
