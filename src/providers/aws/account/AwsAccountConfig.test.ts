import { describe, expect, it } from 'vitest';
import { AwsCredentials } from './AwsCredentials.js';
import { awsAccountSchema, parseAwsProviderSettings } from './AwsAccountConfig.js';
import { awsDefinitionProblems } from './submittedDefinition.js';

describe('AWS account configuration', () => {
  it('reads Clouddriver’s account fields, with its default regions', () => {
    const account = awsAccountSchema.parse({ name: 'prod', accountId: '123456789012', regions: ['us-east-1', { name: 'us-west-2', availabilityZones: ['us-west-2a'] }], assumeRole: 'role/spinnaker', somethingElse: true });
    expect(account.regions).toEqual([{ name: 'us-east-1', deprecated: false }, { name: 'us-west-2', availabilityZones: ['us-west-2a'], deprecated: false }]);
    const creds = new AwsCredentials(awsAccountSchema.parse({ name: 'dev', requiredGroupMembership: ['Team'] }));
    expect(creds.regions.map((r) => r.name)).toEqual(['us-east-1', 'us-west-1', 'us-west-2', 'eu-west-1']);
    expect(creds.permissions).toEqual({ READ: ['team'], WRITE: ['team'] });
    expect(creds.describe()).toMatchObject({ accountId: null, assumeRole: null, regions: expect.arrayContaining([expect.objectContaining({ name: 'eu-west-1' })]) });
  });

  it('refuses bad account ids and names with their path', () => {
    const bad = awsAccountSchema.safeParse({ name: 'a:b', accountId: '12' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['accountId', 'name']);
  });

  it('reads the endpoint setting and names it when invalid', () => {
    expect(parseAwsProviderSettings({ endpoint: 'http://127.0.0.1:4566', accounts: [] })).toEqual({ endpoint: 'http://127.0.0.1:4566' });
    expect(parseAwsProviderSettings(undefined)).toEqual({});
    expect(() => parseAwsProviderSettings({ endpoint: 'not a url' })).toThrow('aws.endpoint');
  });
});

describe('AWS accounts added through the account storage API', () => {
  const allow = { execPlugins: false, filePaths: false, defaultCredentials: false, servers: ['*'] };
  it('are refused unless the service’s own credentials may be borrowed', () => {
    const def = awsAccountSchema.parse({ name: 'x', accountId: '123456789012', assumeRole: 'role/spinnaker' });
    expect(awsDefinitionProblems(def, allow)).toEqual([expect.stringContaining('account.storage.allow.defaultCredentials')]);
    expect(awsDefinitionProblems(def, { ...allow, defaultCredentials: true })).toEqual([]);
  });
});
