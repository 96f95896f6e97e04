import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerArtifactRoutes } from '../../src/api/routes/artifactRoutes.js';
import { createServer } from '../../src/api/server.js';
import type { Deadline } from '../../src/artifacts/ArtifactRegistry.js';
import { createArtifactRegistry } from '../../src/artifacts/createArtifactRegistry.js';
import { Metrics } from '../../src/observability/Metrics.js';
import { S3_KEYS, SECRETS, sha256, startArtifactOrigin, startGitServer, startS3Server, type ArtifactOrigin, type GitServer, type S3Server } from '../helpers/artifactServers.js';

/**
 * `PUT /artifacts/fetch` and the names/versions routes against real servers on loopback: every
 * artifact type round-trips bytes exactly, and its failures (missing object, refused credentials,
 * time limit, size limit) answer with the right status and a message naming the account, never
 * a credential (in responses or log lines).
 */

const MAX = 256 * 1024;
const binary = randomBytes(100_000);
const manifestYaml = Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-artifact\ndata:\n  k: v\n');

let origin: ArtifactOrigin;
/** Another origin (another port): chart URLs pointing there must not get the helm account's credentials. */
let mirror: ArtifactOrigin;
let gitServer: GitServer;
let s3: S3Server;
let server: FastifyInstance;
let streaming: FastifyInstance;
let workdir: string;
const logLines: string[] = [];
const responses: string[] = [];
const deadlines: AbortController[] = [];
const commits: Record<string, string> = {};

/** A time limit the test fires by hand (the registry asks for one per download). */
const manualDeadline = (): Deadline => {
  const c = new AbortController();
  deadlines.push(c);
  return { signal: c.signal, cancel: () => undefined };
};

function accountsConfig(): Record<string, unknown> {
  const tokenFile = join(workdir, 'github-token');
  const passwordFile = join(workdir, 'http-user-password');
  writeFileSync(tokenFile, `${SECRETS.githubToken}\n`);
  writeFileSync(passwordFile, `${SECRETS.user}:${SECRETS.password}\n`);
  const userPass = { username: SECRETS.user, password: SECRETS.password };
  return {
    artifacts: {
      maxBytes: MAX,
      timeoutSeconds: 30,
      http: { enabled: true, accounts: [{ name: 'http', ...userPass }, { name: 'http-file', usernamePasswordFile: passwordFile }, { name: 'http-wrong', username: SECRETS.user, password: 'wrong-password-1' }] },
      github: {
        enabled: true,
        accounts: [
          { name: 'github', token: SECRETS.githubToken },
          { name: 'github-raw', tokenFile, useContentAPI: true },
          { name: 'github-wrong', token: 'wrong-token-2' },
        ],
      },
      gitlab: { enabled: true, accounts: [{ name: 'gitlab', token: SECRETS.gitlabToken }, { name: 'gitlab-wrong', token: 'wrong-token-3' }] },
      bitbucket: { enabled: true, accounts: [{ name: 'bitbucket', token: SECRETS.bitbucketToken }, { name: 'bitbucket-basic', ...userPass }, { name: 'bitbucket-wrong', token: 'wrong-token-4' }] },
      gitRepo: { enabled: true, accounts: [{ name: 'git', username: SECRETS.user, password: SECRETS.gitPassword }, { name: 'git-wrong', username: SECRETS.user, password: 'wrong-password-5' }] },
      s3: {
        enabled: true,
        accounts: [
          { name: 's3', apiEndpoint: s3.endpoint, apiRegion: 'us-east-1', awsAccessKeyId: S3_KEYS.accessKeyId, awsSecretAccessKey: S3_KEYS.secretAccessKey },
          { name: 's3-wrong', apiEndpoint: s3.endpoint, apiRegion: 'us-east-1', awsAccessKeyId: 'WRONGKEYID', awsSecretAccessKey: 'wrong-secret-6' },
          { name: 's3-stalled', apiEndpoint: `${origin.url}/hang`, apiRegion: 'us-east-1', awsAccessKeyId: S3_KEYS.accessKeyId, awsSecretAccessKey: S3_KEYS.secretAccessKey },
        ],
      },
      helm: { enabled: true, accounts: [{ name: 'helm', repository: `${origin.url}/helm`, ...userPass }, { name: 'helm-wrong', repository: `${origin.url}/helm`, username: SECRETS.user, password: 'wrong-password-7' }] },
      maven: { enabled: true, accounts: [{ name: 'maven', repositoryUrl: `${origin.url}/maven` }] },
    },
    jenkins: { enabled: true, masters: [{ name: 'jenkins', address: `${origin.url}/jenkins`, ...userPass }, { name: 'jenkins-wrong', address: `${origin.url}/jenkins`, username: SECRETS.user, password: 'wrong-password-8' }] },
  };
}

