/**
 * A minimal OpenAPI v3 surface: the root index and one document per group-version listing each
 * resource's paths with their operations, query parameters and `x-kubernetes-group-version-kind`.
 * It carries no object schemas; it exists so clients (kubectl) can discover that the server
 * validates fields itself (`fieldValidation`) instead of validating against schemas client-side.
 */
import { createHash } from 'node:crypto';
import type { ResourceCatalog, ResourceType } from './resources.js';

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

export function openApiV3Root(catalog: ResourceCatalog): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [path, types] of groupVersions(catalog)) paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(types)}` };
  return { paths };
}

export function openApiV3Document(catalog: ResourceCatalog, path: string): Record<string, unknown> | undefined {
  const types = groupVersions(catalog).get(path);
  if (types === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const op = (verb: string, parameters: unknown[]): Record<string, unknown> => ({
      operationId: `${verb}${t.kind}`,
      parameters,
      responses: { '200': { description: 'OK' } },
      'x-kubernetes-action': verb,
      'x-kubernetes-group-version-kind': gvk,
    });
    const prefix = `/${path}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.resource}`;
    paths[prefix] = { get: op('list', READ_PARAMS), post: op('post', WRITE_PARAMS), delete: op('deletecollection', []) };
    paths[`${prefix}/{name}`] = { get: op('get', []), put: op('put', WRITE_PARAMS), patch: op('patch', PATCH_PARAMS), delete: op('delete', WRITE_PARAMS) };
    for (const sub of t.subresources) paths[`${prefix}/{name}/${sub}`] = sub === 'log' ? { get: op('get', []) } : { get: op('get', []), put: op('put', WRITE_PARAMS), patch: op('patch', PATCH_PARAMS) };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.4-sim' }, paths, components: { schemas: {} } };
}
