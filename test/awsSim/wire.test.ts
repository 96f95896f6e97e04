/**
 * The simulator's wire format, byte for byte where AWS documents it: EC2's
 * `<XResponse xmlns=".../2016-11-15/"><requestId>` envelope and `Response/Errors/Error` errors,
 * awsQuery's `<XResponse><XResult>..<ResponseMetadata>` and `ErrorResponse/Error/{Type,Code,Message}`,
 * AWS JSON 1.0 errors with `__type` and `x-amzn-query-error`, and unsigned requests. Requests are
 * signed with the simulator's SigV4 code, which its unit test checks against AWS's published examples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim } from '../../src/testing/awsSim/index.js';
import type { AwsSim } from '../../src/testing/awsSim/index.js';
import { expectedSignature } from '../../src/testing/awsSim/sigv4.js';

let sim: AwsSim;
beforeAll(async () => {
  sim = await startAwsSim();
});
afterAll(async () => {
  await sim.close();
});

async function signedPost(service: string, body: string, headers: Record<string, string> = {}, secret?: string): Promise<Response> {
  const account = sim.accounts[0];
  if (account === undefined) throw new Error('no account');
  const url = new URL(sim.endpoint);
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const date = amzDate.slice(0, 8);
  const all: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', host: url.host, 'x-amz-date': amzDate, ...headers };
  const signedHeaders = Object.keys(all).sort();
  const scope = { accessKeyId: account.accessKeyId, date, region: 'us-east-1', service, signedHeaders, signature: '' };
  const signature = expectedSignature({ method: 'POST', path: '/', query: '', headers: all, body: Buffer.from(body) }, scope, secret ?? account.secretAccessKey);
  const { host: _host, ...sent } = all;
  return fetch(sim.endpoint, {
    method: 'POST',
    body,
    headers: { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${account.accessKeyId}/${date}/us-east-1/${service}/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}` },
  });
}

describe('wire format', () => {
  it('EC2 answers in its namespace with requestId and <item> lists, and errors as Response/Errors/Error', async () => {
    const ok = await signedPost('ec2', 'Action=DescribeAvailabilityZones&Version=2016-11-15&ZoneName.1=us-east-1b');
    const text = await ok.text();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe('text/xml;charset=UTF-8');
    expect(text).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeAvailabilityZonesResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>[0-9a-f-]{36}<\/requestId><availabilityZoneInfo><item><optInStatus>opt-in-not-required<\/optInStatus><messageSet><\/messageSet><regionName>us-east-1<\/regionName><zoneName>us-east-1b<\/zoneName><zoneId>use1-az2<\/zoneId>/);
    const bad = await signedPost('ec2', 'Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-0000000000000000a');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidGroup\.NotFound<\/Code><Message>The security group 'sg-0000000000000000a' does not exist<\/Message><\/Error><\/Errors><RequestID>[0-9a-f-]{36}<\/RequestID><\/Response>$/);
  });

  it('awsQuery services wrap results in XResult with ResponseMetadata, and errors in ErrorResponse with Type', async () => {
    const ok = await signedPost('sts', 'Action=GetCallerIdentity&Version=2011-06-15');
    expect(await ok.text()).toMatch(
      new RegExp(`^<GetCallerIdentityResponse xmlns="https://sts\\.amazonaws\\.com/doc/2011-06-15/"><GetCallerIdentityResult><UserId>AIDA[A-Z2-7]+</UserId><Account>${sim.accounts[0]?.accountId}</Account><Arn>arn:aws:iam::\\d{12}:user/sim-user</Arn></GetCallerIdentityResult><ResponseMetadata><RequestId>[0-9a-f-]{36}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`),
    );
    const empty = await signedPost('autoscaling', 'Action=DescribeAutoScalingGroups&Version=2011-01-01');
    expect(await empty.text()).toMatch(/<DescribeAutoScalingGroupsResult><AutoScalingGroups><\/AutoScalingGroups><\/DescribeAutoScalingGroupsResult>/);
    const bad = await signedPost('autoscaling', 'Action=SetDesiredCapacity&Version=2011-01-01&AutoScalingGroupName=none&DesiredCapacity=1');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/^<ErrorResponse xmlns="http:\/\/autoscaling\.amazonaws\.com\/doc\/2011-01-01\/"><Error><Type>Sender<\/Type><Code>ValidationError<\/Code><Message>AutoScalingGroup name not found - AutoScalingGroup none not found<\/Message><\/Error><RequestId>[0-9a-f-]{36}<\/RequestId><\/ErrorResponse>/);
    const unknownAction = await signedPost('elasticloadbalancing', 'Action=Frobnicate&Version=2015-12-01');
    expect(await unknownAction.text()).toContain('<Code>InvalidAction</Code>');
  });

  it('CloudWatch JSON errors name the model shape in __type and the awsQuery code in x-amzn-query-error', async () => {
    const res = await signedPost('monitoring', JSON.stringify({ AlarmNames: ['none'] }), { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DeleteAlarms' });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-amzn-query-error')).toBe('ResourceNotFound;Sender');
    expect(await res.json()).toEqual({ __type: 'com.amazonaws.cloudwatch#ResourceNotFound', message: 'Alarm(s) none not found' });
  });

  it('refuses malformed and oversized bodies without crashing', async () => {
    const badJson = await signedPost('monitoring', '{not json', { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'GraniteServiceVersion20100801.DescribeAlarms' });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { __type: string }).__type).toBe('com.amazonaws.cloudwatch#SerializationException');
    const huge = await fetch(sim.endpoint, { method: 'POST', body: Buffer.alloc(17 * 1024 * 1024, 0x61) }).catch(() => undefined);
    if (huge !== undefined) expect(huge.status).toBe(413);
    const after = await signedPost('sts', 'Action=GetCallerIdentity&Version=2011-06-15');
    expect(after.status).toBe(200);
  });

  it('refuses unsigned and wrongly signed requests with each protocol\'s code', async () => {
    const unsigned = await fetch(sim.endpoint, { method: 'POST', body: 'Action=GetCallerIdentity&Version=2011-06-15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>MissingAuthenticationToken</Code>');
    const wrong = await signedPost('sts', 'Action=GetCallerIdentity&Version=2011-06-15', {}, 'not-the-secret');
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
    const wrongEc2 = await signedPost('ec2', 'Action=DescribeVpcs&Version=2016-11-15', {}, 'not-the-secret');
    expect(wrongEc2.status).toBe(401);
    expect(await wrongEc2.text()).toContain('<Code>AuthFailure</Code>');
  });
});
