import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import { readArtifact, type ArtifactDownloader } from '../../../core/artifacts/ArtifactDownloader.js';
import { defineOperation, type OperationContext, type OperationDefinition } from '../../../core/operations/OperationDefinition.js';
import type { KubernetesAccountCache } from '../caching/KubernetesAccountCache.js';
import { sanitizeManifest, serviceSelector } from '../cacheModel.js';
import type { KubeObject } from '../client/KubeClient.js';
import { kindProblem, nameProblem } from '../coordinates.js';
import { kubernetesKindName, type KubernetesKindProperties } from '../KubernetesKind.js';
import { ANNOTATION, trafficLoadBalancers } from '../moniker.js';
import { annotationsOf, apiGroupOf, isObject, labelsOf, type KubernetesManifest } from '../model/KubernetesManifest.js';
import { artifactKey, bindArtifacts } from './artifacts.js';
import { KubernetesOperationError, type ClusterWriter } from './ClusterWriter.js';
import { accountField, artifactSchema, manifestSchema, monikerSchema, type Artifact } from './descriptions.js';
import { KubernetesValidator, effectiveNamespace, unboundRequiredArtifactsMessage, writerFor, type KubernetesOpsDeps } from './KubernetesOperationSupport.js';
import { labelSelectorProblems, labelSelectorsSchema, type LabelSelector } from './labelSelectors.js';
import { annotateArtifact, applyMoniker, mapFor, selectableLabels, strategyOf, type ManifestStrategy } from './manifestAnnotations.js';
import { chooseVersion, liveVersions, versionedName } from './versioning.js';

const OP = 'DEPLOY_KUBERNETES_MANIFEST';
const MANAGED_BY = 'spinnaker';

/** `KubernetesDeployManifestDescription`. */
export const deployManifestSchema = z
  .object({
    account: accountField,
    manifests: z.array(manifestSchema.nullable()).nullish(),
    /** Deprecated single-manifest form, still read when `manifests` is empty. */
    manifest: manifestSchema.nullish(),
    moniker: monikerSchema,
    requiredArtifacts: z.array(artifactSchema).nullish(),
    optionalArtifacts: z.array(artifactSchema).nullish(),
    versioned: z.boolean().nullish(),
    namespaceOverride: z.string().nullish(),
    enableArtifactBinding: z.boolean().default(true),
    enableTraffic: z.boolean().default(true),
    services: z.array(z.string()).nullish(),
    strategy: z
      .string()
      .transform((s) => s.toUpperCase())
      .pipe(z.enum(['RED_BLACK', 'BLUE_GREEN', 'HIGHLANDER', 'NONE']))
      .nullish(),
    labelSelectors: labelSelectorsSchema.nullish(),
    skipSpecTemplateLabels: z.boolean().default(false),
    allowNothingSelected: z.boolean().default(false),
    /**
     * Where the manifests come from (Orca's `DeployManifestContext`): `text` (`manifests`) or
     * `artifact`: the YAML or JSON documents of `manifestArtifact`, or of the artifact of
     * `requiredArtifacts`/`optionalArtifacts` whose `uuid` (or `id`) is `manifestArtifactId`,
     * downloaded through `manifestArtifactAccount` (else the artifact's own `artifactAccount`).
     * Orca resolves this itself and sends `text`; here a description may carry it directly.
     */
    source: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(['text', 'artifact']))
      .nullish(),
    manifestArtifact: artifactSchema.nullish(),
    manifestArtifactId: z.string().nullish(),
    manifestArtifactAccount: z.string().nullish(),
  })
  .passthrough();
export type DeployManifestDescription = z.infer<typeof deployManifestSchema>;

/** `OperationResult` of the Kubernetes provider. */
export interface DeployResult {
  manifestNamesByNamespace: Record<string, string[]>;
  manifests: KubernetesManifest[];
  createdArtifacts: Artifact[];
  boundArtifacts: Artifact[];
}

/**
 * `deployManifest` (`KubernetesDeployManifestOperation`): expands `kind: List` manifests, applies
 * `namespaceOverride`, orders by deploy priority, binds artifacts from the pool (required, then
 * optional, then what earlier manifests of the request created), versions versioned kinds,
 * writes moniker, artifact and traffic annotations and labels, then submits each manifest with
 * its strategy (create for `generateName`, recreate, replace, server-side apply, apply).
 */
