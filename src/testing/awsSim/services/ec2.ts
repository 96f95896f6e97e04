/**
 * Amazon EC2 (EC2 Query protocol, API version 2016-11-15): the actions of network.ts,
 * instances.ts, launchTemplates.ts and misc.ts under one service definition.
 */
import type { ServiceDefinition } from '../service.js';
import { instanceActions } from './ec2/instances.js';
import { launchTemplateActions } from './ec2/launchTemplates.js';
import { miscActions } from './ec2/misc.js';
import { networkActions } from './ec2/network.js';

export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  version: '2016-11-15',
  protocol: 'ec2',
  xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  throttleCode: 'RequestLimitExceeded',
  actions: { ...networkActions, ...instanceActions, ...launchTemplateActions, ...miscActions },
};
