import { describe, expect, it } from 'vitest';
import { computeDelta, describePermission, flattenPermissions } from './ingress.js';

describe('security group rule delta (SecurityGroupIngressConverter)', () => {
  const existing = flattenPermissions([
    { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }], UserIdGroupPairs: [{ GroupId: 'sg-1', UserId: '111' }] },
    { IpProtocol: '-1', IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
  ]);

  it('flattens to one permission per peer', () => {
    expect(existing).toHaveLength(4);
    expect(existing.map(describePermission)).toContain('{IpProtocol: tcp,FromPort: 80,ToPort: 80,UserIdGroupPairs: [{UserId: 111,GroupId: sg-1}]}');
  });

  it('adds what is missing, removes what is not asked for, re-describes described matches', () => {
    const wanted = flattenPermissions([
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'web' }] },
      { IpProtocol: 'all', FromPort: 0, ToPort: 65535, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-1' }] },
      { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, UserIdGroupPairs: [{ GroupId: 'sg-2', UserId: '222' }] },
    ]);
    const d = computeDelta(wanted, existing);
    expect(d.toAdd.map(describePermission)).toEqual(['{IpProtocol: tcp,FromPort: 443,ToPort: 443,UserIdGroupPairs: [{UserId: 222,GroupId: sg-2}]}']);
    expect(d.toRemove.map(describePermission)).toEqual(['{IpProtocol: tcp,FromPort: 80,ToPort: 80,IpRanges: [{CidrIp: 10.0.0.0/8}]}']);
    expect(d.toUpdate.map(describePermission)).toEqual(['{IpProtocol: tcp,FromPort: 80,ToPort: 80,IpRanges: [{CidrIp: 0.0.0.0/0,Description: web}]}']);
  });

  it('tells owners apart when both sides name one', () => {
    const d = computeDelta(flattenPermissions([{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-1', UserId: '999' }] }]), existing.filter((p) => p.UserIdGroupPairs));
    expect(d.toAdd).toHaveLength(1);
    expect(d.toRemove).toHaveLength(1);
  });
});