/** What deployManifest uses besides the accounts: the artifact downloader, for `source: artifact`. */
export interface DeployManifestDeps extends KubernetesOpsDeps {
  readonly artifacts?: () => ArtifactDownloader | undefined;
}

export function deployManifest(deps: DeployManifestDeps): OperationDefinition {
  return defineOperation({
    name: 'deployManifest',
    displayName: 'KubernetesDeployManifestOperation',
    schema: deployManifestSchema,
    account: (d) => d.account,
    applications: (d) => [d.moniker.app],
    validate: (d) => (d.source === 'artifact' ? validateArtifactSource(deps, d) : validateDeploy(deps, d, 'deployKubernetesManifest')),
    operate: async (d, ctx) => deployManifests(deps, d.source === 'artifact' ? await manifestsFromArtifact(deps, d, ctx) : d, ctx),
  });
}

/** The manifest artifact with its account (`ManifestEvaluator.getManifestArtifact`), or why there is none. */
function manifestArtifactOf(d: DeployManifestDescription): { artifact: Artifact; account: string } | string {
  const id = d.manifestArtifactId;
  const pool = [...(d.requiredArtifacts ?? []), ...(d.optionalArtifacts ?? [])];
  const artifact = d.manifestArtifact ?? (id ? pool.find((a) => a.uuid === id || (a as { id?: unknown }).id === id) : undefined);
  if (artifact === undefined) return id ? `No artifact with id ${id} is among requiredArtifacts or optionalArtifacts.` : 'No manifest artifact was specified.';
  const account = d.manifestArtifactAccount || artifact.artifactAccount;
  if (!account) return 'No manifest artifact account was specified.';
  return { artifact: { ...artifact, artifactAccount: account }, account };
}

/** `source: artifact`: the artifact resolves, and an artifact account of that name handles its type; before any task. */
function validateArtifactSource(deps: DeployManifestDeps, d: DeployManifestDescription): string[] {
  const v = new KubernetesValidator('deployKubernetesManifest', deps);
  const acct = v.account(d.account);
  for (const problem of labelSelectorProblems(d.labelSelectors)) v.reject('invalid', 'labelSelectors', problem);
  if (acct !== undefined && d.namespaceOverride) v.namespace(acct, d.namespaceOverride);
  const resolved = manifestArtifactOf(d);
  if (typeof resolved === 'string') {
    v.reject('empty', 'manifestArtifact', resolved);
    return v.problems;
  }
  const downloader = deps.artifacts?.();
  if (downloader === undefined) {
    v.reject('notSupported', 'manifestArtifact', 'artifact downloads are not available in this service');
    return v.problems;
  }
  const { artifact, account } = resolved;
  if (!downloader.accounts().some((a) => a.name === account && a.types.includes(artifact.type))) {
    v.reject('notFound', 'manifestArtifactAccount', `Credentials '${account}' supporting artifact type '${artifact.type}' cannot be found`);
  }
  return v.problems;
}

/** Downloads and parses the manifest artifact (every YAML/JSON document; a document may be a list), then checks the manifests as `validateDeploy` does. */
async function manifestsFromArtifact(deps: DeployManifestDeps, d: DeployManifestDescription, ctx: OperationContext): Promise<DeployManifestDescription> {
  const resolved = manifestArtifactOf(d);
  const downloader = deps.artifacts?.();
  if (typeof resolved === 'string' || downloader === undefined) throw new KubernetesOperationError(typeof resolved === 'string' ? resolved : 'artifact downloads are not available in this service', 0);
  const { artifact, account } = resolved;
  const what = `${artifact.type} artifact ${artifact.name ?? artifact.reference ?? ''} (account '${account}')`;
  await ctx.task.updateStatus(OP, `Downloading manifest from ${what}...`);
  let text: string;
  try {
    text = (await readArtifact(downloader, artifact, ctx.signal)).toString('utf8');
  } catch (err) {
    throw new KubernetesOperationError(`Failed to download the manifest ${what}: ${err instanceof Error ? err.message : String(err)}`, 0);
  }
  const manifests: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new KubernetesOperationError(`The manifest ${what} is not valid YAML or JSON: ${doc.errors[0]?.message ?? ''}`, 0);
    const value: unknown = doc.toJS({ maxAliasCount: 100 });
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      if (!isObject(item)) throw new KubernetesOperationError(`The manifest ${what} must hold objects (or lists of objects), one per document`, 0);
      manifests.push(item);
    }
  }
  const parsed = deployManifestSchema.safeParse({ ...d, source: 'text', manifests, manifest: undefined });
  const described = parsed.success ? parsed.data : undefined;
  const problems = described === undefined ? parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [] : validateDeploy(deps, described, 'deployKubernetesManifest');
  if (described === undefined || problems.length > 0) throw new KubernetesOperationError(`The manifest ${what} cannot be deployed: ${problems.join('; ')}`, 0);
  await ctx.task.updateStatus(OP, `Read ${manifests.length} manifest(s) from ${what}`);
  return described;
}

