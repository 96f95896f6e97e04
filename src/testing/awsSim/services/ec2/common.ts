/**
 * What the EC2 actions share: `Filter.N.Name/Value.M` matching (values may use `*` and `?`,
 * values of one filter are ORed, filters ANDed; `tag:Key`, `tag-key`, `tag-value`), tag sets,
 * `TagSpecification` at creation, and MaxResults/NextToken pagination with EC2's error codes.
 * docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html#query-filtering
 */
import { AwsError } from '../../errors.js';
import { paginate } from '../../pagination.js';
import type { Page } from '../../pagination.js';
import { int, objects, str, strings } from '../../params.js';
import type { Params } from '../../params.js';
import type { RequestContext } from '../../service.js';
import type { Ec2State, Tags } from '../../state.js';

/** Values a resource has for a filter name (undefined: the filter is not supported). */
export type FilterValues = (name: string) => readonly (string | undefined)[] | undefined;

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 's');
}

export interface Filter {
  readonly name: string;
  readonly values: readonly RegExp[];
}

export function parseFilters(p: Params): Filter[] {
  return objects(p, 'Filter').map((f) => ({ name: str(f, 'Name') ?? '', values: strings(f, 'Value').map(wildcard) }));
}

/** Whether a resource passes every filter; an unknown filter name is InvalidParameterValue. */
export function matches(filters: readonly Filter[], values: FilterValues, tags: Tags | undefined): boolean {
  for (const f of filters) {
    let have: readonly (string | undefined)[] | undefined;
    if (f.name.startsWith('tag:')) have = [tags?.get(f.name.slice(4))];
    else if (f.name === 'tag-key') have = [...(tags?.keys() ?? [])];
    else if (f.name === 'tag-value') have = [...(tags?.values() ?? [])];
    else have = values(f.name);
    if (have === undefined) throw new AwsError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    if (!have.some((v) => v !== undefined && f.values.some((re) => re.test(v)))) return false;
  }
  return true;
}

/** A resource's tagSet; omitted (undefined) when it has none, as EC2 omits the element. */
export function tagSet(tags: Tags | undefined): { key: string; value: string }[] | undefined {
  if (tags === undefined || tags.size === 0) return undefined;
  return [...tags].map(([key, value]) => ({ key, value }));
}

/** Applies `TagSpecification.N` entries whose ResourceType is `resourceType` to a new resource. */
export function applyTagSpecifications(state: Ec2State, p: Params, resourceType: string, resourceId: string): void {
  for (const spec of objects(p, 'TagSpecification')) {
    if (str(spec, 'ResourceType') !== resourceType) continue;
    setTags(state, resourceId, objects(spec, 'Tag').map((t) => [str(t, 'Key') ?? '', str(t, 'Value') ?? '']));
  }
}

export function setTags(state: Ec2State, resourceId: string, tags: readonly (readonly [string, string])[]): void {
  if (tags.length === 0) return;
  const existing = state.tags.get(resourceId) ?? new Map<string, string>();
  for (const [k, v] of tags) existing.set(k, v);
  state.tags.set(resourceId, existing);
}

/**
 * EC2 pagination: MaxResults (bounds per action, e.g. DescribeInstances 5-1000) with NextToken;
 * MaxResults together with explicit ids is refused, as EC2 does.
 */
export function ec2Page<T>(ctx: RequestContext, p: Params, items: readonly T[], bounds: { min: number; max: number }, idsGiven = false): Page<T> {
  const size = int(p, 'MaxResults');
  if (size !== undefined && idsGiven) throw new AwsError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  return paginate(items, {
    token: str(p, 'NextToken'),
    size,
    min: bounds.min,
    max: bounds.max,
    scope: `${ctx.account.id}/${ctx.region.name}/${ctx.action}`,
    invalidTokenCode: 'InvalidParameterValue',
    invalidSize: (n) => new AwsError('InvalidParameterValue', `Value ( ${n} ) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`),
  });
}

/** Resources named in a request must all exist: `{Code}` such as InvalidGroup.NotFound, naming the missing ids. */
export function requireAll<T>(ids: readonly string[], lookup: (id: string) => T | undefined, code: string, what: (missing: string[]) => string): T[] {
  const found: T[] = [];
  const missing: string[] = [];
  for (const id of ids) {
    const item = lookup(id);
    if (item === undefined) missing.push(id);
    else found.push(item);
  }
  if (missing.length > 0) throw new AwsError(code, what(missing));
  return found;
}

/** Whether eventual consistency hides a resource created in the current tick. */
export function hidden(ctx: RequestContext, createdTick: number): boolean {
  return ctx.world.eventualConsistency && createdTick >= ctx.world.tickCount;
}

export const boolText = (b: boolean): string => (b ? 'true' : 'false');
