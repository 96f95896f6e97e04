/**
 * Field ownership (`metadata.managedFields`) and server-side apply, simplified from the API
 * server's structured-merge-diff: a field set is the set of leaf paths of an object (lists with a
 * strategic merge key are addressed per element as `k:{"name":"web"}`, other lists are atomic).
 * Updates give the fields they change to their manager; apply merges the applied configuration,
 * removes fields the same manager applied before and no longer does, and refuses (409 Conflict)
 * to change a field another manager owns unless `force` is set.
 */
import type { Json } from './patch.js';
import { applyStrategicMergePatch, mergeKeyFor } from './patch.js';
import type { KubeObj } from './objectStore.js';
import { StatusError } from './status.js';

type JsonMap = Record<string, unknown>;
type Path = readonly string[];

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: JsonMap;
  subresource?: string;
}

const SYSTEM_METADATA = new Set(['name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'managedFields', 'selfLink', 'generateName']);
const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** Leaf paths of an object, as field-set segments (`f:name`, `k:{...}`, `.`). */
export function fieldPaths(obj: unknown, names: string[] = [], prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isMap(obj)) return out;
  for (const [key, value] of Object.entries(obj)) {
    if (prefix.length === 0 && (key === 'apiVersion' || key === 'kind')) continue;
    if (prefix.length === 1 && prefix[0] === 'f:metadata' && SYSTEM_METADATA.has(key)) continue;
    const path = [...prefix, `f:${key}`];
    const fieldNames = [...names, key];
    const mergeKey = Array.isArray(value) ? mergeKeyFor(fieldNames) : undefined;
    if (isMap(value) && Object.keys(value).length > 0) fieldPaths(value, fieldNames, path, out);
    else if (Array.isArray(value) && mergeKey !== undefined && value.every((e) => isMap(e) && e[mergeKey] !== undefined)) {
      for (const element of value as JsonMap[]) {
        const itemPath = [...path, `k:${JSON.stringify({ [mergeKey]: element[mergeKey] })}`];
        out.push([...itemPath, '.']);
        fieldPaths(element, fieldNames, itemPath, out);
      }
    } else out.push(path);
  }
  return out;
}

function step(value: unknown, segment: string): unknown {
  if (segment.startsWith('f:')) return isMap(value) ? value[segment.slice(2)] : undefined;
  if (segment.startsWith('k:') && Array.isArray(value)) {
    const keys = JSON.parse(segment.slice(2)) as JsonMap;
    return value.find((e) => isMap(e) && Object.entries(keys).every(([k, v]) => same(e[k], v)));
  }
  return undefined;
}

export function valueAt(obj: unknown, path: Path): unknown {
  let cur = obj;
  for (const segment of path) {
    if (segment === '.') break;
    cur = step(cur, segment);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Removes the field at `path` from `obj` in place (a `.` leaf removes the list element). */
function removeAt(obj: unknown, path: Path): void {
  const target = path[path.length - 1] === '.' ? path.slice(0, -1) : path;
  const last = target[target.length - 1];
  const parent = valueAt(obj, target.slice(0, -1));
  if (last === undefined) return;
  if (last.startsWith('f:') && isMap(parent)) delete parent[last.slice(2)];
  else if (last.startsWith('k:') && Array.isArray(parent)) {
    const element = step(parent, last);
    const i = parent.indexOf(element);
    if (i >= 0) parent.splice(i, 1);
  }
}

export function toFieldsV1(paths: Iterable<Path>): JsonMap {
  const root: JsonMap = {};
  for (const path of paths) {
    let node = root;
    for (const segment of path) {
      const next = (node[segment] ?? {}) as JsonMap;
      node[segment] = next;
      node = next;
    }
  }
  return root;
}

export function fromFieldsV1(tree: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isMap(tree)) return out;
  for (const [segment, child] of Object.entries(tree)) {
    const path = [...prefix, segment];
    if (isMap(child) && Object.keys(child).length > 0) fromFieldsV1(child, path, out);
    else out.push(path);
  }
  return out;
}

const pathKey = (p: Path): string => p.join('\u0000');

function entriesOf(obj: KubeObj | undefined): ManagedFieldsEntry[] {
  return Array.isArray(obj?.metadata.managedFields) ? (obj.metadata.managedFields as ManagedFieldsEntry[]) : [];
}

function withEntry(entries: ManagedFieldsEntry[], entry: ManagedFieldsEntry, released: ReadonlySet<string>): ManagedFieldsEntry[] {
  const out: ManagedFieldsEntry[] = [];
  for (const e of entries) {
    if (e.manager === entry.manager && e.operation === entry.operation && e.subresource === entry.subresource) continue;
    const kept = fromFieldsV1(e.fieldsV1).filter((p) => !released.has(pathKey(p)));
    if (kept.length > 0) out.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  if (Object.keys(entry.fieldsV1).length > 0) out.push(entry);
  return out;
}

/**
 * managedFields after an update by `manager`: it takes the fields whose value changed; fields
 * that disappeared are released by everyone.
 */
export function recordUpdate(before: KubeObj | undefined, after: KubeObj, manager: string, now: string, subresource?: string): ManagedFieldsEntry[] {
  const entries = entriesOf(before);
  const newPaths = fieldPaths(after);
  const changed = newPaths.filter((p) => before === undefined || !same(valueAt(before, p), valueAt(after, p)));
  const newKeys = new Set(newPaths.map(pathKey));
  const released = new Set(changed.map(pathKey));
  for (const p of before === undefined ? [] : fieldPaths(before)) if (!newKeys.has(pathKey(p))) released.add(pathKey(p));
  const mine = entries.find((e) => e.manager === manager && e.operation === 'Update' && e.subresource === subresource);
  const owned = [...(mine === undefined ? [] : fromFieldsV1(mine.fieldsV1).filter((p) => newKeys.has(pathKey(p)))), ...changed];
  const entry: ManagedFieldsEntry = {
    manager,
    operation: 'Update',
    apiVersion: after.apiVersion,
    time: now,
    fieldsType: 'FieldsV1',
    fieldsV1: toFieldsV1(owned),
    ...(subresource === undefined ? {} : { subresource }),
  };
  return withEntry(entries, entry, released);
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined when creating). Returns the
 * merged object with its managedFields; throws 409 Conflict listing the contested fields.
 */
export function serverSideApply(live: KubeObj | undefined, config: KubeObj, manager: string, force: boolean, now: string): KubeObj {
  const entries = entriesOf(live);
  const applied = fieldPaths(config);
  const appliedKeys = new Set(applied.map(pathKey));
  const conflicts: { manager: string; path: Path }[] = [];
  const taken = new Set<string>();
  for (const e of entries) {
    if (e.manager === manager) continue;
    for (const p of fromFieldsV1(e.fieldsV1)) {
      if (!appliedKeys.has(pathKey(p)) || p[p.length - 1] === '.') continue;
      if (!same(valueAt(live, p), valueAt(config, p))) {
        conflicts.push({ manager: e.manager, path: p });
        taken.add(pathKey(p));
      }
    }
  }
  if (conflicts.length > 0 && !force) {
    const causes = conflicts.map((c) => ({ type: 'FieldManagerConflict', message: `conflict with "${c.manager}": ${dotted(c.path)}`, field: dotted(c.path) }));
    throw new StatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict${conflicts.length === 1 ? '' : 's'}: ${causes.map((c) => c.message).join('; ')}`, { causes });
  }
  const base = structuredClone(live ?? { metadata: {} }) as KubeObj;
  const previous = entries.find((e) => e.manager === manager && e.operation === 'Apply');
  const ownedByOthers = new Set(entries.filter((e) => e !== previous).flatMap((e) => fromFieldsV1(e.fieldsV1).map(pathKey)));
  for (const p of previous === undefined ? [] : fromFieldsV1(previous.fieldsV1)) {
    if (!appliedKeys.has(pathKey(p)) && !ownedByOthers.has(pathKey(p))) removeAt(base, p);
  }
  const { metadata: configMeta, ...configRest } = config;
  const merged = applyStrategicMergePatch(base as unknown as Json, { ...configRest, metadata: { ...configMeta } } as unknown as Json) as unknown as KubeObj;
  const entry: ManagedFieldsEntry = { manager, operation: 'Apply', apiVersion: config.apiVersion, time: now, fieldsType: 'FieldsV1', fieldsV1: toFieldsV1(applied) };
  merged.metadata.managedFields = withEntry(entries, entry, taken);
  return merged;
}

const dotted = (path: Path): string =>
  path
    .filter((s) => s !== '.')
    .map((s) => (s.startsWith('f:') ? `.${s.slice(2)}` : `[${s.slice(2)}]`))
    .join('');