/** Validation shared with runJob: every manifest is well formed, of an allowed kind, in an allowed namespace. */
export function validateDeploy(deps: KubernetesOpsDeps, d: DeployManifestDescription, context: string): string[] {
  const v = new KubernetesValidator(context, deps);
  const acct = v.account(d.account);
  const raw = requestedManifests(d);
  if (raw.length === 0) v.reject('empty', 'manifests', 'at least one manifest is required');
  for (const problem of labelSelectorProblems(d.labelSelectors)) v.reject('invalid', 'labelSelectors', problem);
  raw.forEach((m, i) => {
    const at = `manifests[${i}]`;
    for (const problem of manifestProblems(m)) v.reject('invalid', at, problem);
  });
  if (acct === undefined) return v.problems;
  if (d.namespaceOverride) v.namespace(acct, d.namespaceOverride);
  for (const m of expand(raw)) {
    if (manifestProblems(m).length > 0) continue;
    const kind = acct.registry.get(kindNameOf(m));
    if (!v.kind(acct, kind.name)) continue;
    if (kind.namespaced) v.namespace(acct, namespaceOf(acct, d, m));
  }
  return v.problems;
}

/** Runs a validated deploy description under a task (deployManifest and runJob). */
export async function deployManifests(deps: KubernetesOpsDeps, d: DeployManifestDescription, ctx: OperationContext): Promise<DeployResult> {
  const status = (line: string) => ctx.task.updateStatus(OP, line);
  await status(`Beginning deployment of manifests in account ${d.account} ...`);
  const writer = writerFor(deps, d.account, ctx);
  const acct = writer.account;
  const manifests = expand(requestedManifests(d)).map((m) => withNamespace(acct, d, structuredClone(m)));

  await status('Sorting manifests by priority...');
  manifests.sort((a, b) => acct.registry.get(kindNameOf(a)).deployPriority - acct.registry.get(kindNameOf(b)).deployPriority);
  await status(`Deploy order is: ${manifests.map(fullResourceName).join(', ')}`);

  const pool = new Map<string, Artifact>();
  if (d.enableArtifactBinding) for (const a of [...(d.requiredArtifacts ?? []), ...(d.optionalArtifacts ?? [])]) if (!pool.has(artifactKey(a))) pool.set(artifactKey(a), a);

  const selected = d.labelSelectors?.selectors.length ? manifests.filter((m) => matchesSelectors(labelsOf(m), d.labelSelectors?.selectors ?? [])) : manifests;
  const result: DeployResult = { manifestNamesByNamespace: {}, manifests: [], createdArtifacts: [], boundArtifacts: [] };
  const prepared: { manifest: KubernetesManifest; kind: KubernetesKindProperties; strategy: ManifestStrategy; artifact: Artifact }[] = [];
  for (const original of selected) {
    const strategy = strategyOf(original);
    checkRolloutStrategy(original, strategy, d.strategy);
    if (strategy.deploy === 'replace' && d.labelSelectors?.selectors.length) throw new KubernetesOperationError('Label selectors are not supported with the replace deploy strategy', 0);
    await status(`Binding artifacts in ${fullResourceName(original)}...`);
    const namespace = original.metadata?.namespace ?? '';
    const bound = d.enableArtifactBinding ? bindArtifacts(original, [...pool.values()], { account: d.account, namespace }) : { manifest: original, bound: [] };
    await status(`Bound artifacts: ${JSON.stringify(bound.bound)}...`);
    for (const a of bound.bound) if (!result.boundArtifacts.includes(a)) result.boundArtifacts.push(a);
    const manifest = bound.manifest;
    const kind = await writer.kind(kindNameOf(manifest));
    const baseName = manifest.metadata?.name ?? '';
    const versioned = baseName !== '' && (strategy.versioned ?? d.versioned ?? kind.versioned);

    if (strategy.useSourceCapacity) await copySourceCapacity(writer, kind, manifest, versioned);
    if (kind.name === 'replicaSet') await applyTraffic(writer, manifest, d, selected);
    const moniker = { ...d.moniker, cluster: d.moniker.cluster || fullResourceName(original) };
    applyMoniker(manifest, { ...moniker, sequence: versioned ? undefined : d.moniker.sequence }, { skipSpecTemplateLabels: d.skipSpecTemplateLabels, managedBy: MANAGED_BY });

    let version: number | undefined;
    if (versioned) {
      const chosen = chooseVersion(manifest, await liveVersions(writer, kind, namespace, baseName));
      version = chosen.version;
      if (chosen.reused) await status(`Manifest ${fullResourceName(original)} was already deployed at version ${versionedName(baseName, version)} - reusing.`);
      applyMoniker(manifest, { ...moniker, sequence: version }, { skipSpecTemplateLabels: d.skipSpecTemplateLabels, managedBy: MANAGED_BY });
    }
    const reference = version === undefined ? baseName : versionedName(baseName, version);
    const artifact: Artifact = {
      type: `kubernetes/${kind.name}`,
      name: baseName,
      location: namespace,
      version: version === undefined ? '' : `v${String(version).padStart(3, '0')}`,
      reference,
      metadata: { account: d.account },
      customKind: false,
    };
    // What this request creates replaces what the pool had, so later manifests bind to it.
    pool.set(artifactKey(artifact), artifact);
    await status(`Annotating manifest ${fullResourceName(original)} with artifact, relationships & moniker...`);
    if (baseName !== '') annotateArtifact(manifest, { type: artifact.type, name: baseName, location: namespace, version: artifact.version ?? '' });
    if (manifest.metadata !== undefined && baseName !== '') manifest.metadata.name = reference;
    prepared.push({ manifest, kind, strategy, artifact });
  }

  await status('Checking if all requested artifacts were bound...');
  const unbound = d.enableArtifactBinding ? unboundRequiredArtifactsMessage(d.requiredArtifacts, result.boundArtifacts) : undefined;
  if (unbound !== undefined) throw new KubernetesOperationError(unbound, 0);

  for (const { manifest, kind, strategy, artifact } of prepared) {
    await status(`Submitting manifest ${fullResourceName(manifest)} to kubernetes master...`);
    const live = await submit(writer, kind, manifest, strategy);
    const namespace = kind.namespaced ? (live.metadata.namespace ?? '') : '';
    (result.manifestNamesByNamespace[namespace] ??= []).push(`${kind.name} ${live.metadata.name}`);
    result.manifests.push(sanitizeManifest(live as KubernetesManifest));
    result.createdArtifacts.push(manifest.metadata?.name ? artifact : { ...artifact, name: live.metadata.name, reference: live.metadata.name });
    await status(`Deploy manifest task completed successfully for manifest ${kind.name} ${live.metadata.name} in account ${d.account}`);
  }
  if (d.labelSelectors?.selectors.length && prepared.length === 0 && !d.allowNothingSelected) {
    throw new KubernetesOperationError(`nothing deployed to account ${d.account} with label selector(s) ${JSON.stringify(d.labelSelectors.selectors)}`, 0);
  }
  await status(`Deploy manifest task completed successfully for all manifests in account ${d.account}`);
  return result;
}

