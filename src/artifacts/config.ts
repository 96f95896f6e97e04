import { z } from 'zod';

/**
 * The `artifacts` config section with Clouddriver's property names (each `*ArtifactProviderProperties`
 * and `*ArtifactAccount` class), plus Jenkins masters from the top-level `jenkins` section
 * (`JenkinsProperties`, which is where Clouddriver takes `jenkins/file` accounts from). Kebab-case
 * spellings (`git-repo`, `use-content-api`) are camelised by the config loader before this runs.
 * Unknown keys are accepted (Clouddriver ignores them too), so a `clouddriver.yml` carrying
 * settings this service does not use (gcs, oracle, ivy, ...) still loads.
 */

const name = z.string().min(1, 'name is required');
/** Clouddriver treats an empty string like an absent value (`Strings.emptyToNull`). */
const optionalText = z
  .string()
  .nullish()
  .transform((s) => (s === null || s === undefined || s === '' ? undefined : s));

/** `BasicAuth`: username + password, or a file holding `username:password`. */
const basicAuth = { username: optionalText, password: optionalText, usernamePasswordFile: optionalText };
/** `TokenAuth`: a token, or a file holding it. */
const tokenAuth = { token: optionalText, tokenFile: optionalText };

/** `HttpArtifactAccount`. */
export const httpAccountSchema = z.object({ name, ...basicAuth }).passthrough();
/**
 * Spring binds `use-content-api` to `useContentAPI`; the config loader camelises it to
 * `useContentApi`, so both spellings are read (likewise `github-api-version`).
 */
function acronymAliases(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { useContentApi, githubApiVersion, ...rest } = value as Record<string, unknown>;
  return { ...(useContentApi === undefined ? {} : { useContentAPI: useContentApi }), ...(githubApiVersion === undefined ? {} : { githubAPIVersion: githubApiVersion }), ...rest };
}

/** `GitHubArtifactAccount`. */
const githubAccountObject = z
  .object({
    name,
    ...basicAuth,
    ...tokenAuth,
    /** `githubAPIVersion`: the `v3` in `Accept: application/vnd.github.v3.raw`. */
    githubAPIVersion: optionalText.transform((v) => v ?? 'v3'),
    /** One call with the raw media type instead of reading `download_url` from the contents JSON. */
    useContentAPI: z.boolean().default(false),
  })
  .passthrough();
export const githubAccountSchema = z.preprocess(acronymAliases, githubAccountObject);
/** `GitlabArtifactAccount`. */
export const gitlabAccountSchema = z.object({ name, ...tokenAuth }).passthrough();
/** `BitbucketArtifactAccount`. */
export const bitbucketAccountSchema = z.object({ name, ...basicAuth, ...tokenAuth }).passthrough();
/** `GitRepoArtifactAccount` (an SSH key with a passphrase is not supported; see docs/artifacts.md). */
export const gitRepoAccountSchema = z
  .object({
    name,
    username: optionalText,
    password: optionalText,
    ...tokenAuth,
    sshPrivateKeyFilePath: optionalText,
    sshKnownHostsFilePath: optionalText,
    sshTrustUnknownHosts: z.boolean().default(false),
  })
  .passthrough();
/** `S3ArtifactAccount`, plus `pathStyleAccess` (Clouddriver forces path style whenever `apiEndpoint` is set). */
export const s3AccountSchema = z
  .object({
    name,
    apiEndpoint: optionalText,
    apiRegion: optionalText,
    region: optionalText,
    awsAccessKeyId: optionalText,
    awsSecretAccessKey: optionalText,
    pathStyleAccess: z.boolean().optional(),
  })
  .passthrough();
/** `HelmArtifactAccount`. */
export const helmAccountSchema = z.object({ name, ...basicAuth, repository: z.string().url('repository must be a URL') }).passthrough();
/** `MavenArtifactAccount`. */
export const mavenAccountSchema = z.object({ name, repositoryUrl: z.string().url('repositoryUrl must be a URL') }).passthrough();
/** `JenkinsProperties.Master` (becomes a `JenkinsArtifactAccount`). */
export const jenkinsMasterSchema = z
  .object({ name, address: z.string().url('address must be a URL'), username: optionalText, password: optionalText })
  .passthrough();