async function serve(primeBytes?: number): Promise<FastifyInstance> {
  const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
  const app = createServer({ logger, metrics: new Metrics(), bodyLimitBytes: 1024 * 1024 });
  const artifacts = createArtifactRegistry(accountsConfig(), { logger, kubernetesEnabled: true, deadline: manualDeadline });
  registerArtifactRoutes(app, { artifacts, ...(primeBytes === undefined ? {} : { primeBytes }) });
  await app.ready();
  return app;
}

interface Fetched {
  status: number;
  bytes: Buffer;
  message: string;
}

async function fetchArtifact(artifact: Record<string, unknown>, app = server): Promise<Fetched> {
  const res = await app.inject({ method: 'PUT', url: '/artifacts/fetch', payload: artifact });
  responses.push(res.body);
  const message = res.statusCode >= 400 ? String((JSON.parse(res.body) as { message?: unknown }).message) : '';
  return { status: res.statusCode, bytes: res.rawPayload, message };
}

async function get<T>(url: string): Promise<{ status: number; body: T }> {
  const res = await server.inject({ method: 'GET', url });
  responses.push(res.body);
  return { status: res.statusCode, body: JSON.parse(res.body) as T };
}

/** Starts a download that the origin holds, fires its time limit, and returns the answer. */
async function timedOut(artifact: Record<string, unknown>): Promise<Fetched> {
  const before = deadlines.length;
  const held = origin.held() + 1;
  const pending = fetchArtifact(artifact);
  await origin.hung(held);
  expect(deadlines.length).toBe(before + 1);
  deadlines.at(-1)?.abort();
  return pending;
}

function expectOk(r: Fetched, expected: Buffer): void {
  expect(r.status, r.message).toBe(200);
  expect(sha256(r.bytes)).toBe(sha256(expected));
}