/** Submits one prepared manifest with its strategy; resolves with the object the API server answered. */
async function submit(writer: ClusterWriter, kind: KubernetesKindProperties, manifest: KubernetesManifest, strategy: ManifestStrategy): Promise<KubeObject> {
  if (!manifest.metadata?.name) return writer.create(kind, manifest);
  // kubectl records what it applied; versioning compares against it.
  const { [ANNOTATION.lastAppliedConfiguration]: _previous, ...annotations } = annotationsOf(manifest);
  const recorded = { ...manifest, metadata: { ...manifest.metadata, annotations } };
  mapFor(manifest, 'metadata', 'annotations')[ANNOTATION.lastAppliedConfiguration] = JSON.stringify(recorded);
  const namespace = kind.namespaced ? (manifest.metadata.namespace ?? '') : '';
  switch (strategy.deploy) {
    case 'recreate':
      if (await writer.delete(kind, namespace, manifest.metadata.name, { propagationPolicy: 'Background' })) await writer.waitUntilGone(kind, namespace, manifest.metadata.name, 60_000);
      return writer.apply(kind, manifest, true);
    case 'replace':
      return writer.replace(kind, manifest);
    case 'serverSideApply':
      return writer.apply(kind, manifest, false);
    default:
      return writer.apply(kind, manifest, true);
  }
}

