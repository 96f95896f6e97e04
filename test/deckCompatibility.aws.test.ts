/**
 * What Deck's Amazon module (spinnaker/deck `packages/amazon`, and the `packages/core` readers it
 * goes through) reads from Clouddriver, through Gate, answered by this service against the AWS
 * simulator: every row of `FIELDS` is one property path Deck's code reads from one endpoint's
 * answer, with the JSON type it expects and the Deck file that reads it (see
 * docs/deck-compatibility.md, "Amazon module").
 *
 * Path syntax: `a.b` walks objects, `a[]` walks every element of an array (which must not be
 * empty, so a row can never pass on an empty list), `a['x.y']` names a key containing dots.
 * A type may be a union (`string|null`) where Deck tolerates both (it tests the value first).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, CreateAutoScalingGroupCommand, CreateLaunchConfigurationCommand, CreateOrUpdateTagsCommand, PutScheduledUpdateGroupActionCommand } from '@aws-sdk/client-auto-scaling';
import { AllocateAddressCommand, AssociateAddressCommand, AuthorizeSecurityGroupIngressCommand, CreateKeyPairCommand, CreateLaunchTemplateCommand, CreateTagsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateListenerCommand, CreateRuleCommand, DescribeListenersCommand, DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { IAMClient, UploadServerCertificateCommand } from '@aws-sdk/client-iam';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { startAwsSim, type AwsSim } from '../src/testing/awsSim/index.js';
import { ManualClock } from '../src/testing/ManualClock.js';
import { awsAgents, runAgents, useSimCredentials } from './aws/awsApp.js';
import { startFiatStandIn, type FiatStandIn } from './helpers/fiatStandIn.js';
import { APP, REGION, buildAwsWorld, type AwsWorld } from './aws/awsWorld.js';

type Json = Record<string, unknown>;
type JsonType = 'string' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** The answers Deck reads, by the name the table uses. */
type Subject =
  | 'credentials'
  | 'application'
  | 'applicationClusters'
  | 'applicationServerGroups'
  | 'serverGroupWithLaunchTemplate'
  | 'serverGroupWithLaunchConfig'
  | 'serverGroupWithPolicy'
  | 'disabledServerGroup'
  | 'serverGroupsByIds'
  | 'scalingActivities'
  | 'instance'
  | 'applicationAlb'
  | 'applicationClassic'
  | 'albDetails'
  | 'classicDetails'
  | 'loadBalancerTree'
  | 'securityGroupIndex'
  | 'securityGroup'
  | 'searchServerGroups'
  | 'searchInstances'
  | 'searchLoadBalancers'
  | 'searchSecurityGroups'
  | 'subnets'
  | 'networks'
  | 'keyPairs'
  | 'instanceTypes'
  | 'certificates'
  | 'imagesFind'
  | 'image';

/** How each subject is fetched (the Clouddriver URL Gate forwards Deck's call to). */
const ENDPOINTS: Record<Subject, string> = {
  credentials: 'GET /credentials?expand=true (account prod)',
  application: `GET /applications/${APP}`,
  applicationClusters: `GET /applications/${APP}/clusters`,
  applicationServerGroups: `GET /applications/${APP}/serverGroups`,
  serverGroupWithLaunchTemplate: `GET /applications/${APP}/serverGroups/prod/${REGION}/${APP}-canary-v000?includeDetails=false`,
  serverGroupWithLaunchConfig: `GET /applications/${APP}/serverGroups/prod/${REGION}/${APP}-legacy-v000?includeDetails=false`,
  serverGroupWithPolicy: `GET /applications/${APP}/serverGroups/prod/${REGION}/${APP}-prod-v001?includeDetails=false`,
  disabledServerGroup: `GET /applications/${APP}/serverGroups/prod/${REGION}/${APP}-prod-v000?includeDetails=false`,
  serverGroupsByIds: `GET /serverGroups?ids=prod:${REGION}:${APP}-prod-v001`,
  scalingActivities: `GET /applications/${APP}/clusters/prod/${APP}-prod/aws/serverGroups/${APP}-prod-v001/scalingActivities?region=${REGION}`,
  instance: `GET /instances/prod/${REGION}/{instance of ${APP}-prod-v001}`,
  applicationAlb: `GET /applications/${APP}/loadBalancers (the ALB)`,
  applicationClassic: `GET /applications/${APP}/loadBalancers (the classic ELB)`,
  albDetails: `GET /aws/loadBalancers/prod/${REGION}/${APP}-frontend`,
  classicDetails: `GET /aws/loadBalancers/prod/${REGION}/${APP}-classic`,
  loadBalancerTree: 'GET /aws/loadBalancers',
  securityGroupIndex: 'GET /securityGroups',
  securityGroup: `GET /securityGroups/prod/aws/${REGION}/${APP}?vpcId={vpc}`,
  searchServerGroups: `GET /search?q=${APP}&type=serverGroups`,
  searchInstances: 'GET /search?q=i-&type=instances',
  searchLoadBalancers: `GET /search?q=${APP}&type=loadBalancers`,
  searchSecurityGroups: `GET /search?q=${APP}&type=securityGroups`,
  subnets: 'GET /subnets/aws (and /subnets)',
  networks: 'GET /networks/aws',
  keyPairs: 'GET /keyPairs',
  instanceTypes: 'GET /instanceTypes',
  certificates: 'GET /certificates/aws',
  imagesFind: `GET /aws/images/find?q=${APP}&region=${REGION}`,
  image: `GET /aws/images/prod/${REGION}/{imageId}`,
};

type Row = readonly [Subject, string, string, string];

// Deck file names are under spinnaker/deck packages/ (commit 3f2418e): `amazon/…` or `core/…`.
const SG_DETAILS = 'amazon/serverGroup/details/sections';
const LB_TRANSFORMER = 'amazon/loadBalancer/loadBalancer.transformer.ts';
const LB_DETAILS = 'amazon/loadBalancer/details/loadBalancerDetails.{controller.ts,html}';
const TG_DETAILS = 'amazon/loadBalancer/details/targetGroupDetails.html';
const INSTANCE_DETAILS = 'amazon/instance/details/instance.details.controller.js';
const SG_CONFIG = 'amazon/serverGroup/configure/serverGroupConfiguration.service.ts';
const SG_CLONE = 'amazon/serverGroup/configure/serverGroupCommandBuilder.service.ts (buildServerGroupCommandFromExisting)';

