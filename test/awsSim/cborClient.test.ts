/**
 * CloudWatch over Smithy RPC v2 CBOR, judged by a real CBOR client: botocore (the AWS CLI's
 * library) with its protocol preference put to `smithy-rpc-v2-cbor`, which the CloudWatch model
 * lists first and newer AWS CLIs send. Skipped only when the CLI's Python has no botocore with CBOR support.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAwsSim } from '../../src/testing/awsSim/index.js';
import type { AwsSim } from '../../src/testing/awsSim/index.js';
import { ensureAwsCli } from '../helpers/awsCli.js';

const SCRIPT = `
import json, sys, datetime
try:
    import botocore.model, botocore.session
    from botocore.exceptions import ClientError
except ImportError:
    print(json.dumps({"unsupported": True})); sys.exit(0)
if 'smithy-rpc-v2-cbor' not in getattr(botocore.model, 'PRIORITY_ORDERED_SUPPORTED_PROTOCOLS', ()):
    print(json.dumps({"unsupported": True})); sys.exit(0)
botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS = ('smithy-rpc-v2-cbor',) + tuple(p for p in botocore.model.PRIORITY_ORDERED_SUPPORTED_PROTOCOLS if p != 'smithy-rpc-v2-cbor')
endpoint, key, secret = sys.argv[1:4]
cw = botocore.session.get_session().create_client('cloudwatch', endpoint_url=endpoint, region_name='us-east-1', aws_access_key_id=key, aws_secret_access_key=secret)
out = {"protocol": cw.meta.service_model.resolved_protocol}
cw.put_metric_alarm(AlarmName='cbor-alarm', Namespace='AWS/EC2', MetricName='CPUUtilization', Statistic='Maximum', Period=60, EvaluationPeriods=3, Threshold=90.5, ComparisonOperator='GreaterThanThreshold', Dimensions=[{'Name': 'InstanceId', 'Value': 'i-1'}])
alarm = cw.describe_alarms(AlarmNames=['cbor-alarm'])['MetricAlarms'][0]
out["alarm"] = {k: alarm[k] for k in ('AlarmName', 'Threshold', 'EvaluationPeriods', 'Dimensions', 'StateValue')}
out["timestampIsDatetime"] = isinstance(alarm['StateUpdatedTimestamp'], datetime.datetime)
try:
    cw.delete_alarms(AlarmNames=['missing'])
except ClientError as e:
    out["error"] = e.response['Error']['Code']
cw.delete_alarms(AlarmNames=['cbor-alarm'])
out["left"] = len(cw.describe_alarms()['MetricAlarms'])
print(json.dumps(out))
`;

let sim: AwsSim;
beforeAll(async () => {
  sim = await startAwsSim();
});
afterAll(async () => {
  await sim.close();
});

describe('CloudWatch over RPC v2 CBOR', () => {
  it('a botocore CBOR client puts, describes and deletes alarms and reads the awsQuery error code', async (ctx) => {
    // The Python that runs the AWS CLI has botocore: take it from the CLI script's shebang.
    const shebang = /^#!\s*(\S+)/.exec(readFileSync(ensureAwsCli(), 'utf8').split('\n')[0] ?? '')?.[1] ?? 'python3';
    const account = sim.accounts[0];
    if (account === undefined) throw new Error('no account');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(shebang, ['-c', SCRIPT, sim.endpoint, account.accessKeyId, account.secretAccessKey], { timeout: 60_000 }, (error, out, err) => (error === null ? resolve(out) : reject(new Error(`${error.message}\n${err}`))));
    });
    const result = JSON.parse(stdout) as Record<string, unknown>;
    if (result.unsupported === true) ctx.skip("the AWS CLI's Python has no botocore with RPC v2 CBOR support");
    expect(result).toEqual({
      protocol: 'smithy-rpc-v2-cbor',
      alarm: { AlarmName: 'cbor-alarm', Threshold: 90.5, EvaluationPeriods: 3, Dimensions: [{ Name: 'InstanceId', Value: 'i-1' }], StateValue: 'INSUFFICIENT_DATA' },
      timestampIsDatetime: true,
      error: 'ResourceNotFound',
      left: 0,
    });
  });
});
