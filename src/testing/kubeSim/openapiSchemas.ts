/**
 * OpenAPI v3 object schemas (`components.schemas`) for the built-in kinds, generated from the
 * field table in builtinMessages.ts with the API server's naming (`io.k8s.api.apps.v1.Deployment`,
 * `io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`) and conventions: message-typed properties as
 * `allOf: [{$ref}]`, `x-kubernetes-group-version-kind` on top-level kinds, merge keys as
 * `x-kubernetes-patch-merge-key` / `x-kubernetes-list-map-keys`. Read by `kubectl explain`.
 */
import type { FieldDef, MessageDef } from './builtinMessages.js';
import { isScalar, kindMessage, messageDef } from './builtinMessages.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf } from './resources.js';
import { DESCRIPTIONS, KIND_FIELD_DESCRIPTIONS } from './schemaDescriptions.js';

type Schema = Record<string, unknown>;

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';

const SPECIAL: Record<string, Schema> = {
  [QUANTITY]: { description: 'A fixed-point number with a suffix, such as 100m, 1Gi or 2.', oneOf: [{ type: 'string' }, { type: 'number' }] },
  [INT_OR_STRING]: { description: 'An integer or a string.', type: 'string', format: 'int-or-string', 'x-kubernetes-int-or-string': true },
  [TIME]: { description: 'A timestamp in RFC 3339 form, second precision.', type: 'string', format: 'date-time' },
};

export function schemaName(def: Pick<MessageDef, 'pkg' | 'name'>): string {
  const [group = '', version = ''] = def.pkg.split('/');
  return group === 'meta' ? `io.k8s.apimachinery.pkg.apis.meta.v1.${def.name}` : `io.k8s.api.${group}.${version}.${def.name}`;
}

const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

class SchemaBuilder {
  readonly schemas: Record<string, Schema> = {};

  /** Adds a message's schema (and everything it refers to); returns its name. */
  message(def: MessageDef, gvk?: { group: string; version: string; kind: string }, withStatus = false): string {
    const name = schemaName(def);
    if (this.schemas[name] !== undefined && gvk === undefined) return name;
    this.schemas[name] = {}; // placeholder against cycles
    const properties: Record<string, Schema> = {};
    if (gvk !== undefined) {
      properties.apiVersion = { type: 'string', description: KIND_FIELD_DESCRIPTIONS.apiVersion };
      properties.kind = { type: 'string', description: KIND_FIELD_DESCRIPTIONS.kind };
    }
    this.addFields(def, def, properties);
    if (withStatus) properties.status = { type: 'object', description: DESCRIPTIONS[`${def.name}.status`] ?? KIND_FIELD_DESCRIPTIONS.status, 'x-kubernetes-preserve-unknown-fields': true };
    const required = def.fields.filter((f) => f.always && !f.inline && f.type !== 'b').map((f) => f.name);
    this.schemas[name] = {
      type: 'object',
      ...(DESCRIPTIONS[def.name] === undefined ? {} : { description: DESCRIPTIONS[def.name] }),
      properties,
      ...(required.length > 0 && gvk === undefined ? { required } : {}),
      ...(gvk === undefined ? {} : { 'x-kubernetes-group-version-kind': [gvk] }),
    };
    return name;
  }

  private addFields(owner: MessageDef, def: MessageDef, properties: Record<string, Schema>): void {
    for (const f of def.fields) {
      if (f.inline) {
        const inner = messageDef(f.type, def.pkg);
        if (inner !== undefined) this.addFields(owner, inner, properties);
        continue;
      }
      const description = DESCRIPTIONS[`${def.name}.${f.name}`] ?? (f.name === 'metadata' ? KIND_FIELD_DESCRIPTIONS.metadata : undefined);
      properties[f.name] = { ...this.field(f, def.pkg), ...(description === undefined ? {} : { description }) };
    }
  }

  private field(f: FieldDef, pkg: string): Schema {
    const element = this.type(f.type, pkg);
    if (f.map) return { type: 'object', additionalProperties: element };
    if (f.repeated) {
      const merge =
        f.mergeKey === undefined
          ? {}
          : { 'x-kubernetes-list-map-keys': [f.mergeKey], 'x-kubernetes-list-type': 'map', 'x-kubernetes-patch-merge-key': f.mergeKey, 'x-kubernetes-patch-strategy': 'merge' };
      return { type: 'array', items: element, ...merge };
    }
    return element;
  }

  private type(t: string, pkg: string): Schema {
    if (isScalar(t)) {
      switch (t) {
        case 's':
          return { type: 'string', default: '' };
        case 'i32':
          return { type: 'integer', format: 'int32' };
        case 'i64':
          return { type: 'integer', format: 'int64' };
        case 'b':
          return { type: 'boolean' };
        case 'f64':
          return { type: 'number', format: 'double' };
        case 'bytes':
          return { type: 'string', format: 'byte' };
        case 'raw':
          return { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
        case 'qty':
          return this.special(QUANTITY);
        case 'ios':
          return this.special(INT_OR_STRING);
        case 'time':
          return this.special(TIME);
      }
    }
    const def = messageDef(t, pkg);
    if (def === undefined) return { type: 'object' };
    return { default: {}, allOf: [ref(this.message(def))] };
  }

  private special(name: string): Schema {
    this.schemas[name] ??= SPECIAL[name] ?? {};
    return { allOf: [ref(name)] };
  }
}

/** A custom resource's structural schema (its CRD version's `openAPIV3Schema`), if it has one. */
export type CustomSchemaLookup = (t: ResourceType) => Schema | undefined;

/** Custom resources are published as `{reversed group}.{version}.{Kind}`: `com.example.v1.Widget`. */
const customSchemaName = (t: ResourceType): string => `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;

/** `components.schemas` of one group-version document: its kinds and every schema they use. */
export function schemasFor(types: readonly ResourceType[], custom: CustomSchemaLookup = () => undefined): Record<string, Schema> {
  const builder = new SchemaBuilder();
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const def = kindMessage(apiVersionOf(t), t.kind);
    if (def !== undefined) {
      builder.message(def, gvk, t.subresources.includes('status'));
      continue;
    }
    const schema = custom(t);
    if (schema === undefined) continue;
    // As the API server publishes CRD schemas: apiVersion, kind and metadata added to the CRD's own.
    const meta = messageDef('ObjectMeta', 'meta/v1');
    const metadataRef = meta === undefined ? { type: 'object' } : { allOf: [ref(builder.message(meta))], description: KIND_FIELD_DESCRIPTIONS.metadata };
    builder.schemas[customSchemaName(t)] = {
      ...schema,
      type: 'object',
      properties: {
        apiVersion: { type: 'string', description: KIND_FIELD_DESCRIPTIONS.apiVersion },
        kind: { type: 'string', description: KIND_FIELD_DESCRIPTIONS.kind },
        metadata: metadataRef,
        ...((schema.properties ?? {}) as Record<string, Schema>),
      },
      'x-kubernetes-group-version-kind': [gvk],
    };
  }
  return builder.schemas;
}

/** The schema name of a kind, when the simulator describes it. */
export function kindSchemaName(t: ResourceType, custom: CustomSchemaLookup = () => undefined): string | undefined {
  const def = kindMessage(apiVersionOf(t), t.kind);
  if (def !== undefined) return schemaName(def);
  return custom(t) === undefined ? undefined : customSchemaName(t);
}
