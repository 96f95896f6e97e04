/**
 * The provider-neutral infrastructure reads, merged as Clouddriver's controllers merge their
 * providers' answers: `SubnetController`, `NetworkController`, `VpcController` (deprecated, AWS
 * networks only), `KeyPairController`, `InstanceTypeController`, `ElasticIpController` and
 * `CertificateController`.
 */
import type { Awaitable, CertificateModel, InfrastructureReader, NetworkModel, ReadContributor } from './ReadContributor.js';

const lower = (s: string | null | undefined): string => (s ?? '').toLowerCase();
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** `NetworkController`'s TreeSet order: name (case-insensitive), then id, account, region. */
function networkOrder(a: NetworkModel, b: NetworkModel): number {
  return compare(lower(a.name), lower(b.name)) || compare(a.id, b.id) || compare(a.account, b.account) || compare(a.region, b.region);
}

export class InfrastructureReads {
  constructor(private readonly contributors: () => readonly ReadContributor[]) {}

  private async gather<T>(ask: (r: InfrastructureReader) => Awaitable<readonly T[]> | undefined, cloudProvider?: string): Promise<T[]> {
    const readers = this.contributors()
      .filter((c) => cloudProvider === undefined || c.cloudProvider === cloudProvider)
      .flatMap((c) => (c.infrastructure === undefined ? [] : [c.infrastructure]));
    const parts = await Promise.all(readers.map((r) => ask(r) ?? []));
    return parts.flatMap((p) => [...p]);
  }

  /** `GET /subnets[/{cloudProvider}]`. */
  subnets(cloudProvider?: string): Promise<unknown[]> {
    return this.gather((r) => r.subnets?.(), cloudProvider);
  }

  /** `GET /networks`: every provider's networks keyed by `cloudProvider`, each set sorted and without duplicates. */
  async networksByCloudProvider(): Promise<Record<string, NetworkModel[]>> {
    const out: Record<string, NetworkModel[]> = {};
    for (const n of await this.gather((r) => r.networks?.())) (out[n.cloudProvider] ??= []).push(n);
    for (const [cp, list] of Object.entries(out)) out[cp] = list.sort(networkOrder).filter((n, i, all) => i === 0 || networkOrder(all[i - 1] as NetworkModel, n) !== 0);
    return out;
  }

  /** `GET /networks/{cloudProvider}` (and `/vpcs` with `aws`): that provider's networks, unsorted as upstream. */
  networks(cloudProvider: string): Promise<NetworkModel[]> {
    return this.gather((r) => r.networks?.(), cloudProvider);
  }

  /** `GET /keyPairs`. */
  keyPairs(): Promise<unknown[]> {
    return this.gather((r) => r.keyPairs?.());
  }

  /** `GET /instanceTypes`. */
  instanceTypes(): Promise<unknown[]> {
    return this.gather((r) => r.instanceTypes?.());
  }

  /** `GET /elasticIps/{account}[?region=]`. */
  elasticIps(account: string, region?: string): Promise<unknown[]> {
    return this.gather((r) => r.elasticIps?.(account, region));
  }

  /** `GET /certificates` (sorted by name, case-insensitive) and `/certificates/{cloudProvider}` (unsorted). */
  async certificates(cloudProvider?: string): Promise<CertificateModel[]> {
    const all = await this.gather((r) => r.certificates?.(), cloudProvider);
    return cloudProvider === undefined ? all.sort((a, b) => compare(lower(a.serverCertificateName), lower(b.serverCertificateName))) : all;
  }
}