/** `KubernetesManifestAnnotater.validateAnnotationsForRolloutStrategies`. */
function checkRolloutStrategy(m: KubernetesManifest, strategy: ManifestStrategy, rollout: string | null | undefined): void {
  if ((rollout === 'RED_BLACK' || rollout === 'BLUE_GREEN') && strategy.maxVersionHistory !== undefined && strategy.maxVersionHistory < 2) {
    throw new KubernetesOperationError(
      `The max version history specified in your manifest ${fullResourceName(m)} conflicts with the behavior of the ${rollout} rollout strategy. Please update your strategy.spinnaker.io/max-version-history annotation to a value greater than or equal to 2.`,
      0,
    );
  }
}

/** `KubernetesSourceCapacity`: the replicas of the live object (unversioned) or of its newest live version. */
async function copySourceCapacity(writer: ClusterWriter, kind: KubernetesKindProperties, m: KubernetesManifest, versioned: boolean): Promise<void> {
  const namespace = m.metadata?.namespace ?? '';
  const name = m.metadata?.name ?? '';
  const source = versioned ? (await liveVersions(writer, kind, namespace, name, true)).at(-1)?.object : await writer.get(kind, namespace, name);
  const replicas = isObject(source?.spec) ? source.spec.replicas : undefined;
  if (typeof replicas === 'number' && isObject(m.spec)) m.spec.replicas = replicas;
}

/**
 * Traffic (`CanReceiveTraffic`): `services` becomes the `traffic.spinnaker.io/load-balancers`
 * annotation; with `enableTraffic`, each load balancer's selector is merged into the pod-template
 * labels (`KubernetesServiceHandler.attach`), the Service taken from the request or the cluster.
 */
async function applyTraffic(writer: ClusterWriter, m: KubernetesManifest, d: DeployManifestDescription, request: readonly KubernetesManifest[]): Promise<void> {
  const services = d.services ?? [];
  if (services.length > 0) {
    const annotations = mapFor(m, 'metadata', 'annotations');
    const existing = trafficLoadBalancers(m);
    if (annotations[ANNOTATION.loadBalancers] !== undefined && JSON.stringify(existing) !== JSON.stringify(services)) {
      throw new KubernetesOperationError(`Manifest ${fullResourceName(m)} already has ${ANNOTATION.loadBalancers} annotation set to ${JSON.stringify(existing)}. Failed attempting to set it to ${JSON.stringify(services)}.`, 0);
    }
    annotations[ANNOTATION.loadBalancers] = JSON.stringify(services);
  }
  if (!d.enableTraffic) return;
  const namespace = m.metadata?.namespace ?? '';
  for (const lb of trafficLoadBalancers(m)) {
    const [kindName, name] = lb.split(' ');
    if (kindName === undefined || name === undefined || lb.split(' ').length !== 2) {
      throw new KubernetesOperationError(`Failed to attach load balancer '${lb}'. Load balancers must be specified in the form '{kind} {name}', e.g. 'service my-service'.`, 0);
    }
    const kind = writer.account.registry.get(kindName);
    if (kind.name !== 'service') throw new KubernetesOperationError(`No load balancer handler for kind ${kind.name}: only services can be attached`, 0);
    const fromRequest = request.find((r) => kindNameOf(r) === 'service' && r.metadata?.name === name && (r.metadata.namespace ?? '') === namespace);
    const service = fromRequest ?? (await writer.get(await writer.kind('service'), namespace, name));
    if (service === undefined) throw new KubernetesOperationError(`Load balancer service ${name} does not exist`, 0);
    const selector = serviceSelector(service as KubernetesManifest);
    if (Object.keys(selector).length === 0) throw new KubernetesOperationError('Service must have a non-empty selector in order to be attached to a workload', 0);
    const labels = selectableLabels(m);
    if (Object.keys(selector).some((k) => k in labels)) throw new KubernetesOperationError('Service selector must have no label keys in common with target workload', 0);
    Object.assign(labels, selector);
  }
}

