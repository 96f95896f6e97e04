import type { SubmittedDefinitionPolicy } from '../../../core/providers/ProviderModule.js';
import type { AwsAccountConfig } from './AwsAccountConfig.js';

/**
 * What an AWS account submitted through the account storage API would make the service do,
 * against `account.storage.allow`: every AWS account calls AWS with the service's own
 * credentials (the SDK default chain, directly or to assume `assumeRole`), so one is accepted
 * only where borrowing them is allowed (`defaultCredentials`).
 */
export function awsDefinitionProblems(def: AwsAccountConfig, allow: SubmittedDefinitionPolicy): string[] {
  if (allow.defaultCredentials) return [];
  const how = def.assumeRole === undefined ? 'it would call AWS with the service\'s own credentials' : `it would assume ${def.assumeRole} with the service's own credentials`;
  return [`an AWS account (${how}) is not allowed for accounts added through the API (account.storage.allow.defaultCredentials)`];
}
