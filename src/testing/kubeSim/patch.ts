/**
 * The three PATCH bodies the simulated API server accepts, as pure functions.
 *
 * Contract (all three):
 * - Inputs are never mutated and the result shares no objects with them (it is a fresh deep copy),
 *   so callers may store or mutate it freely.
 * - Keys are handled as own properties only (`__proto__` is an ordinary key, never a prototype).
 *
 * `applyMergePatch` — JSON merge patch (RFC 7386): a non-object patch replaces the target, an
 * object patch merges key by key, `null` deletes a key, lists replace wholesale.
 *
 * `applyJsonPatch` — JSON patch (RFC 6902): add, remove, replace, move, copy, test over JSON
 * pointers (RFC 6901, `~1` = `/`, `~0` = `~`, `-` appends to an array on add). A malformed
 * operation list throws `PatchError` with status 400; an operation that cannot be applied (missing
 * path, bad index, failed `test`) throws `PatchError` with status 422. Operations apply in order
 * and atomically: on failure nothing is returned.
 *
 * `applyStrategicMergePatch` — Kubernetes strategic merge patch: a merge patch in which lists whose
 * field has a merge key (see `mergeKeyFor`) are merged element by element: a patch element whose
 * key value matches a live element is strategic-merged into it, others are added; the result is
 * ordered as strategicpatch's normalizeElementOrder does (patched elements in patch order,
 * interleaved with the untouched ones by live position, new ones first). Other lists, including primitive ones such as
 * `finalizers`, replace. Directives:
 *   - `{"$patch": "delete", <key>: v}` as a list element removes the element with that key;
 *     `{"$patch": "delete"}` as a map value removes the map.
 *   - `{"$patch": "replace", ...}` as a map replaces the live map with the rest of it; a list that
 *     contains a `{"$patch": "replace"}` element replaces the live list with its other elements.
 *   - `"$retainKeys": [..]` drops every key of the merged map that is not listed.
 *   - `"$setElementOrder/<field>": [..]` orders the merged list `<field>` as listed (by merge key,
 *     or by value for primitive lists); unlisted elements follow in their existing relative order.
 *   - `"$deleteFromPrimitiveList/<field>": [..]` removes those values from the live list `<field>`.
 *   Directives never appear in the result.
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
const own = (m: JsonMap, k: string): Json | undefined => (Object.hasOwn(m, k) ? m[k] : undefined);
/** Assigns as an own data property, so a `__proto__` key cannot reach the prototype. */
function put(m: JsonMap, k: string, v: Json): void {
  Object.defineProperty(m, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function deepEqual(a: Json, b: Json): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((e, i) => deepEqual(e, b[i] ?? null));
  if (isMap(a)) {
    if (!isMap(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] ?? null, b[k] ?? null));
  }
  return a === b;
}

// ---- JSON merge patch (RFC 7386) ----

function mergeInto(live: Json, patch: Json): Json {
  if (!isMap(patch)) return copy(patch);
  const out: JsonMap = isMap(live) ? live : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else put(out, k, mergeInto(own(out, k) ?? null, v));
  }
  return out;
}

export function applyMergePatch(target: Json, patch: Json): Json {
  return mergeInto(copy(target), patch);
}

// ---- JSON patch (RFC 6902) ----

