/**
 * Elastic Load Balancing v2 (awsQuery, API version 2015-12-01): application and network load
 * balancers, listeners, rules, target groups, targets and their health, attributes and tags.
 */
import type { ServiceDefinition } from '../service.js';
import { loadBalancerActions } from './elbv2/loadBalancers.js';
import { targetGroupActions } from './elbv2/targetGroups.js';

export const elbv2: ServiceDefinition = {
  signingName: 'elasticloadbalancing',
  version: '2015-12-01',
  protocol: 'query',
  xmlns: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
  throttleCode: 'Throttling',
  actions: { ...loadBalancerActions, ...targetGroupActions },
};
