/**
 * The OpenAPI surface: the v3 root index and one v3 document per group-version listing each
 * resource's paths with their operations, query parameters and `x-kubernetes-group-version-kind`
 * (so kubectl knows the server validates fields itself, `fieldValidation`), plus object schemas
 * for the built-in kinds (openapiSchemas.ts) and for custom resources whose CRD version carries
 * an `openAPIV3Schema` (`kubectl explain`). Patch operations declare no
 * request body, so `kubectl apply` computes strategic merge patches from its compiled-in types
 * rather than from these (partial) schemas. `/openapi/v2` is a minimal Swagger 2.0 document
 * without definitions, in JSON or in the protobuf form kubectl asks for (gnostic
 * openapi_v2.Document); kubectl only needs it to exist when validating `kind: List` files.
 */
import { createHash } from 'node:crypto';
import type { ResourceCatalog, ResourceType } from './resources.js';
import { kindSchemaName, schemasFor } from './openapiSchemas.js';
import type { CustomSchemaLookup } from './openapiSchemas.js';
import { VERSION_INFO } from './discovery.js';

const gvPath = (group: string, version: string): string => (group === '' ? `api/${version}` : `apis/${group}/${version}`);

const param = (name: string): Record<string, unknown> => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty'].map(param);
const PATCH_PARAMS = [...WRITE_PARAMS, param('force')];
const READ_PARAMS = ['allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit', 'resourceVersion', 'resourceVersionMatch', 'timeoutSeconds', 'watch'].map(param);

function groupVersions(catalog: ResourceCatalog): Map<string, ResourceType[]> {
  const out = new Map<string, ResourceType[]>();
  for (const t of catalog.all()) {
    const key = gvPath(t.group, t.version);
    out.set(key, [...(out.get(key) ?? []), t]);
  }
  return out;
}

function hashOf(types: readonly ResourceType[]): string {
  return createHash('sha512').update(JSON.stringify(types)).digest('hex').slice(0, 128).toUpperCase();
}

interface Cached {
  readonly generation: number;
  root?: Record<string, unknown>;
  readonly docs: Map<string, Record<string, unknown> | undefined>;
  readonly hashes: Map<string, string>;
}

/** Documents per catalog, rebuilt when CRDs change the catalog (kubectl fetches them on most commands). */
const cache = new WeakMap<ResourceCatalog, Cached>();

function cached(catalog: ResourceCatalog): Cached {
  let c = cache.get(catalog);
  if (c === undefined || c.generation !== catalog.generation) {
    c = { generation: catalog.generation, docs: new Map(), hashes: new Map() };
    cache.set(catalog, c);
  }
  return c;
}

/** The hash a group-version document is published under (`?hash=`), or undefined for an unknown path. */
export function openApiV3Hash(catalog: ResourceCatalog, path: string): string | undefined {
  const c = cached(catalog);
  if (!c.hashes.has(path)) {
    const types = groupVersions(catalog).get(path);
    if (types === undefined) return undefined;
    c.hashes.set(path, hashOf(types));
  }
  return c.hashes.get(path);
}

export function openApiV3Root(catalog: ResourceCatalog): Record<string, unknown> {
  const c = cached(catalog);
  c.root ??= buildRoot(catalog);
  return c.root;
}

/** One group-version document; `custom` supplies the schemas of custom resources (from their CRDs). */
export function openApiV3Document(catalog: ResourceCatalog, path: string, custom?: CustomSchemaLookup): Record<string, unknown> | undefined {
  const c = cached(catalog);
  if (!c.docs.has(path)) c.docs.set(path, buildDocument(catalog, path, custom));
  return c.docs.get(path);
}

function buildRoot(catalog: ResourceCatalog): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const path of groupVersions(catalog).keys()) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${openApiV3Hash(catalog, path) ?? ''}` };
  return { paths };
}

function buildDocument(catalog: ResourceCatalog, path: string, custom?: CustomSchemaLookup): Record<string, unknown> | undefined {
  const types = groupVersions(catalog).get(path);
  if (types === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const schemaName = kindSchemaName(t, custom);
    const body = schemaName === undefined ? {} : { content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName}` } } } };
    const op = (verb: string, parameters: unknown[], withBody = false): Record<string, unknown> => ({
      operationId: `${verb}${t.kind}`,
      parameters,
      ...(withBody && schemaName !== undefined ? { requestBody: body } : {}),
      responses: { '200': { description: 'OK', ...body } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    const prefix = `/${path}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    if (t.virtual === 'review') {
      paths[prefix] = { post: op('post', WRITE_PARAMS, true) };
      continue;
    }
    if (t.virtual === 'metrics') {
      paths[prefix] = { get: op('list', READ_PARAMS) };
      paths[`${prefix}/{name}`] = { get: op('get', []) };
      continue;
    }
    paths[prefix] = { get: op('list', READ_PARAMS), post: op('post', WRITE_PARAMS, true), delete: op('deletecollection', []) };
    paths[`${prefix}/{name}`] = { get: op('get', []), put: op('put', WRITE_PARAMS, true), patch: op('patch', PATCH_PARAMS), delete: op('delete', WRITE_PARAMS) };
    for (const sub of t.subresources) {
      paths[`${prefix}/{name}/${sub}`] =
        sub === 'log' ? { get: op('get', []) } : sub === 'token' || sub === 'eviction' ? { post: op('post', WRITE_PARAMS) } : { get: op('get', []), put: op('put', WRITE_PARAMS, true), patch: op('patch', PATCH_PARAMS) };
    }
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths, components: { schemas: schemasFor(types, custom) } };
}

/** A Swagger 2.0 document without paths or definitions. */
export function openApiV2Json(): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'Kubernetes', version: VERSION_INFO.gitVersion }, paths: {}, definitions: {} };
}

/** The same document as a gnostic `openapi_v2.Document` message: swagger (1) and info (2: title 1, version 2). */
export function openApiV2Protobuf(): Buffer {
  const field = (n: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([(n << 3) | 2]), varint(payload.length), payload]);
  const info = Buffer.concat([field(1, Buffer.from('Kubernetes')), field(2, Buffer.from(VERSION_INFO.gitVersion))]);
  return Buffer.concat([field(1, Buffer.from('2.0')), field(2, info)]);
}

function varint(n: number): Buffer {
  const bytes: number[] = [];
  let v = n;
  while (v > 0x7f) {
    bytes.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}
