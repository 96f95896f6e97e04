/**
 * DescribeLaunchTemplateVersions with no template named: the `$Latest` and `$Default` versions of
 * every launch template of the region, paged (what Clouddriver's AmazonLaunchTemplateCachingAgent
 * asks); any other version needs a template.
 */
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand, EC2Client, paginateDescribeLaunchTemplateVersions, DescribeLaunchTemplateVersionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim, type AwsSim } from '../../src/testing/awsSim/index.js';

describe('DescribeLaunchTemplateVersions across templates', () => {
  let sim: AwsSim;
  let ec2: EC2Client;
  beforeAll(async () => {
    sim = await startAwsSim({ regions: ['us-east-1'] });
    ec2 = new EC2Client({ endpoint: sim.endpoint, region: 'us-east-1', credentials: sim.accounts[0], maxAttempts: 1 });
    for (const name of ['lt-a', 'lt-b', 'lt-c']) await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: name, LaunchTemplateData: { InstanceType: 't3.micro' } }));
    // lt-b gets a second version: its $Latest (2) differs from its $Default (1).
    await ec2.send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'lt-b', LaunchTemplateData: { InstanceType: 'm5.large' } }));
  });
  afterAll(async () => {
    ec2.destroy();
    await sim.close();
  });

  it('answers every template’s $Default and $Latest version once, across pages', async () => {
    const seen: string[] = [];
    for await (const page of paginateDescribeLaunchTemplateVersions({ client: ec2, pageSize: 2 }, { Versions: ['$Default', '$Latest'] })) {
      for (const v of page.LaunchTemplateVersions ?? []) seen.push(`${v.LaunchTemplateName}:${v.VersionNumber}:${v.DefaultVersion}`);
    }
    expect(seen.sort()).toEqual(['lt-a:1:true', 'lt-b:1:true', 'lt-b:2:false', 'lt-c:1:true']);
  });

  it('refuses other versions without a template', async () => {
    await expect(ec2.send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['1'] }))).rejects.toMatchObject({ name: 'MissingParameter' });
    await expect(ec2.send(new DescribeLaunchTemplateVersionsCommand({}))).rejects.toMatchObject({ name: 'MissingParameter' });
  });
});