beforeAll(async () => {
  workdir = mkdtempSync(join(tmpdir(), 'artifact-test-'));
  [origin, mirror, gitServer, s3] = await Promise.all([startArtifactOrigin(), startArtifactOrigin(), startGitServer(), startS3Server(['deploy'])]);

  origin.repo.set('master', new Map([['deploy/app.yml', manifestYaml], ['bin/blob', binary]]));
  origin.repo.set('v2', new Map([['deploy/app.yml', Buffer.from('version: two\n')], ['bin/blob', binary]]));
  origin.files.set('/files/blob', binary);
  origin.files.set('/files/big', randomBytes(MAX + 1));
  origin.files.set('/jenkins/job/build-app/42/artifact/target/app.bin', binary);

  const jar = (v: string) => Buffer.from(`jar ${v} `.repeat(50));
  const mavenVersions = ['1.0.0', '1.1.0', '1.2.0', '1.10.0', '2.0.0-alpha1', '2.0.0'];
  for (const v of mavenVersions) origin.files.set(`/maven/com/example/app/${v}/app-${v}.jar`, jar(v));
  origin.files.set(`/maven/com/example/app/2.0.0/app-2.0.0-sources.jar`, jar('2.0.0-sources'));
  origin.files.set(
    '/maven/com/example/app/maven-metadata.xml',
    Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<metadata>
  <groupId>com.example</groupId>
  <artifactId>app</artifactId>
  <versioning>
    <latest>2.1.0-SNAPSHOT</latest>
    <release>2.0.0</release>
    <versions>
${mavenVersions.map((v) => `      <version>${v}</version>`).join('\n')}
      <version>2.1.0-SNAPSHOT</version>
    </versions>
    <lastUpdated>20240102030405</lastUpdated>
  </versioning>
</metadata>
`),
  );
  origin.files.set(
    '/maven/com/example/app/2.1.0-SNAPSHOT/maven-metadata.xml',
    Buffer.from(`<metadata modelVersion="1.1.0">
  <groupId>com.example</groupId><artifactId>app</artifactId><version>2.1.0-SNAPSHOT</version>
  <versioning>
    <snapshot><timestamp>20240102.030405</timestamp><buildNumber>7</buildNumber></snapshot>
    <snapshotVersions>
      <snapshotVersion><extension>pom</extension><value>2.1.0-20240102.030405-7</value></snapshotVersion>
      <snapshotVersion><extension>jar</extension><value>2.1.0-20240102.030405-7</value></snapshotVersion>
    </snapshotVersions>
  </versioning>
</metadata>
`),
  );
  origin.files.set('/maven/com/example/app/2.1.0-SNAPSHOT/app-2.1.0-20240102.030405-7.jar', jar('2.1.0-snapshot-7'));

  const chart = (v: string) => Buffer.concat([Buffer.from(`chart ${v}`), binary.subarray(0, 1000)]);
  for (const v of ['1.0.0', '1.9.0', '1.10.0']) origin.files.set(`/helm/charts/app-${v}.tgz`, chart(v));
  mirror.files.set('/public/mirrored-2.0.0.tgz', chart('mirrored'));
  origin.files.set(
    '/helm/index.yaml',
    Buffer.from(`apiVersion: v1
entries:
  app:
  - name: app
    version: 1.9.0
    urls: [charts/app-1.9.0.tgz]
  - name: app
    version: 1.10.0
    urls:
    - ${origin.url}/public/gone/app-1.10.0.tgz
    - charts/app-1.10.0.tgz
  - name: app
    version: 1.0.0
    urls: [${origin.url}/helm/charts/app-1.0.0.tgz]
  mirrored:
  - name: mirrored
    version: 2.0.0
    urls: [${mirror.url}/public/mirrored-2.0.0.tgz]
  other:
  - name: other
    version: 0.1.0
    urls: [charts/other-0.1.0.tgz]
  - name: other
    version: 1.10
    urls: [charts/other-0.1.0.tgz]
generated: "2024-01-02T03:04:05Z"
`),
  );

  commits.first = gitServer.commit('master', { 'README.md': Buffer.from('# app\n'), 'deploy/app.yml': manifestYaml, 'deploy/bin/blob': binary }, 'first');
  gitServer.git('tag', 'v1.0');
  commits.second = gitServer.commit('master', { 'deploy/app.yml': Buffer.from('version: two\n') }, 'second');
  commits.feature = gitServer.commit('feature', { 'feature.txt': Buffer.from('feature branch\n') }, 'feature');
  gitServer.git('checkout', '--quiet', 'master');

  await s3.put('deploy', 'manifests/app.yml', manifestYaml);
  await s3.put('deploy', 'bin/blob', binary);
  await s3.put('deploy', 'bin/big', randomBytes(MAX + 10));

  server = await serve();
  streaming = await serve(1024);
}, 60_000);

afterAll(async () => {
  await server?.close();
  await streaming?.close();
  await Promise.all([origin?.close(), mirror?.close(), gitServer?.close(), s3?.close()]);
  rmSync(workdir, { recursive: true, force: true });
});

describe('GET /artifacts/credentials', () => {
  it('lists the built-in accounts first, then every configured account with its types', async () => {
    const { body } = await get<{ name: string; types: string[]; type: string }[]>('/artifacts/credentials');
    expect(body.slice(0, 4).map((a) => a.name)).toEqual(['embedded-artifact', 'custom-artifact', 'docker-registry', 'kubernetes']);
    const byName = new Map(body.map((a) => [a.name, a]));
    expect(byName.get('github')).toEqual({ name: 'github', types: ['github/file'], type: 'artifacts-github' });
    expect(byName.get('git')).toEqual({ name: 'git', types: ['git/repo'], type: 'git/repo' });
    expect(byName.get('helm')).toEqual({ name: 'helm', types: ['helm/chart', 'helm/index'], type: 'artifacts-helm' });
    expect(byName.get('s3')?.types).toEqual(['s3/object']);
    expect(byName.get('maven')?.types).toEqual(['maven/file']);
    expect(byName.get('jenkins')).toEqual({ name: 'jenkins', types: ['jenkins/file'], type: 'artifacts-jenkins' });
    // An account that uses auth exists, so Clouddriver's no-auth-http-account is not added.
    expect(byName.has('no-auth-http-account')).toBe(false);
  });
});

describe('PUT /artifacts/fetch: choosing the account', () => {
  it('refuses an artifact without an account (400) and an account that does not handle the type (404)', async () => {
    expect(await fetchArtifact({ type: 'http/file', reference: `${origin.url}/files/blob` })).toMatchObject({ status: 400, message: expect.stringContaining('An artifact account must be supplied') });
    expect(await fetchArtifact({ type: 'github/file', artifactAccount: 'http', reference: 'x' })).toMatchObject({ status: 404, message: "Credentials 'http' supporting artifact type 'github/file' cannot be found" });
    expect(await fetchArtifact({ type: 'http/file', artifactAccount: 'nobody', reference: 'x' })).toMatchObject({ status: 404, message: "Credentials 'nobody' supporting artifact type 'http/file' cannot be found" });
    expect(await fetchArtifact({ artifactAccount: 'http', reference: 'x' })).toMatchObject({ status: 400, message: expect.stringContaining('artifact type must be supplied') });
    const notAnArtifact = await server.inject({ method: 'PUT', url: '/artifacts/fetch', payload: [1, 2] });
    expect(notAnArtifact.statusCode).toBe(400);
  });

  it('answers 400 for types that are passed on to clouds rather than downloaded', async () => {
    expect(await fetchArtifact({ type: 'docker/image', artifactAccount: 'docker-registry', reference: 'nginx:1' })).toMatchObject({ status: 400, message: expect.stringContaining('passed on to cloud platforms') });
  });
});

describe('embedded/base64 and remote/base64', () => {
  it('decode the reference exactly', async () => {
    expectOk(await fetchArtifact({ type: 'embedded/base64', artifactAccount: 'embedded-artifact', reference: binary.toString('base64') }), binary);
    expectOk(await fetchArtifact({ type: 'remote/base64', artifactAccount: 'embedded-artifact', reference: manifestYaml.toString('base64') }), manifestYaml);
    expectOk(await fetchArtifact({ type: 'embedded/base64', artifactAccount: 'embedded-artifact', reference: '' }), Buffer.alloc(0));
    expect(await fetchArtifact({ type: 'embedded/base64', artifactAccount: 'embedded-artifact', reference: 'not base64!' })).toMatchObject({ status: 400 });
  });
});

describe('http/file', () => {
  it('downloads with basic auth (inline or from a usernamePasswordFile), and streams past the first bytes', async () => {
    expectOk(await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/files/blob` }), binary);
    expectOk(await fetchArtifact({ type: 'http/file', artifactAccount: 'http-file', reference: `${origin.url}/files/blob` }), binary);
    expectOk(await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/files/blob` }, streaming), binary);
  });

  it('answers 404 for a missing file and 502 naming the account when the credentials are refused', async () => {
    const missing = await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/files/nope?token=abc` });
    expect(missing).toMatchObject({ status: 404, message: expect.stringContaining('/files/nope') });
    expect(missing.message).not.toContain('token=abc');
    const refused = await fetchArtifact({ type: 'http/file', artifactAccount: 'http-wrong', reference: `${origin.url}/files/blob` });
    expect(refused).toMatchObject({ status: 502, message: expect.stringMatching(/'http-wrong'.*HTTP 401/) });
  });

  it('answers 504 when the server does not answer within the time limit', async () => {
    const r = await timedOut({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/hang/file` });
    expect(r).toMatchObject({ status: 504, message: expect.stringMatching(/'http'.*timed out/) });
  });

  it('refuses an artifact over the size limit, announced or not (400)', async () => {
    const announced = await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/files/big` });
    expect(announced).toMatchObject({ status: 400, message: expect.stringContaining(`more than the limit of ${MAX} bytes`) });
    const chunked = await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/stream/${MAX + 50_000}` });
    expect(chunked).toMatchObject({ status: 400, message: expect.stringContaining(`more than the limit of ${MAX} bytes`) });
    const atLimit = await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/stream/${MAX}` });
    expect(atLimit.status).toBe(200);
    expect(atLimit.bytes.length).toBe(MAX);
  });

  it('cuts the stream when an artifact of unannounced size passes the limit after the answer started', async () => {
    // The server that starts answering after 1 KiB: the client sees the response destroyed, never a complete answer.
    const answer = streaming.inject({ method: 'PUT', url: '/artifacts/fetch', payload: { type: 'http/file', artifactAccount: 'http', reference: `${origin.url}/stream/${MAX + 50_000}` } });
    await expect(answer).rejects.toThrow('response destroyed before completion');
  });

  it('refuses references that carry credentials or are not http(s), without echoing them', async () => {
    const r = await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: `http://user:inline-secret-9@127.0.0.1:1/x` });
    expect(r).toMatchObject({ status: 400 });
    expect(r.message).not.toContain('inline-secret-9');
    expect(await fetchArtifact({ type: 'http/file', artifactAccount: 'http', reference: 'file:///etc/passwd' })).toMatchObject({ status: 400 });
  });
});