function pointer(path: unknown): string[] {
  if (typeof path !== 'string' || (path !== '' && !path.startsWith('/'))) throw new PatchError(`invalid JSON pointer: ${JSON.stringify(path)}`, 400);
  return path === '' ? [] : path.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

const show = (parts: string[]): string => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

function index(arr: Json[], key: string, forAdd: boolean, parts: string[]): number {
  if (forAdd && key === '-') return arr.length;
  const i = Number(key);
  if (!/^(0|[1-9]\d*)$/.test(key) || i > arr.length || (!forAdd && i === arr.length)) throw new PatchError(`array index out of range at ${show(parts)}`);
  return i;
}

function child(cur: Json, key: string, parts: string[]): Json | undefined {
  if (Array.isArray(cur)) return cur[index(cur, key, false, parts)];
  return isMap(cur) ? own(cur, key) : undefined;
}

/** The container holding the last segment of `parts`; throws when an ancestor is missing. */
function parentOf(doc: Json, parts: string[]): { parent: Json; key: string } {
  let cur = doc;
  for (const p of parts.slice(0, -1)) {
    const next = child(cur, p, parts);
    if (next === undefined) throw new PatchError(`path not found: ${show(parts)}`);
    cur = next;
  }
  return { parent: cur, key: parts[parts.length - 1] ?? '' };
}

function getAt(doc: Json, parts: string[]): Json {
  if (parts.length === 0) return doc;
  const { parent, key } = parentOf(doc, parts);
  const v = child(parent, key, parts);
  if (v === undefined) throw new PatchError(`path not found: ${show(parts)}`);
  return v;
}

function addAt(doc: Json, parts: string[], value: Json): Json {
  if (parts.length === 0) return value;
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(index(parent, key, true, parts), 0, value);
  else if (isMap(parent)) put(parent, key, value);
  else throw new PatchError(`cannot add a member to a scalar at ${show(parts)}`);
  return doc;
}

function removeAt(doc: Json, parts: string[]): Json {
  if (parts.length === 0) throw new PatchError('cannot remove the whole document');
  getAt(doc, parts);
  const { parent, key } = parentOf(doc, parts);
  if (Array.isArray(parent)) parent.splice(index(parent, key, false, parts), 1);
  else if (isMap(parent)) delete parent[key];
  return doc;
}

function valueOf(op: JsonMap): Json {
  const v = own(op, 'value');
  if (v === undefined) throw new PatchError(`JSON patch operation "${String(op.op)}" needs a value`, 400);
  return copy(v);
}

export function applyJsonPatch(target: Json, ops: unknown): Json {
  if (!Array.isArray(ops)) throw new PatchError('a JSON patch must be an array of operations', 400);
  let doc = copy(target);
  for (const raw of ops as unknown[]) {
    if (!isMap(raw) || typeof raw.op !== 'string') throw new PatchError('invalid JSON patch operation: each must be an object with an "op"', 400);
    const path = pointer(raw.path);
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, path, valueOf(raw));
        break;
      case 'remove':
        doc = removeAt(doc, path);
        break;
      case 'replace': {
        const value = valueOf(raw);
        doc = path.length === 0 ? value : addAt(removeAt(doc, path), path, value);
        break;
      }
      case 'move': {
        const from = pointer(raw.from);
        if (path.length > from.length && from.every((p, i) => p === path[i])) throw new PatchError(`cannot move ${show(from)} into its own child ${show(path)}`);
        const value = getAt(doc, from);
        doc = from.length === 0 ? value : addAt(removeAt(doc, from), path, value);
        break;
      }
      case 'copy':
        doc = addAt(doc, path, copy(getAt(doc, pointer(raw.from))));
        break;
      case 'test':
        if (!deepEqual(getAt(doc, path), valueOf(raw))) throw new PatchError(`test operation failed at ${show(path)}`);
        break;
      default:
        throw new PatchError(`unknown JSON patch operation "${raw.op}"`, 400);
    }
  }
  return doc;
}

// ---- Kubernetes strategic merge patch ----

const BY_NAME = new Set(['containers', 'initContainers', 'ephemeralContainers', 'env', 'volumes', 'imagePullSecrets']);
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const BY_FIELD: Readonly<Record<string, string>> = { volumeMounts: 'mountPath', volumeDevices: 'devicePath', conditions: 'type', ownerReferences: 'uid', hostAliases: 'ip' };

/**
 * The strategic merge key of the list at `path` (object field names from the root, e.g.
 * `['spec', 'template', 'spec', 'containers', 'ports']`), or undefined when the list replaces.
 */
export function mergeKeyFor(path: readonly string[]): string | undefined {
  const field = path[path.length - 1];
  if (field === undefined) return undefined;
  if (BY_NAME.has(field)) return 'name';
  if (field === 'ports') return CONTAINER_LISTS.has(path[path.length - 2] ?? '') ? 'containerPort' : 'port';
  return Object.hasOwn(BY_FIELD, field) ? BY_FIELD[field] : undefined;
}

const isDirective = (e: Json, kind: string): boolean => isMap(e) && own(e, '$patch') === kind;

function mergeList(live: Json[], patch: Json[], path: string[]): Json[] {
  if (patch.some((e) => isDirective(e, 'replace'))) return patch.filter((e) => !isDirective(e, 'replace')).map((e) => strategic(null, e, path));
  const key = mergeKeyFor(path);
  if (key === undefined || !patch.every(isMap)) return patch.map((e) => strategic(null, e, path));
  const serverOrder = [...live];
  const out = live;
  for (const element of patch as JsonMap[]) {
    const id = own(element, key);
    const at = id === undefined ? -1 : out.findIndex((e) => isMap(e) && deepEqual(own(e, key) ?? null, id));
    if (isDirective(element, 'delete')) {
      if (at >= 0) out.splice(at, 1);
    } else if (at >= 0) out[at] = mergeMap(out[at] ?? null, element, path);
    else out.push(mergeMap(null, element, path));
  }
  return normalizeOrder(out, patch, serverOrder, key);
}