const FIELDS: readonly Row[] = [
  // Accounts: the deploy wizard's regions, zones and key pair default; certificates grouped by account id.
  ['credentials', 'name', 'string', 'core/account/AccountService.ts'],
  ['credentials', 'type', 'string', 'core/account/AccountService.ts'],
  ['credentials', 'cloudProvider', 'string', 'core/account/AccountService.ts'],
  ['credentials', 'accountId', 'string', 'amazon/certificates/AmazonCertificateReader.ts'],
  ['credentials', 'regions[].name', 'string', SG_CONFIG],
  ['credentials', 'regions[].availabilityZones[]', 'string', 'core/account/AccountService.ts (getPreferredZonesByAccount)'],
  ['credentials', 'defaultKeyPair', 'string', `${SG_CONFIG} (configureKeyPairs)`],
  ['credentials', 'regions[].preferredZones[]', 'string', 'core/account/AccountService.ts (getPreferredZonesByAccount)'],
  ['credentials', 'environment', 'string', 'core/account/AccountTag'],
  ['credentials', 'challengeDestructiveActions', 'boolean', 'core/confirmationModal'],

  // The application (ApplicationReader; Gate merges Front50's attributes) and its clusters (ClusterService.getClusters).
  ['application', 'name', 'string', 'core/application/service/ApplicationReader.ts'],
  ['application', 'clusters.prod[].name', 'string', 'core/application/service/ApplicationReader.ts'],
  ['application', 'attributes.cloudProviders', 'string', 'core/application/service/ApplicationReader.ts (setApplicationProviders)'],
  ['applicationClusters', 'prod[]', 'string', 'core/cluster/cluster.service.ts (getClusters)'],

  // The application's server groups (clusters view, ClusterService, awsServerGroupTransformer.normalizeServerGroup).
  ['applicationServerGroups', '[].name', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].account', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].region', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].cluster', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].type', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].cloudProvider', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].isDisabled', 'boolean', `amazon/serverGroup/details/scalingProcesses/AutoScalingProcessService.ts`],
  ['applicationServerGroups', '[].createdTime', 'number', 'core/cluster/filter/ClusterFilterService'],
  ['applicationServerGroups', '[].instanceType', 'string', 'core/cluster/filter (instance type filter)'],
  ['applicationServerGroups', '[].vpcId', 'string', 'amazon/serverGroup/serverGroup.transformer.ts (normalizeServerGroup)'],
  ['applicationServerGroups', '[?name=myapp-prod-v001].loadBalancers[]', 'string', INSTANCE_DETAILS],
  ['applicationServerGroups', '[?name=myapp-prod-v001].targetGroups[]', 'string', INSTANCE_DETAILS],
  ['applicationServerGroups', '[].securityGroups[]', 'string', 'core/securityGroup/securityGroupReader.service.ts (addServerGroupSecurityGroups)'],
  ['applicationServerGroups', '[].instanceCounts.up', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].instanceCounts.down', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].instanceCounts.outOfService', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].instanceCounts.starting', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].instanceCounts.unknown', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].instanceCounts.total', 'number', 'core/healthCounts'],
  ['applicationServerGroups', '[].capacity.desired', 'number', 'core/serverGroup/ServerGroupHeader'],
  ['applicationServerGroups', '[].moniker.app', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].moniker.cluster', 'string', 'core/cluster/cluster.service.ts'],
  ['applicationServerGroups', '[].instances[].id', 'string', INSTANCE_DETAILS],
  ['applicationServerGroups', '[].instances[].healthState', 'string', 'core/instance/Instance.tsx'],
  ['applicationServerGroups', '[].instances[].availabilityZone', 'string', 'core/instance/Instances'],
  ['applicationServerGroups', '[].instances[].launchTime', 'number', 'core/instance/InstanceList'],
  ['applicationServerGroups', '[].instances[].health[].type', 'string', `${INSTANCE_DETAILS} (extractHealthMetrics)`],
  ['applicationServerGroups', '[].instances[].health[].state', 'string', 'amazon/instance/details/InstanceStatus.tsx'],

  // Server group details (amazonServerGroupDetailsGetter and the sections).
  ['serverGroupWithLaunchTemplate', 'name', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'account', 'string', `${SG_DETAILS}/AmazonInfoDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'region', 'string', `${SG_DETAILS}/AmazonInfoDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'createdTime', 'number', `${SG_DETAILS}/AmazonInfoDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'vpcId', 'string', `${SG_DETAILS}/AmazonInfoDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'securityGroups[]', 'string', `${SG_DETAILS}/SecurityGroupsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.availabilityZones[]', 'string', `${SG_DETAILS}/AmazonInfoDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.vpczoneIdentifier', 'string', 'amazon/serverGroup/details/amazonServerGroupDetailsGetter.ts'],
  ['serverGroupWithLaunchTemplate', 'asg.minSize', 'number', `${SG_DETAILS}/AmazonCapacityDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.maxSize', 'number', `${SG_DETAILS}/AmazonCapacityDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.desiredCapacity', 'number', `${SG_DETAILS}/AmazonCapacityDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.defaultCooldown', 'number', `${SG_DETAILS}/AdvancedSettingsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.healthCheckType', 'string', `${SG_DETAILS}/AdvancedSettingsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.healthCheckGracePeriod', 'number', `${SG_DETAILS}/AdvancedSettingsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.terminationPolicies[]', 'string', `${SG_DETAILS}/AdvancedSettingsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.enabledMetrics', 'array', `${SG_DETAILS}/AdvancedSettingsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.tags[].key', 'string', `${SG_DETAILS}/TagsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.tags[].value', 'string', `${SG_DETAILS}/TagsDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'asg.suspendedProcesses', 'array', 'amazon/serverGroup/details/scalingProcesses/AutoScalingProcessService.ts'],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateName', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.imageId', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.instanceType', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.keyName', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.iamInstanceProfile.name', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.monitoring.enabled', 'boolean', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.userData', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.creditSpecification.cpuCredits', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.securityGroups', 'array', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.securityGroupIds[]', 'string', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'launchTemplate.launchTemplateData.networkInterfaces', 'array', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'asg.autoScalingGroupName', 'string', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'asg.loadBalancerNames', 'array', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'targetGroups[]', 'string', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'tags', 'object', `${SG_CLONE}`],
  ['serverGroupWithLaunchTemplate', 'image.name', 'string', `${SG_CLONE} (amiName)`],
  ['serverGroupWithLaunchTemplate', 'image.imageLocation', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'image.description', 'string', `${SG_DETAILS}/LaunchTemplateDetailsSection.tsx (getBaseImageName)`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.package_name', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.version', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.commit', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.jenkins.name', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.jenkins.number', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.jenkins.host', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx (jenkinsLink)`],
  ['serverGroupWithLaunchTemplate', 'buildInfo.buildInfoUrl', 'string', `${SG_DETAILS}/PackageDetailsSection.tsx (jenkinsLink)`],
  ['serverGroupWithLaunchTemplate', 'scalingPolicies', 'array', `${SG_DETAILS}/ScalingPoliciesDetailsSection.tsx`],
  ['serverGroupWithLaunchTemplate', 'scheduledActions', 'array', `${SG_DETAILS}/ScheduledActionsDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.launchConfigurationName', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.imageId', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.instanceType', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.iamInstanceProfile', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.instanceMonitoring.enabled', 'boolean', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.keyName', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.userData', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'launchConfig.securityGroups[]', 'string', `${SG_CLONE}`],
  ['serverGroupWithLaunchConfig', 'launchConfig.ebsOptimized', 'boolean', `${SG_CLONE}`],
  ['serverGroupWithLaunchConfig', 'launchConfig.blockDeviceMappings', 'array', `${SG_CLONE}`],
  ['serverGroupWithLaunchConfig', 'image.imageLocation', 'string', `${SG_DETAILS}/LaunchConfigDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'scheduledActions[].recurrence', 'string', `${SG_DETAILS}/ScheduledActionsDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'scheduledActions[].minSize', 'number', `${SG_DETAILS}/ScheduledActionsDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'scheduledActions[].maxSize', 'number', `${SG_DETAILS}/ScheduledActionsDetailsSection.tsx`],
  ['serverGroupWithLaunchConfig', 'scheduledActions[].desiredCapacity', 'number', `${SG_DETAILS}/ScheduledActionsDetailsSection.tsx`],
  ['serverGroupWithPolicy', 'scalingPolicies[].policyName', 'string', 'amazon/serverGroup/details/scalingPolicy/StepPolicySummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].policyARN', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/ScalingPolicyCommandBuilderService.ts'],
  ['serverGroupWithPolicy', 'scalingPolicies[].policyType', 'string', 'amazon/serverGroup/details/scalingPolicy/ScalingPolicySummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].adjustmentType', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/ScalingPolicyCommandBuilderService.ts'],
  ['serverGroupWithPolicy', 'scalingPolicies[].scalingAdjustment', 'number', 'amazon/serverGroup/serverGroup.transformer.ts (addAdjustmentAttributes)'],
  ['serverGroupWithPolicy', 'scalingPolicies[].cooldown', 'number', 'amazon/serverGroup/details/scalingPolicy/upsert/ScalingPolicyCommandBuilderService.ts'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].alarmName', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/ScalingPolicyCommandBuilderService.ts'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].metricName', 'string', 'amazon/serverGroup/details/scalingPolicy/popover/AlarmSummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].namespace', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/alarm/MetricSelector.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].statistic', 'string', 'amazon/serverGroup/details/scalingPolicy/popover/AlarmSummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].comparisonOperator', 'string', 'amazon/serverGroup/serverGroup.transformer.ts (addComparator)'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].threshold', 'number', 'amazon/serverGroup/details/scalingPolicy/popover/StepPolicyPopoverContent.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].period', 'number', 'amazon/serverGroup/details/scalingPolicy/popover/AlarmSummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].evaluationPeriods', 'number', 'amazon/serverGroup/details/scalingPolicy/popover/AlarmSummary.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].dimensions[].name', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/alarm/DimensionsEditor.tsx'],
  ['serverGroupWithPolicy', 'scalingPolicies[].alarms[].dimensions[].value', 'string', 'amazon/serverGroup/details/scalingPolicy/upsert/alarm/DimensionsEditor.tsx'],
  ['disabledServerGroup', 'asg.suspendedProcesses[].processName', 'string', 'amazon/serverGroup/details/scalingProcesses/AutoScalingProcessService.ts'],
  ['disabledServerGroup', 'asg.suspendedProcesses[].suspensionReason', 'string', 'amazon/serverGroup/details/scalingProcesses/AutoScalingProcessService.ts (getDisabledDate)'],
  ['serverGroupsByIds', '[].name', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['serverGroupsByIds', '[].account', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['serverGroupsByIds', '[].region', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['serverGroupsByIds', '[].instanceCounts.up', 'number', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['scalingActivities', '[].cause', 'string', 'core/serverGroup/details/scalingActivities/ScalingActivitiesModal.tsx'],
  ['scalingActivities', '[].description', 'string', 'core/serverGroup/details/scalingActivities/ScalingActivitiesModal.tsx'],
  ['scalingActivities', '[].details', 'string', 'core/serverGroup/details/scalingActivities/ScalingActivitiesModal.tsx (Availability Zone)'],
  ['scalingActivities', '[].statusCode', 'string', 'core/serverGroup/details/scalingActivities/ScalingActivitiesModal.tsx'],
  ['scalingActivities', '[].startTime', 'number', 'core/serverGroup/details/scalingActivities/ScalingActivitiesModal.tsx'],

  // Instance details.
  ['instance', 'instanceId', 'string', INSTANCE_DETAILS],
  ['instance', 'instanceType', 'string', 'amazon/instance/details/AmazonInstanceInformation.tsx'],
  ['instance', 'capacityType', 'string', 'amazon/instance/details/AmazonInstanceInformation.tsx'],
  ['instance', 'serverGroup', 'string', 'amazon/instance/details/AmazonInstanceInformation.tsx'],
  ['instance', 'launchTime', 'number', 'amazon/instance/details/AmazonInstanceInformation.tsx'],
  ['instance', 'placement.availabilityZone', 'string', 'amazon/instance/details/instanceDetails.html'],
  ['instance', 'privateIpAddress', 'string', INSTANCE_DETAILS],
  ['instance', 'privateDnsName', 'string', 'amazon/instance/details/InstanceDns.tsx'],
  ['instance', 'publicDnsName', 'string', INSTANCE_DETAILS],
  ['instance', 'publicIpAddress', 'string', 'amazon/instance/details/InstanceDns.tsx'],
  ['instance', 'imageId', 'string', 'amazon/domain/IAmazonInstance.ts'],
  ['instance', 'subnetId', 'string', 'amazon/domain/IAmazonInstance.ts'],
  ['instance', 'securityGroups[].groupId', 'string', 'amazon/instance/details/InstanceSecurityGroups.tsx'],
  ['instance', 'securityGroups[].groupName', 'string', 'amazon/instance/details/InstanceSecurityGroups.tsx'],
  ['instance', 'tags[].key', 'string', 'amazon/instance/details/InstanceTags.tsx'],
  ['instance', 'tags[].value', 'string', 'amazon/instance/details/InstanceTags.tsx'],
  ['instance', 'networkInterfaces[].ipv6Addresses', 'array', INSTANCE_DETAILS],
  ['instance', 'networkInterfaces[].attachment.deleteOnTermination', 'boolean', INSTANCE_DETAILS],
  ['instance', 'networkInterfaces[].privateIpAddress', 'string', INSTANCE_DETAILS],
  ['instance', 'healthState', 'string', 'amazon/instance/details/instanceDetails.html'],
  ['instance', 'health[].type', 'string', INSTANCE_DETAILS],
  ['instance', 'health[].state', 'string', 'amazon/instance/details/InstanceStatus.tsx'],
  ['instance', 'health[?type=Amazon].state', 'string', `${INSTANCE_DETAILS} (extractHealthMetrics drops Amazon/Unknown)`],
  ['instance', "health[?type=LoadBalancer].loadBalancers[].name", 'string', 'core/instance/loadBalancer/InstanceLoadBalancerHealth.tsx'],
  ['instance', "health[?type=LoadBalancer].loadBalancers[].healthState", 'string', 'core/instance/loadBalancer/InstanceLoadBalancerHealth.tsx'],
  ['instance', "health[?type=LoadBalancer].loadBalancers[].state", 'string', 'core/instance/loadBalancer/InstanceLoadBalancerHealth.tsx'],
  ['instance', "health[?type=TargetGroup].targetGroups[].name", 'string', 'amazon/instance/details/utils.ts (applyHealthCheckInfoToTargetGroups)'],
  ['instance', "health[?type=TargetGroup].targetGroups[].healthState", 'string', 'core/instance/loadBalancer/InstanceLoadBalancerHealth.tsx'],
  ['instance', "health[?type=TargetGroup].targetGroups[].state", 'string', 'core/instance/loadBalancer/InstanceLoadBalancerHealth.tsx'],

  // The application's load balancers (awsLoadBalancerTransformer.normalizeLoadBalancer, the details panes, the deploy wizard).
  ['applicationAlb', 'name', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'account', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'region', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'type', 'string', `${LB_TRANSFORMER} (provider)`],
  ['applicationAlb', 'cloudProvider', 'string', INSTANCE_DETAILS],
  ['applicationAlb', 'vpcId', 'string', `${LB_TRANSFORMER} (addVpcNameToContainer)`],
  ['applicationAlb', 'loadBalancerType', 'string', `${LB_TRANSFORMER} (normalizeActions)`],
  ['applicationAlb', 'availabilityZones[]', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['applicationAlb', 'subnets[]', 'string', `${LB_DETAILS} (subnetDetails)`],
  ['applicationAlb', 'securityGroups[]', 'string', 'core/securityGroup/securityGroupReader.service.ts (addLoadBalancerSecurityGroups)'],
  ['applicationAlb', 'deletionProtection', 'boolean', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['applicationAlb', 'idleTimeout', 'number', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['applicationAlb', 'ipAddressType', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['applicationAlb', 'listeners[].protocol', 'string', TG_DETAILS],
  ['applicationAlb', 'listeners[].port', 'number', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['applicationAlb', 'listeners[].defaultActions[].type', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'listeners[].defaultActions[].order', 'number', `${LB_TRANSFORMER} (normalizeActions)`],
  ['applicationAlb', 'listeners[].defaultActions[].targetGroupName', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'listeners[].rules[].actions[].order', 'number', `${LB_TRANSFORMER} (normalizeActions)`],
  ['applicationAlb', 'listeners[].rules[].priority', 'string|number', LB_TRANSFORMER],
  ['applicationAlb', 'listeners[].rules[].conditions', 'array', LB_TRANSFORMER],
  ['applicationAlb', 'targetGroups[].name', 'string', `${TG_DETAILS}, ${SG_CONFIG} (getTargetGroupNames)`],
  ['applicationAlb', 'targetGroups[].account', 'string', 'amazon/instance/details/utils.ts'],
  ['applicationAlb', 'targetGroups[].region', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].type', 'string', `${LB_TRANSFORMER} (normalizeTargetGroup)`],
  ['applicationAlb', 'targetGroups[].cloudProvider', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'targetGroups[].vpcId', 'string', LB_TRANSFORMER],
  ['applicationAlb', 'targetGroups[].port', 'number', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].protocol', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].targetType', 'string', `${TG_DETAILS}, ${SG_CONFIG}`],
  ['applicationAlb', 'targetGroups[].healthCheckProtocol', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].healthCheckPort', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].healthCheckPath', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].healthCheckTimeoutSeconds', 'number', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].healthCheckIntervalSeconds', 'number', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].healthyThresholdCount', 'number', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].unhealthyThresholdCount', 'number', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].matcher.httpCode', 'string', TG_DETAILS],
  ['applicationAlb', "targetGroups[].attributes['deregistration_delay.timeout_seconds']", 'string', TG_DETAILS],
  ['applicationAlb', "targetGroups[].attributes['stickiness.enabled']", 'string', TG_DETAILS],
  ['applicationAlb', "targetGroups[].attributes['stickiness.type']", 'string', TG_DETAILS],
  ['applicationAlb', "targetGroups[].attributes['stickiness.lb_cookie.duration_seconds']", 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].serverGroups[].name', 'string', TG_DETAILS],
  ['applicationAlb', 'targetGroups[].serverGroups[].isDisabled', 'boolean', LB_TRANSFORMER],
  ['applicationAlb', 'targetGroups[].serverGroups[].detachedInstances', 'array', LB_TRANSFORMER],
  ['applicationAlb', 'targetGroups[].serverGroups[].instances[].id', 'string', INSTANCE_DETAILS],
  ['applicationAlb', 'targetGroups[].serverGroups[].instances[].health.state', 'string', `${LB_TRANSFORMER} (transformInstance)`],
  ['applicationAlb', 'serverGroups[].name', 'string', LB_DETAILS],
  ['applicationAlb', 'serverGroups[].instances', 'array', LB_TRANSFORMER],
  ['applicationClassic', 'name', 'string', LB_TRANSFORMER],
  ['applicationClassic', 'vpcId', 'string', `${SG_CONFIG} (getLoadBalancerNames)`],
  ['applicationClassic', 'loadBalancerType', 'string', SG_CONFIG],
  ['applicationClassic', 'serverGroups[].name', 'string', LB_DETAILS],
  ['applicationClassic', 'serverGroups[].account', 'string', LB_TRANSFORMER],
  ['applicationClassic', 'serverGroups[].region', 'string', LB_TRANSFORMER],
  ['applicationClassic', 'serverGroups[].isDisabled', 'boolean', INSTANCE_DETAILS],
  ['applicationClassic', 'serverGroups[].detachedInstances', 'array', LB_TRANSFORMER],
  ['applicationClassic', 'serverGroups[].instances[].id', 'string', INSTANCE_DETAILS],
  ['applicationClassic', 'serverGroups[].instances[].health.state', 'string', `${LB_TRANSFORMER} (transformInstance)`],

  // Load balancer details (LoadBalancerReader.getLoadBalancerDetails: the `elb` of the details pane).
  ['albDetails', 'loadBalancerType', 'string', LB_DETAILS],
  ['albDetails', 'dnsname', 'string', LB_DETAILS],
  ['albDetails', 'createdTime', 'number', LB_DETAILS],
  ['albDetails', 'availabilityZones[]', 'string', LB_DETAILS],
  ['albDetails', 'vpcId', 'string', LB_DETAILS],
  ['albDetails', 'ipAddressType', 'string', LB_DETAILS],
  ['albDetails', 'securityGroups[]', 'string', LB_DETAILS],
  ['albDetails', 'listeners[].protocol', 'string', LB_DETAILS],
  ['albDetails', 'listeners[].port', 'number', LB_DETAILS],
  ['albDetails', 'listeners[].defaultActions[].order', 'number', LB_DETAILS],
  ['albDetails', 'listeners[].defaultActions[].targetGroupName', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['albDetails', 'listeners[?protocol=HTTPS].certificates[].certificateArn', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['albDetails', 'listeners[?protocol=HTTPS].sslPolicy', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['albDetails', 'listeners[].rules[].actions[].type', 'string', LB_DETAILS],
  ['albDetails', 'listeners[].rules[].actions[].targetGroupName', 'string', LB_DETAILS],
  ['albDetails', 'listeners[?port=80].rules[?priority=10].conditions[].field', 'string', LB_DETAILS],
  ['albDetails', 'listeners[?port=80].rules[?priority=10].conditions[].values[]', 'string', LB_DETAILS],
  ['albDetails', 'targetGroups[].targetGroupName', 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['albDetails', 'targetGroups[].healthCheckTimeoutSeconds', 'number', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['albDetails', "targetGroups[].attributes['deregistration_delay.timeout_seconds']", 'string', `${LB_TRANSFORMER} (convertApplicationLoadBalancerForEditing)`],
  ['classicDetails', 'dnsname', 'string', LB_DETAILS],
  ['classicDetails', 'createdTime', 'number', LB_DETAILS],
  ['classicDetails', 'availabilityZones[]', 'string', LB_DETAILS],
  ['classicDetails', 'healthCheck.target', 'string', LB_DETAILS],
  ['classicDetails', 'healthCheck.interval', 'number', LB_DETAILS],
  ['classicDetails', 'healthCheck.timeout', 'number', LB_DETAILS],
  ['classicDetails', 'healthCheck.healthyThreshold', 'number', LB_DETAILS],
  ['classicDetails', 'healthCheck.unhealthyThreshold', 'number', LB_DETAILS],
  ['classicDetails', 'listenerDescriptions[].listener.protocol', 'string', LB_DETAILS],
  ['classicDetails', 'listenerDescriptions[].listener.loadBalancerPort', 'number', LB_DETAILS],
  ['classicDetails', 'listenerDescriptions[].listener.instanceProtocol', 'string', LB_DETAILS],
  ['classicDetails', 'listenerDescriptions[].listener.instancePort', 'number', LB_DETAILS],
  ['classicDetails', 'listenerDescriptions[].policyNames', 'array', `${LB_TRANSFORMER} (convertClassicLoadBalancerForEditing)`],

  // Every load balancer (LoadBalancerReader.listLoadBalancers('aws') in the deploy wizard).
  ['loadBalancerTree', '[].name', 'string', SG_CONFIG],
  ['loadBalancerTree', '[].accounts[].name', 'string', `${SG_CONFIG} (getLoadBalancerMap)`],
  ['loadBalancerTree', '[].accounts[].regions[].name', 'string', `${SG_CONFIG} (getLoadBalancerMap)`],
  ['loadBalancerTree', '[].accounts[].regions[].loadBalancers[].name', 'string', `${SG_CONFIG} (getLoadBalancerNames)`],
  ['loadBalancerTree', '[].accounts[].regions[].loadBalancers[].loadBalancerType', 'string', `${SG_CONFIG} (getLoadBalancerNames)`],
  ['loadBalancerTree', '[].accounts[].regions[].loadBalancers[].vpcId', 'string', `${SG_CONFIG} (getVpcLoadBalancerNames)`],
  ['loadBalancerTree', '[?name=myapp-frontend].accounts[].regions[].loadBalancers[].targetGroups[].name', 'string', `${SG_CONFIG} (getTargetGroupNames)`],
  ['loadBalancerTree', '[?name=myapp-frontend].accounts[].regions[].loadBalancers[].targetGroups[].targetType', 'string', `${SG_CONFIG} (getTargetGroupNames)`],

  // Firewalls: the index (SecurityGroupReader.loadSecurityGroups / getAllSecurityGroups, the wizard's
  // firewall list) and the details pane.
  ['securityGroupIndex', 'prod.aws.us-east-1[].id', 'string', 'core/securityGroup/securityGroupReader.service.ts (indexSecurityGroups)'],
  ['securityGroupIndex', 'prod.aws.us-east-1[].name', 'string', 'core/securityGroup/securityGroupReader.service.ts (indexSecurityGroups)'],
  ['securityGroupIndex', 'prod.aws.us-east-1[].vpcId', 'string', `${SG_CONFIG} (getRegionalSecurityGroups)`],
  ['securityGroup', 'id', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'name', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'description', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'region', 'string', 'core/securityGroup/securityGroupReader.service.ts (getSecurityGroupDetails)'],
  ['securityGroup', 'accountName', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'vpcId', 'string', 'amazon/securityGroup/details/securityGroupDetail.controller.js'],
  ['securityGroup', 'inboundRules[].protocol', 'string', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildRuleModel)'],
  ['securityGroup', 'inboundRules[].portRanges[].startPort', 'number', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildRuleModel)'],
  ['securityGroup', 'inboundRules[].portRanges[].endPort', 'number', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildRuleModel)'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.id', 'string', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildSecurityGroupRulesModel)'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.name', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.accountName', 'string', 'core/securityGroup/securityGroupReader.service.ts (getSecurityGroupDetails)'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.accountId', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.region', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'inboundRules[?securityGroup].securityGroup.vpcId', 'string', 'amazon/securityGroup/details/securityGroupDetail.html'],
  ['securityGroup', 'inboundRules[?range].range.ip', 'string', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildIpRulesModel)'],
  ['securityGroup', 'inboundRules[?range].range.cidr', 'string', 'amazon/securityGroup/details/securityGroupDetail.controller.js (buildIpRulesModel)'],

  // Search (global search, the firewalls data source): core result types and the Amazon formatter.
  ['searchServerGroups', '[].serverGroup', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['searchServerGroups', '[].account', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['searchServerGroups', '[].region', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['searchServerGroups', '[].application', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['searchServerGroups', '[].cluster', 'string', 'core/serverGroup/serverGroupSearchResultType.tsx'],
  ['searchServerGroups', '[].provider', 'string', 'core/search'],
  ['searchInstances', '[].instanceId', 'string', 'core/instance/instanceSearchResultType.tsx'],
  ['searchInstances', '[].account', 'string', 'core/instance/instanceSearchResultType.tsx'],
  ['searchInstances', '[].region', 'string', 'core/instance/instanceSearchResultType.tsx'],
  ['searchInstances', '[].serverGroup', 'string', 'core/instance/instanceSearchResultType.tsx'],
  ['searchInstances', '[].application', 'string', 'core/instance/instanceSearchResultType.tsx'],
  ['searchLoadBalancers', '[].loadBalancer', 'string', 'core/loadBalancer/loadBalancerSearchResultType.tsx'],
  ['searchLoadBalancers', '[].account', 'string', 'core/loadBalancer/loadBalancerSearchResultType.tsx'],
  ['searchLoadBalancers', '[].region', 'string', 'core/loadBalancer/loadBalancerSearchResultType.tsx'],
  ['searchLoadBalancers', '[].vpcId', 'string', 'core/loadBalancer/loadBalancerSearchResultType.tsx'],
  ['searchLoadBalancers', '[].loadBalancerType', 'string', 'core/loadBalancer/loadBalancerSearchResultType.tsx'],
  ['searchSecurityGroups', '[].id', 'string', 'core/securityGroup/securityGroupReader.service.ts (loadSecurityGroupsByApplicationName)'],
  ['searchSecurityGroups', '[].name', 'string', 'amazon/search/searchResultFormatter.ts'],
  ['searchSecurityGroups', '[].region', 'string', 'amazon/search/searchResultFormatter.ts'],
  ['searchSecurityGroups', '[].vpcId', 'string', 'amazon/search/searchResultFormatter.ts'],
  ['searchSecurityGroups', '[].account', 'string', 'core/securityGroup/securityGroupReader.service.ts'],
  ['searchSecurityGroups', '[].application', 'string', 'core/securityGroup/securityGroupReader.service.ts'],

  // Infrastructure lists.
  ['subnets', 'id', 'string', 'core/subnet/subnet.read.service.ts'],
  ['subnets', 'purpose', 'string', 'core/subnet/subnet.read.service.ts, amazon/serverGroup/details/amazonServerGroupDetailsGetter.ts'],
  ['subnets', 'target', 'string', 'amazon/subnet (subnet select field: target filter)'],
  ['subnets', 'deprecated', 'boolean', 'core/subnet/subnet.read.service.ts'],
  ['subnets', 'account', 'string', `${SG_CONFIG} (configureSubnetPurposes)`],
  ['subnets', 'region', 'string', `${SG_CONFIG} (configureSubnetPurposes)`],
  ['subnets', 'vpcId', 'string', `${SG_CONFIG} (configureVpcId)`],
  ['subnets', 'availabilityZone', 'string', 'core/domain/ISubnet.ts'],
  ['subnets', 'cidrBlock', 'string', LB_DETAILS],
  ['subnets', 'state', 'string', LB_DETAILS],
  ['networks', 'id', 'string', 'amazon/vpc/VpcReader.ts (getVpcName)'],
  ['networks', 'name', 'string', 'amazon/vpc/VpcReader.ts'],
  ['networks', 'account', 'string', 'amazon/vpc/VpcReader.ts'],
  ['networks', 'region', 'string', 'amazon/vpc/VpcReader.ts'],
  ['networks', 'deprecated', 'boolean', 'amazon/vpc/VpcReader.ts'],
  ['networks', 'cloudProvider', 'string', 'core/network/NetworkReader.ts'],
  ['keyPairs', 'keyName', 'string', 'amazon/keyPairs/KeyPairsReader.ts'],
  ['keyPairs', 'account', 'string', `${SG_CONFIG} (configureKeyPairs)`],
  ['keyPairs', 'region', 'string', `${SG_CONFIG} (configureKeyPairs)`],
  ['keyPairs', 'keyFingerprint', 'string', 'amazon/domain/IKeyPair.ts'],
  ['instanceTypes', 'name', 'string', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'account', 'string', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'region', 'string', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'defaultVCpus', 'number', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'memoryInGiB', 'number', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'supportedArchitectures[]', 'string', 'amazon/instance/awsInstanceType.service.ts (filterInstanceTypes)'],
  ['instanceTypes', 'supportedVirtualizationTypes[]', 'string', 'amazon/instance/awsInstanceType.service.ts (filterInstanceTypes)'],
  ['instanceTypes', 'currentGeneration', 'boolean', 'amazon/instance/awsInstanceType.service.ts'],
  ['instanceTypes', 'burstablePerformanceSupported', 'boolean', 'amazon/instance/awsInstanceType.service.ts'],
  ['certificates', 'arn', 'string', 'amazon/certificates/AmazonCertificateReader.ts'],
  ['certificates', 'serverCertificateName', 'string', 'amazon/certificates/AmazonCertificateReader.ts'],
  ['certificates', 'serverCertificateId', 'string', 'core/certificates/certificate.read.service.ts'],
  ['certificates', 'uploadDate', 'number', 'amazon/domain/IAmazonCertificate.ts'],
  ['certificates', 'expiration', 'number', 'core/certificates/certificate.read.service.ts'],
  ['certificates', 'path', 'string', 'core/certificates/certificate.read.service.ts'],

  // Images (the deploy wizard's image search and the bake stage's image lookup).
  ['imagesFind', '[].imageName', 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].accounts[]', 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', `[].amis['${REGION}'][]`, 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].attributes.creationDate', 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].attributes.virtualizationType', 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].attributes.architecture', 'string', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].tags', 'object', 'amazon/image/image.reader.ts'],
  ['imagesFind', '[].tagsByImageId', 'object', 'amazon/image/image.reader.ts'],
  ['image', '[].imageName', 'string', 'amazon/image/image.reader.ts (getImage)'],
  ['image', '[].attributes.virtualizationType', 'string', 'amazon/image/image.reader.ts (getImage)'],
];

// ---- a small path evaluator ----

function tokens(path: string): string[] {
  const out: string[] = [];
  const re = /\[\?[^\]]*\]|\[\]|\['[^']*'\]|[^.[\]]+/g;
  for (const m of path.matchAll(re)) out.push(m[0]);
  return out;
}

function typeOf(v: unknown): JsonType | 'undefined' {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'undefined';
}

/** The values at `path` under `root` with where each was found; throws naming the first step that finds nothing. */
function evaluate(root: unknown, path: string): { at: string; value: unknown }[] {
  let current: { at: string; value: unknown }[] = [{ at: '', value: root }];
  for (const token of tokens(path)) {
    const next: { at: string; value: unknown }[] = [];
    for (const { at, value } of current) {
      if (token === '[]' || token.startsWith('[?')) {
        if (!Array.isArray(value)) throw new Error(`${at || '(root)'} is ${typeOf(value)}, not an array`);
        let items = value.map((v, i) => ({ at: `${at}[${i}]`, value: v as unknown }));
        if (token.startsWith('[?')) {
          const [field, wanted] = token.slice(2, -1).split('=');
          items = items.filter(({ value: v }) => {
            const f = typeof v === 'object' && v !== null ? (v as Json)[field ?? ''] : undefined;
            return wanted === undefined ? f !== undefined && f !== null : (typeof f === 'string' || typeof f === 'number') && String(f) === wanted;
          });
        }
        if (items.length === 0) throw new Error(`${at || '(root)'}${token} selects nothing`);
        next.push(...items);
      } else {
        const key = token.startsWith("['") ? token.slice(2, -2) : token;
        if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${at || '(root)'} is ${typeOf(value)}, not an object`);
        next.push({ at: `${at}.${key}`, value: (value as Json)[key] });
      }
    }
    current = next;
  }
  return current;
}

describe('evaluate (the table’s path evaluator)', () => {
  const doc = { a: [{ b: 1, t: 'x' }, { b: 'two', t: 'y' }], m: { 'k.dot': true }, e: [] };
  it('walks arrays, filters and dotted keys, and refuses empty selections', () => {
    expect(evaluate(doc, 'a[].b').map((r) => r.value)).toEqual([1, 'two']);
    expect(evaluate(doc, 'a[?t=y].b').map((r) => r.value)).toEqual(['two']);
    expect(evaluate(doc, "m['k.dot']").map((r) => r.value)).toEqual([true]);
    expect(() => evaluate(doc, 'e[].x')).toThrow(/selects nothing/);
    expect(() => evaluate(doc, 'a[?t=z].b')).toThrow(/selects nothing/);
    expect(() => evaluate(doc, 'm[].x')).toThrow(/not an array/);
    expect(evaluate(doc, 'nope').map((r) => r.value)).toEqual([undefined]);
  });
});

describe('Deck compatibility (Amazon module)', () => {
  let sim: AwsSim;
  let app: App;
  let world: AwsWorld;
  let fiat: FiatStandIn;
  const subjects = new Map<Subject, unknown>();
  const clock = new ManualClock(Date.parse('2026-06-01T12:00:00Z'));

  // Gate calls as the signed-in user; `deck` is a Fiat admin, `reader` reads the account, `stranger` reads no account.
  const get = async <T = unknown>(url: string, user = 'deck'): Promise<T> => {
    const res = await app.server.inject({ method: 'GET', url, headers: { 'x-spinnaker-user': user } });
    if (res.statusCode !== 200) throw new Error(`GET ${url} answered ${res.statusCode}: ${res.body}`);
    return JSON.parse(res.body) as T;
  };
  const searchResults = async (query: string): Promise<Json[]> => (await get<{ results: Json[] }[]>(`/search?${query}`)).flatMap((p) => p.results);

  beforeAll(async () => {
    sim = await startAwsSim({ seed: 'demo', accounts: 1, regions: [REGION], clock });
    useSimCredentials(sim, 0);
    world = await buildAwsWorld(sim, 0);
    const creds = sim.accounts[0];
    const sdk = { endpoint: sim.endpoint, region: REGION, credentials: creds, maxAttempts: 1 };
    const ec2 = new EC2Client(sdk);
    const as = new AutoScalingClient(sdk);
    const elbv2 = new ElasticLoadBalancingV2Client(sdk);
    const iam = new IAMClient(sdk);

    // Subnet purpose (Clouddriver's `immutable_metadata` tag), a named VPC, a key pair, an elastic IP.
    for (const id of world.subnetIds) {
      await ec2.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'immutable_metadata', Value: '{"purpose":"internal","target":"ec2"}' }] }));
    }
    await ec2.send(new CreateTagsCommand({ Resources: [world.vpcId], Tags: [{ Key: 'Name', Value: 'vpc0' }] }));
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
    // The application's firewall admits a CIDR range too (it already admits the load balancer's group).
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: world.appGroupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'bastion' }] }] }));
    // The image records its build host and build page, which Deck links to.
    await ec2.send(new CreateTagsCommand({ Resources: [world.imageId], Tags: [{ Key: 'build_host', Value: 'https://jenkins.example/' }, { Key: 'build_info_url', Value: 'https://jenkins.example/job/myapp-build/12' }] }));

    // A server group on a launch configuration, with a scheduled action.
    await as.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: `${APP}-legacy-v000-20260601`,
        ImageId: world.imageId,
        InstanceType: 't3.small',
        KeyName: 'ops',
        IamInstanceProfile: 'myappInstanceProfile',
        InstanceMonitoring: { Enabled: true },
        UserData: Buffer.from('#!/bin/sh\necho legacy\n').toString('base64'),
        SecurityGroups: [world.appGroupId],
      }),
    );
    await as.send(new CreateAutoScalingGroupCommand({ AutoScalingGroupName: `${APP}-legacy-v000`, LaunchConfigurationName: `${APP}-legacy-v000-20260601`, MinSize: 1, MaxSize: 2, DesiredCapacity: 1, VPCZoneIdentifier: world.subnetIds.join(',') }));
    await as.send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: `${APP}-legacy-v000`, ScheduledActionName: 'nightly', Recurrence: '0 2 * * *', MinSize: 0, MaxSize: 2, DesiredCapacity: 0 }));

    // A server group on a launch template that sets what the launch template section shows, tagged.
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: `${APP}-canary-v000`,
        LaunchTemplateData: {
          ImageId: world.imageId,
          InstanceType: 't3.micro',
          KeyName: 'ops',
          IamInstanceProfile: { Name: 'myappInstanceProfile' },
          Monitoring: { Enabled: true },
          UserData: Buffer.from('#!/bin/sh\necho canary\n').toString('base64'),
          CreditSpecification: { CpuCredits: 'unlimited' },
          SecurityGroupIds: [world.appGroupId],
        },
      }),
    );
    await as.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: `${APP}-canary-v000`,
        LaunchTemplate: { LaunchTemplateName: `${APP}-canary-v000`, Version: '$Latest' },
        MinSize: 1,
        MaxSize: 2,
        DesiredCapacity: 1,
        VPCZoneIdentifier: world.subnetIds.join(','),
        TargetGroupARNs: [world.targetGroupArn],
        Tags: [{ Key: 'owner', Value: 'team-a', PropagateAtLaunch: true }],
      }),
    );
    await as.send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: `${APP}-canary-v000`, ResourceType: 'auto-scaling-group', Key: 'cost-center', Value: '42', PropagateAtLaunch: false }] }));

    // A server certificate, served by an HTTPS listener on the ALB.
    let certificateArn = '';
    const dir = mkdtempSync(join(tmpdir(), 'cert-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30', '-subj', '/CN=myapp.example.com'], { stdio: 'ignore' });
      certificateArn = (await iam.send(new UploadServerCertificateCommand({ ServerCertificateName: 'myapp-cert', CertificateBody: readFileSync(join(dir, 'cert.pem'), 'utf8'), PrivateKey: readFileSync(join(dir, 'key.pem'), 'utf8') }))).ServerCertificateMetadata?.Arn ?? '';
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // A listener rule on the ALB (path pattern, forward to the target group).
    const alb = (await elbv2.send(new DescribeLoadBalancersCommand({ Names: [`${APP}-frontend`] }))).LoadBalancers?.[0];
    const listener = (await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb?.LoadBalancerArn }))).Listeners?.[0];
    await elbv2.send(
      new CreateRuleCommand({ ListenerArn: listener?.ListenerArn, Priority: 10, Conditions: [{ Field: 'path-pattern', Values: ['/api/*'] }], Actions: [{ Type: 'forward', TargetGroupArn: world.targetGroupArn, Order: 1 }] }),
    );
    await elbv2.send(
      new CreateListenerCommand({ LoadBalancerArn: alb?.LoadBalancerArn, Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-2016-08', Certificates: [{ CertificateArn: certificateArn }], DefaultActions: [{ Type: 'forward', TargetGroupArn: world.targetGroupArn }] }),
    );

    sim.converge();
    for (const c of [ec2, as, elbv2, iam]) c.destroy();

    fiat = await startFiatStandIn({
      deck: { admin: true },
      reader: { accounts: [{ name: 'prod', authorizations: ['READ'] }], allowAccessToUnknownApplications: true },
      stranger: { accounts: [], allowAccessToUnknownApplications: true },
    });
    const config = parseConfig({
      server: { port: 0, host: '127.0.0.1' },
      storage: { cache: 'memory', tasks: 'memory' },
      services: { fiat: { enabled: true, baseUrl: fiat.url } },
      aws: {
        endpoint: sim.endpoint,
        accounts: [{ name: 'prod', accountId: creds?.accountId, environment: 'production', regions: [{ name: REGION, availabilityZones: [`${REGION}a`, `${REGION}b`, `${REGION}c`] }], defaultKeyPair: 'ops', maxAttempts: 5 }],
      },
    });
    app = await createApp({ config, clock, logger: pino({ level: process.env.TEST_LOG ?? 'silent' }) });
    await runAgents(app, awsAgents(app, 'prod'));

    // An instance with a public address: its elastic IP (associated after the first run, then the agents run again).
    const instanceId = (await get<Json[]>(`/applications/${APP}/serverGroups`)).find((g) => g.name === `${APP}-prod-v001`)?.instances as Json[] | undefined;
    const id = String(instanceId?.[0]?.id);
    const ec2b = new EC2Client(sdk);
    const address = await ec2b.send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await ec2b.send(new AssociateAddressCommand({ AllocationId: address.AllocationId, InstanceId: id }));
    await ec2b.send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'Name', Value: `${APP}-prod-v001` }] }));
    ec2b.destroy();
    await runAgents(app, awsAgents(app, 'prod'));

    const credentials = await get<Json[]>('/credentials?expand=true');
    subjects.set('credentials', credentials.find((c) => c.name === 'prod'));
    subjects.set('application', await get(`/applications/${APP}`));
    subjects.set('applicationClusters', await get(`/applications/${APP}/clusters`));
    subjects.set('applicationServerGroups', await get(`/applications/${APP}/serverGroups`));
    subjects.set('serverGroupWithLaunchTemplate', await get(`/applications/${APP}/serverGroups/prod/${REGION}/${APP}-canary-v000?includeDetails=false`));
    subjects.set('serverGroupWithLaunchConfig', await get(`/applications/${APP}/serverGroups/prod/${REGION}/${APP}-legacy-v000?includeDetails=false`));
    subjects.set('serverGroupWithPolicy', await get(`/applications/${APP}/serverGroups/prod/${REGION}/${APP}-prod-v001?includeDetails=false`));
    subjects.set('disabledServerGroup', await get(`/applications/${APP}/serverGroups/prod/${REGION}/${APP}-prod-v000?includeDetails=false`));
    subjects.set('serverGroupsByIds', await get(`/serverGroups?ids=prod:${REGION}:${APP}-prod-v001`));
    subjects.set('instance', await get(`/instances/prod/${REGION}/${id}`));
    subjects.set('scalingActivities', await get(`/applications/${APP}/clusters/prod/${APP}-prod/aws/serverGroups/${APP}-prod-v001/scalingActivities?region=${REGION}`));
    const lbs = await get<Json[]>(`/applications/${APP}/loadBalancers`);
    subjects.set('applicationAlb', lbs.find((l) => l.name === `${APP}-frontend`));
    subjects.set('applicationClassic', lbs.find((l) => l.name === `${APP}-classic`));
    subjects.set('albDetails', (await get<Json[]>(`/aws/loadBalancers/prod/${REGION}/${APP}-frontend`))[0]);
    subjects.set('classicDetails', (await get<Json[]>(`/aws/loadBalancers/prod/${REGION}/${APP}-classic`))[0]);
    subjects.set('loadBalancerTree', await get('/aws/loadBalancers'));
    subjects.set('securityGroupIndex', await get('/securityGroups'));
    subjects.set('securityGroup', await get(`/securityGroups/prod/aws/${REGION}/${APP}?vpcId=${world.vpcId}`));
    subjects.set('searchServerGroups', await searchResults(`q=${APP}&type=serverGroups`));
    subjects.set('searchInstances', await searchResults('q=i-&type=instances'));
    subjects.set('searchLoadBalancers', await searchResults(`q=${APP}&type=loadBalancers`));
    subjects.set('searchSecurityGroups', await searchResults(`q=${APP}&type=securityGroups`));
    subjects.set('subnets', (await get<Json[]>('/subnets/aws')).find((s) => s.id === world.subnetIds[0]));
    subjects.set('networks', (await get<Json[]>('/networks/aws')).find((n) => n.id === world.vpcId));
    subjects.set('keyPairs', (await get<Json[]>('/keyPairs')).find((k) => k.keyName === 'ops'));
    subjects.set('instanceTypes', (await get<Json[]>('/instanceTypes')).find((t) => t.name === 't3.micro'));
    subjects.set('certificates', (await get<Json[]>('/certificates/aws')).find((c) => c.serverCertificateName === 'myapp-cert'));
    subjects.set('imagesFind', await get(`/aws/images/find?q=${APP}&region=${REGION}`));
    subjects.set('image', await get(`/aws/images/prod/${REGION}/${world.imageId}`));
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await sim?.close();
    await fiat?.stop();
  });

  it.each(FIELDS.map(([subject, path, type, deck]) => [`${ENDPOINTS[subject]} → ${path}: ${type} (${deck})`, subject, path, type] as const))('%s', (_title, subject, path, type) => {
    const root = subjects.get(subject);
    expect(root, `${ENDPOINTS[subject]} found nothing to check`).toBeDefined();
    const allowed = type.split('|');
    for (const { at, value } of evaluate(root, path)) {
      expect(allowed, `${ENDPOINTS[subject]}: ${at} = ${JSON.stringify(value)}`).toContain(typeOf(value));
    }
  });

  it('names every endpoint in the table, and every table row names a Deck file', () => {
    const used = new Set(FIELDS.map(([s]) => s));
    expect([...used].sort()).toEqual(Object.keys(ENDPOINTS).sort());
    for (const [, , , deck] of FIELDS) expect(deck).toMatch(/^(amazon|core)\//);
  });

  it('answers scaling activities from AWS as AmazonClusterController: one launch per instance, an unknown account is a bad request', async () => {
    const activities = subjects.get('scalingActivities') as Json[];
    const instances = ((subjects.get('applicationServerGroups') as Json[]).find((g) => g.name === `${APP}-prod-v001`)?.instances ?? []) as Json[];
    expect(activities.filter((a) => String(a.description).startsWith('Launching a new EC2 instance')).length).toBe(instances.length);
    expect(activities.every((a) => a.autoScalingGroupName === `${APP}-prod-v001`)).toBe(true);
    const unknown = await app.server.inject({ method: 'GET', headers: { 'x-spinnaker-user': 'deck' }, url: `/applications/${APP}/clusters/nobody/${APP}-prod/aws/serverGroups/${APP}-prod-v001/scalingActivities?region=${REGION}` });
    expect([unknown.statusCode, JSON.parse(unknown.body)]).toEqual([400, { message: 'bad credentials' }]);
    const noRegion = await app.server.inject({ method: 'GET', headers: { 'x-spinnaker-user': 'deck' }, url: `/applications/${APP}/clusters/prod/${APP}-prod/aws/serverGroups/${APP}-prod-v001/scalingActivities` });
    expect(noRegion.statusCode).toBe(400);
  });

  it('keeps the load balancer tree’s AWS names when Fiat filters it: a user without the account sees no load balancers', async () => {
    const tree = subjects.get('loadBalancerTree') as Json[];
    expect(tree.map((lb) => lb.name)).toEqual(expect.arrayContaining([`${APP}-frontend`, `${APP}-classic`]));
    const readable = await get<{ name: string; accounts: { name: string; regions: { loadBalancers: Json[] }[] }[] }[]>('/aws/loadBalancers', 'reader');
    expect(readable.find((lb) => lb.name === `${APP}-frontend`)?.accounts.map((a) => [a.name, a.regions[0]?.loadBalancers.length])).toEqual([['prod', 1]]);
    expect(await get('/aws/loadBalancers', 'stranger')).toEqual([]);
    const stranger = await app.server.inject({ method: 'GET', url: `/applications/${APP}/clusters/prod/${APP}-prod/aws/serverGroups/${APP}-prod-v001/scalingActivities?region=${REGION}`, headers: { 'x-spinnaker-user': 'stranger' } });
    expect(stranger.statusCode).toBe(403);
  });

  it('answers /subnets (all providers) with the same purpose Deck labels subnets by', async () => {
    const all = await get<Json[]>('/subnets');
    expect(all.filter((s) => s.type === 'aws' && s.purpose === 'internal').map((s) => s.id).sort()).toEqual([...world.subnetIds].sort());
  });
});