describe('github/file', () => {
  const ref = (path: string, prefix = '') => `${origin.url}${prefix}/repos/acme/app/contents/${path}`;

  it('reads download_url from the contents API, ref from the version (master when blank)', async () => {
    expectOk(await fetchArtifact({ type: 'github/file', artifactAccount: 'github', reference: ref('bin/blob') }), binary);
    expectOk(await fetchArtifact({ type: 'github/file', artifactAccount: 'github', reference: ref('deploy/app.yml'), version: 'v2' }), Buffer.from('version: two\n'));
    const metadataCall = origin.requests.findLast((r) => r.url.startsWith('/repos/acme/app/contents/deploy/app.yml'));
    expect(metadataCall?.url).toContain('ref=v2');
    expect(metadataCall?.headers.authorization).toBe(`token ${SECRETS.githubToken}`);
  });

  it('asks for the raw media type with useContentAPI (token from a tokenFile), and serves GitHub Enterprise URLs', async () => {
    expectOk(await fetchArtifact({ type: 'github/file', artifactAccount: 'github-raw', reference: ref('bin/blob', '/api/v3') }), binary);
    const call = origin.requests.findLast((r) => r.url.startsWith('/api/v3/repos/'));
    expect(call?.headers.accept).toBe('application/vnd.github.v3.raw');
    expect(call?.url).toContain('ref=master');
  });

  it('answers 404 for a missing path, 502 for a refused token, 504 after the time limit', async () => {
    expect(await fetchArtifact({ type: 'github/file', artifactAccount: 'github', reference: ref('nope.yml') })).toMatchObject({ status: 404, message: expect.stringContaining('nope.yml') });
    expect(await fetchArtifact({ type: 'github/file', artifactAccount: 'github-wrong', reference: ref('bin/blob') })).toMatchObject({ status: 502, message: expect.stringMatching(/'github-wrong'.*HTTP 401/) });
    expect(await timedOut({ type: 'github/file', artifactAccount: 'github', reference: `${origin.url}/hang/repos/acme/app/contents/x` })).toMatchObject({ status: 504 });
  });
});

