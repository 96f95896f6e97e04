/**
 * Amazon EC2 (EC2 Query protocol, API version 2016-11-15): the actions of the modules under
 * ec2/ (account, network, instances, launch templates, images, key pairs, addresses, tags) under
 * one service definition.
 */
import type { ServiceDefinition } from '../service.js';
import { accountActions } from './ec2/account.js';
import { addressActions } from './ec2/addresses.js';
import { imageActions } from './ec2/images.js';
import { instanceActions } from './ec2/instances.js';
import { keyPairActions } from './ec2/keyPairs.js';
import { launchTemplateActions } from './ec2/launchTemplates.js';
import { networkActions } from './ec2/network.js';
import { tagActions } from './ec2/tags.js';

export const ec2: ServiceDefinition = {
  signingName: 'ec2',
  version: '2016-11-15',
  protocol: 'ec2',
  xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  throttleCode: 'RequestLimitExceeded',
  actions: { ...accountActions, ...networkActions, ...instanceActions, ...launchTemplateActions, ...imageActions, ...keyPairActions, ...addressActions, ...tagActions },
};
