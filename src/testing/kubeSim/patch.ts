/**
 * The three PATCH bodies the API server accepts, as pure functions that never mutate inputs:
 * JSON merge patch (RFC 7386), JSON patch (RFC 6902) and Kubernetes strategic merge patch, where
 * lists with a merge key (containers, env, volumes, ports, ...) merge element by element and the
 * `$patch`, `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`
 * directives are honoured. Lists without a merge key replace.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type JsonMap = { [k: string]: Json };

export class PatchError extends Error {
  override name = 'PatchError';
  constructor(
    message: string,
    readonly status: 400 | 422 = 422,
  ) {
    super(message);
  }
}

const isMap = (v: unknown): v is JsonMap => typeof v === 'object' && v !== null && !Array.isArray(v);
const copy = <T extends Json>(v: T): T => structuredClone(v);

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isMap(patch)) return copy(patch);
  const out: JsonMap = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

// ---- JSON patch ----

function pointer(path: unknown): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) throw new PatchError(`invalid JSON pointer: ${String(path)}`, 400);
  return path === '' ? [] : path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: Json, parts: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    const next: Json | undefined = Array.isArray(cur) ? cur[Number(p)] : isMap(cur) ? cur[p] : undefined;
    if (next === undefined) throw new PatchError(`path not found: /${parts.join('/')}`);
    cur = next;
  }
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, parts: string[]): Json {
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts);
  const v = Array.isArray(parent) ? parent[Number(key)] : isMap(parent) ? parent[key] : undefined;
  if (v === undefined) throw new PatchError(`path not found: /${parts.join('/')}`);
  return v;
}

function index(arr: Json[], key: string, forAdd: boolean): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  if (!/^\d+$/.test(key) || i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`array index out of range: ${key}`);
  return i;
}

function addAt(doc: Json, parts: string[], value: Json): Json {
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true), 0, value);
  else if (isMap(parent)) parent[key] = value;
  else throw new PatchError(`cannot add to a scalar at /${parts.join('/')}`);
  return doc;
}

function removeAt(doc: Json, parts: string[]): Json {
  const { parent, key } = parentOf(doc, parts);
  getAt(doc, parts);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false), 1);
  else if (isMap(parent)) delete parent[key];
  return doc;
}

export function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let doc = copy(target);
  for (const raw of ops) {
    if (!isMap(raw) || typeof raw.op !== 'string') throw new PatchError('invalid JSON patch operation', 400);
    const path = pointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, copy(raw.value ?? null));
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace':
        getAt(doc, path);
        doc = path.length === 0 ? copy(raw.value ?? null) : addAt(removeAt(doc, path), path, copy(raw.value ?? null));
        break;
      case 'move': {
        const from = pointer(raw.from);
        const value = getAt(doc, from);
        doc = addAt(removeAt(doc, from), path, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, path, copy(getAt(doc, pointer(raw.from))));
        break;
      case 'test':
        if (JSON.stringify(getAt(doc, path)) !== JSON.stringify(raw.value)) throw new PatchError(`test operation failed at ${String(raw.path)}`);
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${raw.op}"`, 400);
    }
  }
  return doc;
}

// ---- strategic merge patch ----

const BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'env', 'volumes', 'imagePullSecrets', 'volumeDevices']);

/** The strategic merge key of the list at a field path, or undefined when it replaces. */
export function mergeKeyFor(path: readonly string[]): string | undefined {
  const field = path[path.length - 1];
  if (field === undefined) return undefined;
  if (BY_NAME.has(field)) return 'name';
  if (field === 'volumeMounts') return 'mountPath';
  if (field === 'conditions') return 'type';
  if (field === 'ownerReferences') return 'uid';
  if (field === 'hostAliases') return 'ip';
  if (field === 'ports') return path.includes('containers') || path.includes('initContainers') || path.includes('ephemeralContainers') ? 'containerPort' : 'port';
  return undefined;
}

function mergeList(live: Json[], patch: Json[], path: string[]): Json[] {
  if (patch.some((e) => isMap(e) && e.$patch === 'replace')) return patch.filter((e) => !(isMap(e) && e.$patch === 'replace')).map(copy);
  const key = mergeKeyFor(path);
  if (key === undefined || !patch.every(isMap)) return patch.map(copy);
  const out = live.map(copy);
  for (const element of patch as JsonMap[]) {
    const at = out.findIndex((e) => isMap(e) && JSON.stringify(e[key]) === JSON.stringify(element[key]));
    if (element.$patch === 'delete') {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = mergeMap(out[at] ?? null, element, path);
    else out.push(mergeMap(null, element, path));
  }
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (e: Json): string => JSON.stringify(key !== undefined && isMap(e) ? e[key] : e);
  const rank = new Map(order.map((e, i) => [id(e), i]));
  const listed = list.filter((e) => rank.has(id(e))).sort((a, b) => (rank.get(id(a)) ?? 0) - (rank.get(id(b)) ?? 0));
  return [...listed, ...list.filter((e) => !rank.has(id(e)))];
}

function mergeMap(live: Json, patch: JsonMap, path: string[]): JsonMap {
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return copy(rest);
  }
  let out: JsonMap = isMap(live) ? { ...live } : {};
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch') continue;
    if (k === '$retainKeys') continue;
    if (k.startsWith('$setElementOrder/')) {
      if (Array.isArray(v)) orders.push([k.slice('$setElementOrder/'.length), v]);
      continue;
    }
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) out[field] = current.filter((e) => !v.some((d) => JSON.stringify(d) === JSON.stringify(e)));
      continue;
    }
    const childPath = [...path, k];
    if (v === null) delete out[k];
    else if (isMap(v)) out[k] = mergeMap(out[k] ?? null, v, childPath);
    else if (Array.isArray(v)) out[k] = mergeList(Array.isArray(out[k]) ? (out[k] as Json[]) : [], v, childPath);
    else out[k] = v;
  }
  for (const [field, order] of orders) {
    const list = out[field];
    if (Array.isArray(list)) out[field] = reorder(list, order, mergeKeyFor([...path, field]));
  }
  if (Array.isArray(patch.$retainKeys)) {
    const keep = new Set(patch.$retainKeys.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

export function applyStrategicMergePatch(target: Json, patch: Json, path: string[] = []): Json {
  if (!isMap(patch)) return copy(patch);
  return mergeMap(target, patch, path);
}
