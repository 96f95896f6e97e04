/**
 * Amazon EC2 Auto Scaling (awsQuery, API version 2011-01-01): groups and their convergence,
 * launch configurations, scaling policies, scheduled actions, lifecycle hooks and instance refreshes.
 */
import type { ServiceDefinition } from '../service.js';
import { groupActions } from './autoScaling/groups.js';
import { instanceRefreshActions } from './autoScaling/instanceRefresh.js';
import { launchConfigurationActions } from './autoScaling/launchConfigurations.js';
import { policyActions } from './autoScaling/policies.js';

export const autoScaling: ServiceDefinition = {
  signingName: 'autoscaling',
  version: '2011-01-01',
  protocol: 'query',
  xmlns: 'http://autoscaling.amazonaws.com/doc/2011-01-01/',
  throttleCode: 'Throttling',
  actions: { ...groupActions, ...launchConfigurationActions, ...policyActions, ...instanceRefreshActions },
};