describe('gitlab/file', () => {
  const ref = (path: string) => `${origin.url}/api/v4/projects/42/repository/files/${encodeURIComponent(path)}/raw`;

  it('sends Private-Token and ref from the version', async () => {
    expectOk(await fetchArtifact({ type: 'gitlab/file', artifactAccount: 'gitlab', reference: ref('bin/blob') }), binary);
    expectOk(await fetchArtifact({ type: 'gitlab/file', artifactAccount: 'gitlab', reference: ref('deploy/app.yml'), version: 'v2' }), Buffer.from('version: two\n'));
  });

  it('answers 404 and 502 for a missing file and a refused token', async () => {
    expect(await fetchArtifact({ type: 'gitlab/file', artifactAccount: 'gitlab', reference: ref('nope') })).toMatchObject({ status: 404 });
    expect(await fetchArtifact({ type: 'gitlab/file', artifactAccount: 'gitlab-wrong', reference: ref('bin/blob') })).toMatchObject({ status: 502, message: expect.stringContaining("'gitlab-wrong'") });
  });
});

describe('bitbucket/file', () => {
  const ref = (path: string) => `${origin.url}/rest/api/1.0/projects/ACME/repos/app/raw/${path}?at=master`;

  it('authenticates with a bearer token or basic auth', async () => {
    expectOk(await fetchArtifact({ type: 'bitbucket/file', artifactAccount: 'bitbucket', reference: ref('bin/blob') }), binary);
    expectOk(await fetchArtifact({ type: 'bitbucket/file', artifactAccount: 'bitbucket-basic', reference: ref('bin/blob') }), binary);
  });

  it('answers 404 and 502 for a missing file and a refused token', async () => {
    expect(await fetchArtifact({ type: 'bitbucket/file', artifactAccount: 'bitbucket', reference: ref('nope') })).toMatchObject({ status: 404 });
    expect(await fetchArtifact({ type: 'bitbucket/file', artifactAccount: 'bitbucket-wrong', reference: ref('bin/blob') })).toMatchObject({ status: 502 });
  });
});

