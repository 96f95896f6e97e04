/**
 * Clouddriver's `AmazonNamedImageLookupController` over the cache: named images matching a
 * query (a glob; wrapped in `*...*` when it has no glob characters; an exact `ami-` id looks up
 * images instead), grouped by name as `{imageName, attributes, tags, tagsByImageId, accounts,
 * amis{region: [ids]}}`, sorted by where the query occurs, then by name; at most 1000 names.
 * Tag keys are lower-cased, as upstream's `render` does.
 */
import type { Cache } from '../../../core/cache/Cache.js';
import type { CacheData } from '../../../core/cache/CacheData.js';
import { InputError, NotFoundError } from '../../../core/errors.js';
import { awsKeys, keyGlob, parseAwsKey, T } from '../keys.js';

const MAX_SEARCH_RESULTS = 1000;
const MIN_NAME_FILTER = 3;

export interface NamedImage {
  imageName: string;
  attributes: Record<string, unknown>;
  tags: Record<string, string>;
  /** Each image's own tags (Deck's `IAmazonImage.tagsByImageId`). */
  tagsByImageId: Record<string, Record<string, string>>;
  accounts: string[];
  amis: Record<string, string[]>;
}

const tagsOf = (image: CacheData | undefined): Record<string, string> =>
  Object.fromEntries((Array.isArray(image?.attributes.tags) ? (image.attributes.tags as { key?: string; value?: string }[]) : []).map((t) => [String(t.key).toLowerCase(), String(t.value ?? '')]));

export class AwsImageLookup {
  constructor(private readonly cache: Cache) {}

  async find(opts: { q?: string | undefined; account?: string | undefined; region?: string | undefined }): Promise<NamedImage[]> {
    const q = opts.q?.trim();
    if (q === undefined || q.length < MIN_NAME_FILTER) throw new InputError(`Minimum of ${MIN_NAME_FILTER} characters required to filter namedImages`);
    const isAmi = q.startsWith('ami');
    if (isAmi && !/^ami-[0-9a-f]{8}([0-9a-f]{9})?$/.test(q)) throw new InputError('Searches by AMI id must be an exact match (ami-xxxxxxxx)');
    const glob = !isAmi && !/[*?[\\]/.test(q) ? `*${q}*` : q;
    const named = isAmi ? [] : (await this.cache.filterIdentifiers(T.namedImages, keyGlob(T.namedImages, opts.account ?? '*', glob))).slice(0, MAX_SEARCH_RESULTS);
    const imageIds = named.length === 0 ? await this.cache.filterIdentifiers(T.images, keyGlob(T.images, opts.account ?? '*', opts.region ?? '*', glob)) : [];
    const results = await this.render(await this.cache.getAll(T.namedImages, named), await this.cache.getAll(T.images, imageIds), opts.region);
    return results.sort((a, b) => {
      const ai = a.imageName.indexOf(q);
      const bi = b.imageName.indexOf(q);
      return ai === bi ? (a.imageName < b.imageName ? -1 : a.imageName > b.imageName ? 1 : 0) : ai - bi;
    });
  }

  /** `GET /aws/images/{account}/{region}/{imageId}`: the named image of one image id, with its tags. */
  async byId(account: string, region: string, imageId: string): Promise<NamedImage[]> {
    const image = await this.cache.get(T.images, awsKeys.image(account, region, imageId));
    if (image === undefined) throw new NotFoundError(`${imageId} not found in ${account}/${region}`);
    const namedKeys = image.relationships[T.namedImages] ?? [];
    if (namedKeys.length === 0) throw new NotFoundError(`Name not found on image ${imageId} in ${account}/${region}`);
    // Upstream renders the one image (no named images): its name, region, attributes and tags.
    return this.render([], [image], region);
  }

  /** `AmazonNamedImageLookupController.render`. */
  private async render(namedImages: readonly CacheData[], images: readonly CacheData[], region: string | undefined): Promise<NamedImage[]> {
    const byName = new Map<string, NamedImage>();
    const entry = (name: string): NamedImage => {
      let e = byName.get(name);
      if (!e) byName.set(name, (e = { imageName: name, attributes: {}, tags: {}, tagsByImageId: {}, accounts: [], amis: {} }));
      return e;
    };
    const addAmi = (e: NamedImage, r: string, id: string): void => {
      const list = (e.amis[r] ??= []);
      if (!list.includes(id)) list.push(id);
    };
    // Each named image's images' own tags, by image id.
    const related = await this.cache.getAll(T.images, namedImages.flatMap((n) => n.relationships[T.images] ?? []));
    for (const image of related) {
      const name = image.attributes.name;
      const id = image.attributes.imageId;
      if (typeof name === 'string' && typeof id === 'string') entry(name).tagsByImageId[id] = tagsOf(image);
    }
    for (const n of namedImages) {
      const k = parseAwsKey(n.id);
      if (k?.imageName === undefined) continue;
      const e = entry(k.imageName);
      const { name: _name, ...attributes } = n.attributes;
      Object.assign(e.attributes, attributes);
      if (k.account !== undefined && !e.accounts.includes(k.account)) e.accounts.push(k.account);
      for (const imageKey of n.relationships[T.images] ?? []) {
        const ik = parseAwsKey(imageKey);
        if (ik?.region !== undefined && ik.imageId !== undefined) addAmi(e, ik.region, ik.imageId);
      }
    }
    for (const image of images) {
      const ik = parseAwsKey(image.id);
      const nk = parseAwsKey(image.relationships[T.namedImages]?.[0] ?? '');
      if (ik?.region === undefined || ik.imageId === undefined || nk?.imageName === undefined) continue;
      const e = entry(nk.imageName);
      e.attributes.virtualizationType = image.attributes.virtualizationType ?? null;
      e.attributes.architecture = image.attributes.architecture ?? null;
      e.attributes.creationDate = image.attributes.creationDate ?? null;
      if (nk.account !== undefined && !e.accounts.includes(nk.account)) e.accounts.push(nk.account);
      Object.assign(e.tags, tagsOf(image));
      e.tagsByImageId[ik.imageId] = { ...e.tags };
      addAmi(e, ik.region, ik.imageId);
    }
    return [...byName.values()].filter((e) => region === undefined || e.amis[region] !== undefined);
  }
}
