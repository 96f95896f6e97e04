/**
 * Cache keys of the Docker registry provider, as clouddriver-docker's `Keys` writes them (plain
 * `:` joins, no escaping: repository names and tags cannot hold `:`, and account names here may
 * not either). The image id holds the registry host, which may carry a `:port`.
 */
export const DOCKER_REGISTRY = 'dockerRegistry';
/** `Keys.Namespace.TAGGED_IMAGE`: one item per account, repository and tag. */
export const TAGGED_IMAGE = 'taggedImage';
/** `Keys.Namespace.IMAGE_ID`: `{registry}/{repository}:{tag}` -> the tagged image key. */
export const IMAGE_ID = 'imageId';

/** `dockerRegistry:taggedImage:{account}:{repository}:{tag}` (`Keys.getTaggedImageKey`). */
export function taggedImageKey(account: string, repository: string, tag: string): string {
  return `${DOCKER_REGISTRY}:${TAGGED_IMAGE}:${account}:${repository}:${tag}`;
}

/** `dockerRegistry:imageId:{imageId}` (`Keys.getImageIdKey`). */
export function imageIdKey(imageId: string): string {
  return `${DOCKER_REGISTRY}:${IMAGE_ID}:${imageId}`;
}

/** `{registry}/{repository}:{tag}` (`DockerRegistryProviderUtils.imageId`). */
export function imageId(registry: string, repository: string, tag: string): string {
  return `${registry}/${repository}:${tag}`;
}

export interface TaggedImageKey {
  readonly account: string;
  readonly repository: string;
  readonly tag: string;
}

/** Parses a tagged image key (`Keys.parse`); undefined for any other key. */
export function parseTaggedImageKey(key: string): TaggedImageKey | undefined {
  const parts = key.split(':');
  if (parts.length !== 5 || parts[0] !== DOCKER_REGISTRY || parts[1] !== TAGGED_IMAGE) return undefined;
  const [, , account = '', repository = '', tag = ''] = parts;
  return { account, repository, tag };
}