describe('jenkins/file', () => {
  it('reads {address}/job/{name}/{version}/artifact/{reference} with the master credentials', async () => {
    expectOk(await fetchArtifact({ type: 'jenkins/file', artifactAccount: 'jenkins', name: 'build-app', version: '42', reference: 'target/app.bin' }), binary);
  });

  it('answers 404 for another build, 502 for refused credentials, 400 without a build number', async () => {
    expect(await fetchArtifact({ type: 'jenkins/file', artifactAccount: 'jenkins', name: 'build-app', version: '43', reference: 'target/app.bin' })).toMatchObject({ status: 404 });
    expect(await fetchArtifact({ type: 'jenkins/file', artifactAccount: 'jenkins-wrong', name: 'build-app', version: '42', reference: 'target/app.bin' })).toMatchObject({ status: 502, message: expect.stringContaining("'jenkins-wrong'") });
    expect(await fetchArtifact({ type: 'jenkins/file', artifactAccount: 'jenkins', name: 'build-app', reference: 'target/app.bin' })).toMatchObject({ status: 400 });
  });
});

describe('maven/file', () => {
  const jar = (v: string) => Buffer.from(`jar ${v} `.repeat(50));
  const maven = (reference: string) => fetchArtifact({ type: 'maven/file', artifactAccount: 'maven', reference });

  it('resolves exact versions, ranges, RELEASE, LATEST and snapshots from maven-metadata.xml', async () => {
    expectOk(await maven('com.example:app:1.1.0'), jar('1.1.0'));
    // Maven orders a pre-release before its release, so 2.0.0-alpha1 is inside [1.0,2.0).
    expectOk(await maven('com.example:app:[1.0,2.0)'), jar('2.0.0-alpha1'));
    expectOk(await maven('com.example:app:[1.0,1.99]'), jar('1.10.0'));
    expectOk(await maven('com.example:app:(,1.2.0]'), jar('1.2.0'));
    expectOk(await maven('com.example:app:[1.1.0]'), jar('1.1.0'));
    expectOk(await maven('com.example:app:RELEASE'), jar('2.0.0'));
    expectOk(await maven('com.example:app:latest.release'), jar('2.0.0'));
    expectOk(await maven('com.example:app:LATEST'), jar('2.1.0-snapshot-7'));
    expectOk(await maven('com.example:app:2.1.0-SNAPSHOT'), jar('2.1.0-snapshot-7'));
    expectOk(await maven('com.example:app:jar:sources:2.0.0'), jar('2.0.0-sources'));
  });

  it('answers 404 when no version matches, 400 for bad coordinates or ranges', async () => {
    expect(await maven('com.example:app:[3.0,)')).toMatchObject({ status: 404, message: expect.stringContaining("No versions matching constraint '[3.0,)'") });
    expect(await maven('com.example:app:9.9.9')).toMatchObject({ status: 404 });
    expect(await maven('com.example:missing:1.0')).toMatchObject({ status: 404 });
    expect(await maven('not-coordinates')).toMatchObject({ status: 400 });
    expect(await maven('com.example:app:[1.0')).toMatchObject({ status: 400 });
  });
});

