/**
 * Clouddriver's `ImageCachingAgent`: the account's own images per region (and, for the first
 * account of each region, the public images too, as upstream caches them once per region),
 * with `namedImages` grouping image ids by name across regions.
 */
import { DescribeImagesCommand, type Image } from '@aws-sdk/client-ec2';
import type { AgentContext } from '../../../core/agents/CachingAgent.js';
import { cacheData, type CacheResult, type DataTypeAuthority } from '../../../core/cache/CacheData.js';
import type { AwsCredentials } from '../account/AwsCredentials.js';
import { toBean } from '../javaBean.js';
import { awsKeys, T } from '../keys.js';
import { AwsAgentBase, allPages } from './AwsAgentBase.js';

export class ImageCachingAgent extends AwsAgentBase {
  readonly providedDataTypes: readonly DataTypeAuthority[] = [
    { typeName: T.images, authority: 'AUTHORITATIVE' },
    { typeName: T.namedImages, authority: 'INFORMATIVE' },
  ];

  constructor(credentials: AwsCredentials, region: string, private readonly includePublic: boolean) {
    super(credentials, region, includePublic ? 'ImageCachingAgent[public]' : 'ImageCachingAgent');
  }

  protected async load({ signal }: AgentContext): Promise<CacheResult> {
    const ec2 = this.credentials.clients.ec2(this.region);
    const images = await allPages<Image>(async (NextToken) => {
      const r = await ec2.send(new DescribeImagesCommand(this.includePublic ? { ExecutableUsers: ['all'], MaxResults: 1000, NextToken } : { Owners: ['self'], MaxResults: 1000, NextToken }), { abortSignal: signal });
      return { items: r.Images, next: r.NextToken };
    }, signal);
    const imageItems = [];
    const named = new Map<string, { image: Image; ids: string[] }>();
    for (const image of images) {
      if (image.ImageId === undefined) continue;
      const nameKey = image.Name ? awsKeys.namedImage(this.account, image.Name) : undefined;
      imageItems.push(
        cacheData(awsKeys.image(this.account, this.region, image.ImageId), { ...(toBean(image) as Record<string, unknown>), account: this.account, region: this.region, isPublic: image.Public ?? false }, nameKey ? { [T.namedImages]: [nameKey] } : {}),
      );
      if (nameKey) {
        const entry = named.get(nameKey) ?? { image, ids: [] };
        entry.ids.push(awsKeys.image(this.account, this.region, image.ImageId));
        named.set(nameKey, entry);
      }
    }
    const namedItems = [...named].map(([key, { image, ids }]) =>
      cacheData(key, { name: image.Name, virtualizationType: image.VirtualizationType ?? null, architecture: image.Architecture ?? null, creationDate: image.CreationDate ?? null }, { [T.images]: ids }),
    );
    return { cacheResults: { [T.images]: imageItems, [T.namedImages]: namedItems }, introspectionDetails: { images: imageItems.length } };
  }
}