/**
 * The element order strategicpatch's normalizeElementOrder gives a merged list: the patched
 * elements in patch order and the untouched ones in live order, interleaved by their live
 * positions where both are known, new elements before the untouched ones that follow them.
 */
function normalizeOrder(merged: Json[], patch: Json[], serverOrder: Json[], key: string): Json[] {
  const id = (e: Json): string => JSON.stringify(isMap(e) ? (own(e, key) ?? null) : e);
  const patchRank = new Map(patch.map((e, i) => [id(e), i]));
  const serverRank = new Map(serverOrder.map((e, i) => [id(e), i]));
  const patched = merged.filter((e) => patchRank.has(id(e))).sort((a, b) => (patchRank.get(id(a)) ?? 0) - (patchRank.get(id(b)) ?? 0));
  const serverOnly = merged.filter((e) => !patchRank.has(id(e))).sort((a, b) => (serverRank.get(id(a)) ?? 0) - (serverRank.get(id(b)) ?? 0));
  const out: Json[] = [];
  let i = 0;
  let j = 0;
  while (i < serverOnly.length || j < patched.length) {
    const left = serverOnly[i];
    const right = patched[j];
    if (right === undefined) {
      out.push(left ?? null);
      i++;
    } else if (left === undefined) {
      out.push(right);
      j++;
    } else {
      const li = serverRank.get(id(left));
      const ri = serverRank.get(id(right));
      if (li !== undefined && ri !== undefined && li < ri) {
        out.push(left);
        i++;
      } else {
        out.push(right);
        j++;
      }
    }
  }
  return out;
}

function reorder(list: Json[], order: Json[], key: string | undefined): Json[] {
  const id = (e: Json): string => JSON.stringify(key !== undefined && isMap(e) ? (own(e, key) ?? null) : e);
  const rank = new Map(order.map((e, i) => [id(e), i]));
  const listed = list.filter((e) => rank.has(id(e))).sort((a, b) => (rank.get(id(a)) ?? 0) - (rank.get(id(b)) ?? 0));
  return [...listed, ...list.filter((e) => !rank.has(id(e)))];
}

const ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function mergeMap(live: Json, patch: JsonMap, path: string[]): JsonMap {
  if (own(patch, '$patch') === 'replace') return mergeMap(null, Object.fromEntries(Object.entries(patch).filter(([k]) => k !== '$patch')), path);
  let out: JsonMap = isMap(live) ? live : {};
  const orders: [string, Json[]][] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_FROM)) {
      const field = k.slice(DELETE_FROM.length);
      const current = own(out, field);
      if (Array.isArray(current) && Array.isArray(v)) put(out, field, current.filter((e) => !v.some((d) => deepEqual(d, e))));
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(ORDER)) {
      if (Array.isArray(v)) orders.push([k.slice(ORDER.length), v]);
    } else if (k.startsWith('$')) continue; // $patch, $retainKeys, $deleteFromPrimitiveList/…
    else if (v === null || isDirective(v, 'delete')) delete out[k];
    else if (isMap(v)) put(out, k, mergeMap(own(out, k) ?? null, v, [...path, k]));
    else if (Array.isArray(v)) {
      const current = own(out, k);
      put(out, k, mergeList(Array.isArray(current) ? current : [], v, [...path, k]));
    } else put(out, k, v);
  }
  for (const [field, order] of orders) {
    const list = own(out, field);
    if (Array.isArray(list)) put(out, field, reorder(list, order, mergeKeyFor([...path, field])));
  }
  const retain = own(patch, '$retainKeys');
  if (Array.isArray(retain)) {
    const keep = new Set(retain.map(String));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

/** Strategic-merges `patch` into `live`, which must already be a private copy (it is reused). */
function strategic(live: Json, patch: Json, path: string[]): Json {
  return isMap(patch) ? mergeMap(live, patch, path) : copy(patch);
}

/** `path` names the fields leading to `target` when it is not a whole object (e.g. a container). */
export function applyStrategicMergePatch(target: Json, patch: Json, path: string[] = []): Json {
  return strategic(copy(target), patch, path);
}