describe('helm/chart and helm/index', () => {
  const chart = (v: string) => Buffer.concat([Buffer.from(`chart ${v}`), binary.subarray(0, 1000)]);

  it('serves index.yaml exactly, a chart at a version, and the latest (trying each URL) when blank', async () => {
    expectOk(await fetchArtifact({ type: 'helm/index', artifactAccount: 'helm' }), origin.files.get('/helm/index.yaml') ?? Buffer.alloc(0));
    expectOk(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'app', version: '1.9.0' }), chart('1.9.0'));
    expectOk(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'app', version: '1.0.0' }), chart('1.0.0'));
    expectOk(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'app', version: '' }), chart('1.10.0'));
    // The first URL listed for 1.10.0 is gone (404); the chart came from the second.
    const tried = origin.requests.map((r) => r.url).filter((u) => u.includes('app-1.10.0.tgz'));
    expect(tried.slice(-2)).toEqual(['/public/gone/app-1.10.0.tgz', '/helm/charts/app-1.10.0.tgz']);
    expect(origin.requests.findLast((r) => r.url === '/helm/charts/app-1.10.0.tgz')?.headers.authorization).toBeDefined();
  });

  it('sends the basic auth only to the repository origin, not to chart URLs elsewhere', async () => {
    expectOk(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'mirrored' }), Buffer.concat([Buffer.from('chart mirrored'), binary.subarray(0, 1000)]));
    expect(mirror.requests.map((r) => r.url)).toEqual(['/public/mirrored-2.0.0.tgz']);
    expect(mirror.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('lists chart names and versions', async () => {
    expect(await get('/artifacts/account/helm/names?type=helm/chart')).toEqual({ status: 200, body: ['app', 'mirrored', 'other'] });
    // An unquoted `version: 1.10` is the version "1.10", not the number 1.1.
    expect(await get('/artifacts/account/helm/versions?type=helm/chart&artifactName=other')).toEqual({ status: 200, body: ['0.1.0', '1.10'] });
    expect(await get('/artifacts/account/helm/versions?type=helm/chart&artifactName=app')).toEqual({ status: 200, body: ['1.9.0', '1.10.0', '1.0.0'] });
    expect((await get('/artifacts/account/helm/versions?type=helm/chart')).status).toBe(400);
    expect((await get('/artifacts/account/helm/names')).status).toBe(400);
    expect((await get('/artifacts/account/helm/names?type=artifacts-helm')).status).toBe(404);
    expect(await get('/artifacts/account/github/names?type=github/file')).toMatchObject({ status: 400, body: { message: expect.stringContaining('not supported') } });
  });

  it('answers 404 for an unknown chart or version, 502 for refused credentials', async () => {
    expect(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'nope', version: '1.0.0' })).toMatchObject({ status: 404, message: expect.stringContaining('artifact name nope') });
    expect(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm', name: 'app', version: '7.7.7' })).toMatchObject({ status: 404, message: expect.stringContaining('artifact version 7.7.7') });
    expect(await fetchArtifact({ type: 'helm/chart', artifactAccount: 'helm-wrong', name: 'app', version: '1.0.0' })).toMatchObject({ status: 502, message: expect.stringContaining("'helm-wrong'") });
    expect((await get('/artifacts/account/helm-wrong/names?type=helm/chart')).status).toBe(502);
  });
});

describe('s3/object', () => {
  it('reads s3://bucket/key from an S3-compatible endpoint (path style)', async () => {
    expectOk(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 's3://deploy/bin/blob' }), binary);
    expectOk(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 'deploy/manifests/app.yml' }), manifestYaml);
  });

  it('answers 404 for a missing key or bucket, 502 for refused keys, 400 over the size limit or for a bad reference', async () => {
    expect(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 's3://deploy/nope' })).toMatchObject({ status: 404, message: expect.stringContaining('s3://deploy/nope not found') });
    expect(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 's3://no-bucket/x' })).toMatchObject({ status: 404 });
    expect(await fetchArtifact({ type: 's3/object', artifactAccount: 's3-wrong', reference: 's3://deploy/bin/blob' })).toMatchObject({ status: 502, message: expect.stringMatching(/'s3-wrong'.*InvalidAccessKeyId.*403/) });
    expect(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 's3://deploy/bin/big' })).toMatchObject({ status: 400, message: expect.stringContaining('more than the limit') });
    expect(await fetchArtifact({ type: 's3/object', artifactAccount: 's3', reference: 's3://just-a-bucket' })).toMatchObject({ status: 400 });
  });

  it('answers 504 when the endpoint does not answer within the time limit', async () => {
    expect(await timedOut({ type: 's3/object', artifactAccount: 's3-stalled', reference: 's3://deploy/bin/blob' })).toMatchObject({ status: 504, message: expect.stringContaining("'s3-stalled' timed out") });
  });
});

