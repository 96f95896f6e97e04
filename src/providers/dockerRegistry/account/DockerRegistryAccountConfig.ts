import { z } from 'zod';
import { isRepositoryName } from '../client/names.js';

const permissions = z
  .object({ READ: z.array(z.string()).optional(), WRITE: z.array(z.string()).optional(), EXECUTE: z.array(z.string()).optional() })
  .strict();

/**
 * A number where Clouddriver's Groovy `value ?: default` makes 0 (a YAML file that spells out
 * zero, or a Halyard default) mean "the default".
 */
const withDefault = (fallback: number, max: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .default(0)
    .transform((n) => (n === 0 ? fallback : n));

/** A regular expression that compiles (an invalid one would fail every catalog read). */
const regularExpression = z
  .string()
  .min(1)
  .max(500)
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(e as Error).message}` });
    }
  });

/** Docker repository names (distribution's reference grammar, lower-case path components). */
const repositoryName = z.string().refine(isRepositoryName, 'not a Docker repository name');

/**
 * One `dockerRegistry.accounts[]` entry with Clouddriver's field names and defaults
 * (`DockerRegistryConfigurationProperties.ManagedAccount`, defaults applied in
 * `DockerRegistryNamedAccountCredentials`): cacheThreads 1, cacheIntervalSeconds 30,
 * clientTimeoutMillis 60000, paginateSize 100. `requiredGroupMembership` is the legacy form of
 * `permissions` (READ and WRITE) that other accounts accept too.
 */
export const dockerRegistryAccountSchema = z
  .object({
    name: z.string().min(1).max(253).regex(/^[^/:\s]+$/, 'may not contain "/", ":" or spaces'),
    environment: z.string().optional(),
    accountType: z.string().optional(),
    /** Registry base URL; a trailing `/` and `/v2` are removed (https:// is assumed without a scheme). */
    address: z.string().min(1).max(2048),
    username: z.string().optional(),
    /** Secret: never shown, logged or put in an error. */
    password: z.string().optional(),
    /** A file holding the password, read again whenever the password is needed anew. */
    passwordFile: z.string().min(1).optional(),
    /** A `bash -c` command printing the password (e.g. a cloud's registry login helper). */
    passwordCommand: z.string().min(1).optional(),
    /** docker-cli's `config.json`: `auths[registry].auth` (base64 `user:password`) or its username/password. */
    dockerconfigFile: z.string().min(1).optional(),
    email: z.string().optional(),
    repositories: z.array(repositoryName).default([]),
    skip: z.array(z.string()).default([]),
    /** A JSON file `{"repositories": [...]}` listing the repositories to cache instead of the catalog. */
    catalogFile: z.string().min(1).optional(),
    /** Catalog repositories are cached only when the whole name matches. */
    repositoriesRegex: regularExpression.optional(),
    trackDigests: z.boolean().default(false),
    inspectDigests: z.boolean().default(false),
    sortTagsByDate: z.boolean().default(false),
    insecureRegistry: z.boolean().default(false),
    paginateSize: withDefault(100, 10_000),
    clientTimeoutMillis: withDefault(60_000, 3_600_000),
    cacheThreads: withDefault(1, 64),
    cacheIntervalSeconds: withDefault(30, 86_400),
    permissions: permissions.default({}),
    requiredGroupMembership: z.array(z.string()).default([]),
    /** Accepted for configs written for older Clouddriver versions; no meaning here. */
    providerVersion: z.string().optional(),
  })
  .strict()
  .superRefine((a, ctx) => {
    const secrets = [a.password, a.passwordFile, a.passwordCommand, a.dockerconfigFile].filter((v) => v !== undefined).length;
    if (secrets > 1) ctx.addIssue({ code: 'custom', path: ['password'], message: 'at most one of password, passwordFile, passwordCommand and dockerconfigFile may be given' });
    if (a.repositories.length > 0 && a.catalogFile !== undefined) ctx.addIssue({ code: 'custom', path: ['catalogFile'], message: 'repositories and catalogFile may not be specified together' });
    if (a.repositoriesRegex !== undefined && (a.repositories.length > 0 || a.catalogFile !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['repositoriesRegex'], message: 'repositoriesRegex may not be specified together with repositories or catalogFile' });
    }
    if (addressProblem(a.address) !== undefined) ctx.addIssue({ code: 'custom', path: ['address'], message: addressProblem(a.address) ?? '' });
  });

export type DockerRegistryAccountConfig = z.infer<typeof dockerRegistryAccountSchema>;

/**
 * The account's registry base URL as `DockerRegistryNamedAccountCredentials` normalizes it: one
 * trailing `/` and then a trailing `/v2` removed. A bare host gets `https://`.
 */
export function normalizeAddress(address: string): string {
  let a = address.trim();
  if (a.endsWith('/')) a = a.slice(0, -1);
  if (a.endsWith('/v2')) a = a.slice(0, -3);
  return /^https?:\/\//i.test(a) ? a : `https://${a}`;
}

/** Clouddriver's `registry`: the address without its scheme (the host part of image references). */
export function registryOf(address: string): string {
  const a = address.trim().replace(/\/$/, '').replace(/\/v2$/, '');
  return a.replace(/^https?:\/\//i, '');
}

function addressProblem(address: string): string | undefined {
  let url: URL;
  try {
    url = new URL(normalizeAddress(address));
  } catch {
    return 'not a URL or host name';
  }
  if (url.username !== '' || url.password !== '') return 'may not carry credentials (use username and password)';
  if (url.search !== '' || url.hash !== '') return 'may not have a query or fragment';
  return undefined;
}
