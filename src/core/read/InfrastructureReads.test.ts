import { describe, expect, it } from 'vitest';
import { filterReadable } from '../security/readFilters.js';
import type { Permissions } from '../security/Authorizer.js';
import { InfrastructureReads } from './InfrastructureReads.js';
import type { NetworkModel, ReadContributor } from './ReadContributor.js';

const net = (cloudProvider: string, name: string | null, id: string, account = 'a', region = 'r'): NetworkModel => ({ cloudProvider, name, id, account, region });

describe('InfrastructureReads', () => {
  const aws: ReadContributor = {
    cloudProvider: 'aws',
    infrastructure: {
      subnets: () => [{ id: 's-1', account: 'a' }],
      networks: async () => [net('aws', 'zeta', 'vpc-2'), net('aws', 'Alpha', 'vpc-9'), net('aws', 'alpha', 'vpc-1'), net('aws', 'alpha', 'vpc-1')],
      certificates: () => [{ serverCertificateName: 'b' }, { serverCertificateName: 'A' }],
    },
  };
  const gce: ReadContributor = { cloudProvider: 'gce', infrastructure: { networks: () => [net('gce', null, 'default')], certificates: () => [{ serverCertificateName: 'c' }] } };
  const bare: ReadContributor = { cloudProvider: 'kubernetes' };
  const reads = new InfrastructureReads(() => [aws, bare, gce]);

  it('groups networks by cloud provider, sorted by name (case-insensitive), then id, without duplicates', async () => {
    const out = await reads.networksByCloudProvider();
    expect(Object.keys(out)).toEqual(['aws', 'gce']);
    expect(out.aws?.map((n) => n.id)).toEqual(['vpc-1', 'vpc-9', 'vpc-2']);
    expect(out.gce).toHaveLength(1);
  });

  it('answers one provider only when asked, and nothing for a provider without infrastructure', async () => {
    expect((await reads.networks('gce')).map((n) => n.id)).toEqual(['default']);
    expect(await reads.subnets('kubernetes')).toEqual([]);
    expect(await reads.subnets()).toEqual([{ id: 's-1', account: 'a' }]);
    expect(await reads.keyPairs()).toEqual([]);
  });

  it('sorts every certificate by name, but one provider’s as that provider gave them', async () => {
    expect((await reads.certificates()).map((c) => c.serverCertificateName)).toEqual(['A', 'b', 'c']);
    expect((await reads.certificates('aws')).map((c) => c.serverCertificateName)).toEqual(['b', 'A']);
  });

  it('filters grouped items by account for a caller without READ', async () => {
    const perms: Permissions = { admin: false, accountManager: false, account: (name) => name === 'a', application: () => true };
    const grouped = { aws: [net('aws', 'x', '1', 'a'), net('aws', 'y', '2', 'secret')] };
    expect(filterReadable('groupedItems', perms, grouped)).toEqual({ aws: [grouped.aws[0]] });
  });
});