describe('git/repo', () => {
  /** What `git archive` makes of the same commit and path: the download must be byte-identical. */
  const archive = (treeish: string, ...paths: string[]) => execFileSync('git', ['archive', '--format=tar.gz', treeish, ...paths], { cwd: gitServer.workdir });
  const repo = (extra: Record<string, unknown> = {}) => fetchArtifact({ type: 'git/repo', artifactAccount: 'git', reference: gitServer.repoUrl, ...extra });

  it('answers a .tgz of the branch (master when blank), a tag, a full or short SHA, limited to a subPath', async () => {
    expectOk(await repo(), archive(commits.second ?? ''));
    expectOk(await repo({ version: 'feature' }), archive(commits.feature ?? ''));
    expectOk(await repo({ version: 'v1.0' }), archive(commits.first ?? ''));
    expectOk(await repo({ version: commits.first }), archive(commits.first ?? ''));
    expectOk(await repo({ version: commits.first?.slice(0, 10) }), archive(commits.first ?? ''));
    const sub = await repo({ version: 'v1.0', location: 'deploy' });
    expectOk(sub, archive(commits.first ?? '', 'deploy'));
    expectOk(await repo({ version: 'v1.0', metadata: { subPath: 'deploy' } }), archive(commits.first ?? '', 'deploy'));

    const out = mkdtempSync(join(workdir, 'untar-'));
    writeFileSync(join(out, 'a.tgz'), sub.bytes);
    execFileSync('tar', ['-xzf', 'a.tgz'], { cwd: out });
    expect(sha256(readFileSync(join(out, 'deploy/bin/blob')))).toBe(sha256(binary));
    expect(readFileSync(join(out, 'deploy/app.yml'))).toEqual(manifestYaml);
  });

  it('answers 404 for an unknown branch, SHA or path, 504 after the time limit, 502 naming the account for refused credentials', async () => {
    expect(await repo({ version: 'no-such-branch' })).toMatchObject({ status: 404 });
    expect(await repo({ version: 'abcdef1234567' })).toMatchObject({ status: 404 });
    expect(await repo({ version: 'v1.0', location: 'no/such/dir' })).toMatchObject({ status: 404 });
    expect(await fetchArtifact({ type: 'git/repo', artifactAccount: 'git', reference: gitServer.repoUrl.replace('app.git', 'other.git') })).toMatchObject({ status: 404 });
    expect(await timedOut({ type: 'git/repo', artifactAccount: 'git', reference: `${origin.url}/hang/app.git` })).toMatchObject({ status: 504, message: expect.stringContaining("'git' timed out") });
    const refused = await fetchArtifact({ type: 'git/repo', artifactAccount: 'git-wrong', reference: gitServer.repoUrl });
    expect(refused).toMatchObject({ status: 502, message: expect.stringMatching(/'git-wrong'.*authentication failed/) });
  });

  it('refuses versions and paths that would read as options or leave the repository (400)', async () => {
    expect(await repo({ version: '--upload-pack=touch /tmp/x' })).toMatchObject({ status: 400 });
    expect(await repo({ version: 'v1.0', location: '../..' })).toMatchObject({ status: 400 });
    expect(await fetchArtifact({ type: 'git/repo', artifactAccount: 'git', reference: '--help' })).toMatchObject({ status: 400 });
  });
});

describe('secrets', () => {
  it('no credential appears in any answer or log line', () => {
    const secrets = [
      ...Object.values(SECRETS),
      ...['wrong-password-1', 'wrong-token-2', 'wrong-token-3', 'wrong-token-4', 'wrong-password-5', 'wrong-secret-6', 'wrong-password-7', 'wrong-password-8', 'inline-secret-9'],
      Buffer.from(`${SECRETS.user}:${SECRETS.password}`).toString('base64'),
      Buffer.from(`${SECRETS.user}:${SECRETS.gitPassword}`).toString('base64'),
    ];
    expect(logLines.length).toBeGreaterThan(0);
    for (const text of [...responses, ...logLines]) for (const s of secrets) expect(text).not.toContain(s);
  });
});
