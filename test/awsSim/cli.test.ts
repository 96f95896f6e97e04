/**
 * `npm run aws-sim` as a newcomer runs it: the first output line is one JSON object with the
 * endpoint and keys of every account; the keys work; convergence runs on its own timer; SIGTERM
 * stops it cleanly.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/waitFor.js';

interface StartLine {
  msg: string;
  endpoint: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
  regions: string[];
  accounts: { accountId: string; accessKeyId: string; secretAccessKey: string }[];
}

let child: ChildProcessWithoutNullStreams | undefined;

afterAll(() => {
  if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
});

describe('aws-sim command line', () => {
  it('prints one JSON line with the endpoint and keys, serves them, converges on a timer and stops on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'src/testing/awsSim/cli.ts', '--port', '0', '--seed', 'demo', '--accounts', '2', '--regions', 'eu-west-1', '--tick-ms', '50'], { stdio: 'pipe' });
    const proc = child;
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc.stdout }).once('line', resolve);
      proc.once('exit', (code) => reject(new Error(`aws-sim exited with ${String(code)}`)));
    });
    const start = JSON.parse(line) as StartLine;
    expect(start).toEqual(expect.objectContaining({ msg: 'aws-sim listening', endpoint: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), accountId: expect.stringMatching(/^\d{12}$/), regions: ['eu-west-1'] }));
    expect(start.accounts).toHaveLength(1);
    const keys = [{ accountId: start.accountId, accessKeyId: start.accessKeyId, secretAccessKey: start.secretAccessKey }, ...start.accounts];
    for (const k of keys) {
      const sts = new STSClient({ endpoint: start.endpoint, region: 'eu-west-1', credentials: k });
      expect((await sts.send(new GetCallerIdentityCommand({}))).Account).toBe(k.accountId);
    }
    // STS's global endpoint is signed for us-east-1, which this simulator does not serve otherwise.
    const globalSts = new STSClient({ endpoint: start.endpoint, region: 'us-east-1', credentials: keys[0] ?? { accessKeyId: '', secretAccessKey: '' } });
    expect((await globalSts.send(new GetCallerIdentityCommand({}))).Account).toBe(start.accountId);
    const wrongRegion = new EC2Client({ endpoint: start.endpoint, region: 'us-east-1', credentials: keys[0] ?? { accessKeyId: '', secretAccessKey: '' }, maxAttempts: 1 });
    await expect(wrongRegion.send(new DescribeImagesCommand({}))).rejects.toThrow(/AWS was not able to validate the provided access credentials/);
    const ec2 = new EC2Client({ endpoint: start.endpoint, region: 'eu-west-1', credentials: keys[0] ?? { accessKeyId: '', secretAccessKey: '' } });
    const image = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0];
    expect(image?.Name).toMatch(/^al2023-ami-/);
    const run = await ec2.send(new RunInstancesCommand({ ImageId: image?.ImageId ?? '', InstanceType: 't3.micro', MinCount: 1, MaxCount: 1 }));
    const id = run.Instances?.[0]?.InstanceId ?? '';
    await waitFor(async () => {
      const d = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
      expect(d.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe('running');
    });
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
