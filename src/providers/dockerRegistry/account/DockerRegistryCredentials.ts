import { readFile } from 'node:fs/promises';
import { effectivePermissions, type AccountCredentials, type Permissions } from '../../../core/accounts/AccountCredentials.js';
import type { Clock } from '../../../core/Clock.js';
import { BasicCredentials, type PasswordOrigin } from '../client/BasicCredentials.js';
import { DockerRegistryClient, RegistryError } from '../client/DockerRegistryClient.js';
import { DOCKER_REGISTRY } from '../keys.js';
import { normalizeAddress, registryOf, type DockerRegistryAccountConfig } from './DockerRegistryAccountConfig.js';

/** A catalog listed by one agent shard is reused by the others for this long. */
const CATALOG_REUSE_MS = 10_000;
const MAX_CATALOG_FILE_BYTES = 16 * 1024 * 1024;

/**
 * A Docker registry account (`DockerRegistryNamedAccountCredentials`): its settings, a registry
 * client, and where its repository list comes from. The password and the username stay private;
 * `describe()` gives the fields Clouddriver's `/credentials` shows for such an account.
 */
export class DockerRegistryCredentials implements AccountCredentials {
  readonly cloudProvider = DOCKER_REGISTRY;
  readonly name: string;
  readonly environment: string;
  readonly accountType: string;
  readonly permissions: Permissions;
  readonly requiredGroupMembership: readonly string[];
  /** Base URL, normalized (`address` of Clouddriver). */
  readonly address: string;
  /** The address without its scheme: the host part of image references (`registry`). */
  readonly registry: string;
  readonly client: DockerRegistryClient;
  private catalogMemo: { readonly at: number; readonly list: Promise<string[]> } | undefined;

  constructor(
    readonly config: DockerRegistryAccountConfig,
    private readonly clock: Clock,
  ) {
    this.name = config.name;
    this.environment = config.environment ?? config.name;
    this.accountType = config.accountType ?? config.name;
    this.requiredGroupMembership = config.requiredGroupMembership;
    this.permissions = effectivePermissions(config.permissions, config.requiredGroupMembership);
    this.address = normalizeAddress(config.address);
    this.registry = registryOf(config.address);
    const basic = new BasicCredentials(config.username, passwordOrigin(config, this.registry), clock, config.clientTimeoutMillis);
    this.client = new DockerRegistryClient({
      address: this.address,
      credentials: basic,
      timeoutMs: config.clientTimeoutMillis,
      paginateSize: config.paginateSize,
      insecure: config.insecureRegistry,
      clock,
    });
  }

  /**
   * The expanded `/credentials` fields: the properties of `DockerRegistryNamedAccountCredentials`
   * that Jackson serializes (username, password and the client are `@JsonIgnore`). Igor reads
   * `trackDigests` from here. `passwordCommand` is left out: a command line can embed a secret.
   */
  describe(): Record<string, unknown> {
    const c = this.config;
    return {
      address: this.address,
      registry: this.registry,
      v2Endpoint: `${this.address}/v2`,
      email: c.email ?? null,
      passwordFile: c.passwordFile ?? null,
      trackDigests: c.trackDigests,
      inspectDigests: c.inspectDigests,
      sortTagsByDate: c.sortTagsByDate,
      cacheThreads: c.cacheThreads,
      cacheIntervalSeconds: c.cacheIntervalSeconds,
      clientTimeoutMillis: c.clientTimeoutMillis,
      paginateSize: c.paginateSize,
      insecureRegistry: c.insecureRegistry,
      skip: [...c.skip],
      catalogFile: c.catalogFile ?? null,
      repositoriesRegex: c.repositoriesRegex ?? null,
    };
  }

  /**
   * The repositories to cache (`DockerRegistryCredentials.getRepositories`): the configured list,
   * else the `catalogFile`, else the registry catalog filtered by `repositoriesRegex` (the whole
   * name must match). Shards of one account asking within 10 s share one catalog listing; it
   * is not tied to one shard's run (a shard's timeout must not fail the others), each of its
   * requests being bounded by `clientTimeoutMillis`.
   */
  repositories(): Promise<string[]> {
    const c = this.config;
    if (c.repositories.length > 0) return Promise.resolve([...c.repositories]);
    if (c.catalogFile !== undefined) return readCatalogFile(c.catalogFile);
    const now = this.clock.now();
    if (this.catalogMemo === undefined || now - this.catalogMemo.at >= CATALOG_REUSE_MS) {
      const regex = c.repositoriesRegex === undefined ? undefined : new RegExp(`^(?:${c.repositoriesRegex})$`);
      const list = this.client.catalog().then((all) => (regex === undefined ? all : all.filter((r) => regex.test(r))));
      this.catalogMemo = { at: now, list };
      list.catch(() => {
        if (this.catalogMemo?.list === list) this.catalogMemo = undefined;
      });
    }
    return this.catalogMemo.list;
  }

  async close(): Promise<void> {
    this.client.close();
  }
}

function passwordOrigin(c: DockerRegistryAccountConfig, registry: string): PasswordOrigin {
  if (c.password !== undefined) return { kind: 'password', password: c.password };
  if (c.passwordFile !== undefined) return { kind: 'file', path: c.passwordFile };
  if (c.passwordCommand !== undefined) return { kind: 'command', command: c.passwordCommand };
  if (c.dockerconfigFile !== undefined) return { kind: 'dockerconfig', path: c.dockerconfigFile, registry };
  return { kind: 'none' };
}

/** `catalogFile`: JSON `{"repositories": ["a", "b/c"]}` (Clouddriver's `DockerRegistryCatalog`), read each cycle. */
async function readCatalogFile(path: string): Promise<string[]> {
  let text: string;
  try {
    const buf = await readFile(path);
    if (buf.length > MAX_CATALOG_FILE_BYTES) throw new RegistryError(0, `catalogFile ${path} is larger than ${MAX_CATALOG_FILE_BYTES} bytes`);
    text = buf.toString('utf8');
  } catch (e) {
    if (e instanceof RegistryError) throw e;
    throw new RegistryError(0, `catalogFile ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RegistryError(0, `catalogFile ${path} is not JSON`);
  }
  const repositories = (json as { repositories?: unknown } | null)?.repositories;
  if (!Array.isArray(repositories)) throw new RegistryError(0, `catalogFile ${path} has no "repositories" list`);
  return repositories.filter((r): r is string => typeof r === 'string');
}