/** In memory, what `kubectl apply -l` selects (`KubernetesSelector` semantics). */
function matchesSelectors(labels: Record<string, string>, selectors: readonly LabelSelector[]): boolean {
  return selectors.every(({ kind, key, values: given }) => {
    const value = labels[key ?? ''];
    const values = given ?? [];
    switch (kind) {
      case 'EQUALS':
        return value !== undefined && value === values[0];
      case 'NOT_EQUALS':
        return value !== values[0];
      case 'CONTAINS':
        return value !== undefined && values.includes(value);
      case 'NOT_CONTAINS':
        return value === undefined || !values.includes(value);
      case 'EXISTS':
        return value !== undefined;
      case 'NOT_EXISTS':
        return value === undefined;
      default:
        return true;
    }
  });
}

function requestedManifests(d: DeployManifestDescription): Record<string, unknown>[] {
  const list = (d.manifests ?? []).filter((m): m is Record<string, unknown> => m !== null);
  return list.length > 0 ? list : d.manifest ? [d.manifest] : [];
}

/** `kind: List` manifests are replaced by their items (recursively). */
function expand(manifests: readonly Record<string, unknown>[]): KubernetesManifest[] {
  return manifests.flatMap((m) => (m.kind === 'List' && Array.isArray(m.items) ? expand(m.items.filter(isObject)) : [m as KubernetesManifest]));
}

function manifestProblems(m: Record<string, unknown>): string[] {
  if (m.kind === 'List') return Array.isArray(m.items) && m.items.every(isObject) ? expand([m]).flatMap(manifestProblems) : ['a List must have items, each an object'];
  const problems: string[] = [];
  if (typeof m.kind !== 'string' || m.kind === '') problems.push('kind is required');
  if (typeof m.apiVersion !== 'string' || m.apiVersion === '') problems.push('apiVersion is required');
  if (!isObject(m.metadata)) return [...problems, 'metadata is required'];
  const { name, generateName, namespace } = m.metadata;
  if (name === undefined && typeof generateName !== 'string') problems.push('metadata.name or metadata.generateName is required');
  if (name !== undefined) {
    const p = typeof name === 'string' ? nameProblem(name) : 'metadata.name must be a string';
    if (p !== undefined) problems.push(p);
  }
  if (namespace !== undefined && typeof namespace !== 'string') problems.push('metadata.namespace must be a string');
  if (typeof m.kind === 'string' && m.kind !== '') {
    const p = kindProblem(kindNameOf(m as KubernetesManifest));
    if (p !== undefined) problems.push(p);
  }
  return problems;
}

function kindNameOf(m: KubernetesManifest): string {
  return kubernetesKindName(m.kind, apiGroupOf(m.apiVersion));
}

/** The namespace a manifest deploys to: `namespaceOverride`, its own, or the account context's. */
function namespaceOf(acct: KubernetesAccountCache, d: DeployManifestDescription, m: KubernetesManifest): string {
  return effectiveNamespace(acct.registry.get(kindNameOf(m)), d.namespaceOverride || m.metadata?.namespace, acct);
}

function withNamespace(acct: KubernetesAccountCache, d: DeployManifestDescription, m: KubernetesManifest): KubernetesManifest {
  const namespace = namespaceOf(acct, d, m);
  m.metadata = { ...m.metadata };
  if (namespace === '') delete m.metadata.namespace;
  else m.metadata.namespace = namespace;
  return m;
}

function fullResourceName(m: KubernetesManifest): string {
  return `${kindNameOf(m)} ${m.metadata?.name ?? m.metadata?.generateName ?? ''}`;
}