export type HttpAccountConfig = z.infer<typeof httpAccountSchema>;
export type GithubAccountConfig = z.infer<typeof githubAccountSchema>;
export type GitlabAccountConfig = z.infer<typeof gitlabAccountSchema>;
export type BitbucketAccountConfig = z.infer<typeof bitbucketAccountSchema>;
export type GitRepoAccountConfig = z.infer<typeof gitRepoAccountSchema>;
export type S3AccountConfig = z.infer<typeof s3AccountSchema>;
export type HelmAccountConfig = z.infer<typeof helmAccountSchema>;
export type MavenAccountConfig = z.infer<typeof mavenAccountSchema>;
export type JenkinsMasterConfig = z.infer<typeof jenkinsMasterSchema>;

/** `artifacts.<kind>`: `enabled` and `accounts[]` (`ArtifactProvider`). */
function provider<T extends z.ZodTypeAny>(account: T) {
  return z.object({ enabled: z.boolean().default(false), accounts: z.array(account).default([]) }).passthrough().default({});
}

const MiB = 1024 * 1024;

export const artifactsConfigSchema = z
  .object({
    /** Largest artifact served or read (bytes); bigger ones are refused. Not a Clouddriver setting. */
    maxBytes: z.number().int().positive().default(100 * MiB),
    /** Time limit for one download, from the request to the last byte read from the remote. Not a Clouddriver setting. */
    timeoutSeconds: z.number().positive().default(120),
    http: provider(httpAccountSchema),
    github: provider(githubAccountSchema),
    gitlab: provider(gitlabAccountSchema),
    bitbucket: provider(bitbucketAccountSchema),
    /** `artifacts.git-repo` (`GitRepoArtifactProviderProperties`); `gitExecutable` is `artifacts.git-repo.git-executable`. */
    gitRepo: z
      .object({ enabled: z.boolean().default(false), accounts: z.array(gitRepoAccountSchema).default([]), gitExecutable: z.string().min(1).default('git') })
      .passthrough()
      .default({}),
    s3: provider(s3AccountSchema),
    helm: provider(helmAccountSchema),
    maven: provider(mavenAccountSchema),
  })
  .passthrough()
  .default({});

export const jenkinsConfigSchema = z
  .object({ enabled: z.boolean().default(false), masters: z.array(jenkinsMasterSchema).default([]) })
  .passthrough()
  .default({});

export type ArtifactsConfig = z.infer<typeof artifactsConfigSchema>;
export type JenkinsConfig = z.infer<typeof jenkinsConfigSchema>;

/** Both sections, parsed; errors name the path (`artifacts.github.accounts.0.name: name is required`). */
export interface ArtifactSettings {
  readonly artifacts: ArtifactsConfig;
  readonly jenkins: JenkinsConfig;
}

export class ArtifactConfigError extends Error {}

/** Parses `config.artifacts` and `config.jenkins` from the service config tree. */
export function parseArtifactSettings(config: Readonly<Record<string, unknown>>): ArtifactSettings {
  const problems: string[] = [];
  const parse = <T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, key: string): T | undefined => {
    const result = schema.safeParse(config[key] ?? undefined);
    if (result.success) return result.data;
    for (const issue of result.error.issues) problems.push(`  - ${[key, ...issue.path].join('.')}: ${issue.message}`);
    return undefined;
  };
  const artifacts = parse(artifactsConfigSchema, 'artifacts');
  const jenkins = parse(jenkinsConfigSchema, 'jenkins');
  if (artifacts === undefined || jenkins === undefined) throw new ArtifactConfigError(`invalid configuration:\n${problems.join('\n')}`);
  return { artifacts, jenkins };
}
