import { describe, expect, it } from 'vitest';
import { awsKeys, parseAwsKey } from './keys.js';
import { parseName } from './names.js';
import { beanName, toBean } from './javaBean.js';

describe('AWS keys', () => {
  it('builds Clouddriver’s keys', () => {
    expect(awsKeys.serverGroup('app-stack-detail-v012', 'prod', 'us-east-1')).toBe('aws:serverGroups:app-stack-detail:prod:us-east-1:app-stack-detail-v012');
    expect(awsKeys.cluster('App', 'prod', 'App-main')).toBe('aws:clusters:app:prod:App-main');
    expect(awsKeys.loadBalancer('prod', 'us-east-1', 'lb', 'vpc-1', 'application')).toBe('aws:loadBalancers:prod:us-east-1:lb:vpc-1:application');
    expect(awsKeys.loadBalancer('prod', 'us-east-1', 'lb', 'vpc-1', 'classic')).toBe('aws:loadBalancers:prod:us-east-1:lb:vpc-1');
    expect(awsKeys.loadBalancer('prod', 'us-east-1', 'lb')).toBe('aws:loadBalancers:prod:us-east-1:lb');
    expect(awsKeys.securityGroup('web', 'sg-1', 'us-east-1', 'prod')).toBe('aws:securityGroups:web:sg-1:us-east-1:prod:null');
    expect(awsKeys.health('i-1', 'prod', 'us-east-1', 'amazon-instance')).toBe('aws:health:i-1:prod:us-east-1:amazon-instance');
  });

  it('parses keys into the fields search returns', () => {
    expect(parseAwsKey('aws:serverGroups:app-stack-detail:prod:us-east-1:app-stack-detail-v012')).toEqual({
      provider: 'aws', type: 'serverGroups', application: 'app', stack: 'stack', detail: 'detail', sequence: '12', cluster: 'app-stack-detail', account: 'prod', region: 'us-east-1', serverGroup: 'app-stack-detail-v012',
    });
    expect(parseAwsKey('aws:loadBalancers:prod:us-east-1:app-lb:vpc-1:network')).toMatchObject({ loadBalancer: 'app-lb', vpcId: 'vpc-1', loadBalancerType: 'network', application: 'app' });
    expect(parseAwsKey('aws:loadBalancers:prod:us-east-1:app-lb')).toMatchObject({ loadBalancerType: 'classic' });
    expect(parseAwsKey('aws:securityGroups:web:sg-1:us-east-1:prod:vpc-9')).toMatchObject({ name: 'web', id: 'sg-1', account: 'prod', vpcId: 'vpc-9', application: 'web' });
    expect(parseAwsKey('kubernetes.v2:logical:applications:x')).toBeUndefined();
    expect(parseAwsKey('aws:serverGroups:too:few')).toBeUndefined();
  });

  it('parses Frigga names', () => {
    expect(parseName('app')).toEqual({ app: 'app', cluster: 'app' });
    expect(parseName('app--detail-v001')).toEqual({ app: 'app', cluster: 'app--detail', detail: 'detail', sequence: 1 });
    expect(parseName('app-stack-a-b')).toEqual({ app: 'app', cluster: 'app-stack-a-b', stack: 'stack', detail: 'a-b' });
  });

  it('writes SDK v3 objects as Jackson writes the SDK v1 beans', () => {
    expect(beanName('VPCZoneIdentifier')).toBe('vpczoneIdentifier');
    expect(beanName('AutoScalingGroupARN')).toBe('autoScalingGroupARN');
    expect(beanName('DNSName')).toBe('dnsname');
    expect(toBean({ CreatedTime: new Date(5), Tags: [{ Key: 'a', Value: undefined }], $metadata: {} })).toEqual({ createdTime: 5, tags: [{ key: 'a' }] });
  });
});
