import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

/**
 * Servers on loopback that play the remotes artifact accounts download from, with their real
 * URL layouts, response shapes and auth checks:
 * - GitHub contents API (`/repos/{o}/{r}/contents/{path}?ref=`, also under `/api/v3` as GitHub
 *   Enterprise serves it): JSON with `download_url`, or the raw bytes for
 *   `Accept: application/vnd.github.v3.raw`; `Authorization: token {githubToken}`.
 * - GitLab repository files API (`/api/v4/projects/{id}/repository/files/{path}/raw?ref=`),
 *   `Private-Token: {gitlabToken}`.
 * - Bitbucket Server raw files (`/rest/api/1.0/projects/{p}/repos/{r}/raw/{path}`),
 *   `Authorization: Bearer {bitbucketToken}` or basic auth.
 * - Jenkins archived artifacts (`/jenkins/job/{job}/{build}/artifact/{path}`), basic auth.
 * - A Maven repository (`/maven/...`) and a Helm repository (`/helm/...`, basic auth), static files.
 * - Plain files (`/files/...`, basic auth), `/public/...` without auth, `/hang/...` that never
 *   answers (time limits), `/stream/{n}` sending n bytes chunked without a length.
 * GitHub/GitLab/Bitbucket read one repository, `repo`: `{ref}` -> `{path}` -> bytes.
 */
export interface ArtifactOrigin {
  readonly url: string;
  /** Repository content served by the GitHub, GitLab and Bitbucket APIs, by ref then path. */
  readonly repo: Map<string, Map<string, Buffer>>;
  /** Static files by URL path (`/maven/...`, `/helm/...`, `/files/...`, `/public/...`, `/jenkins/...`). */
  readonly files: Map<string, Buffer>;
  /** Every request's method, URL and headers. */
  readonly requests: { method: string; url: string; headers: IncomingMessage['headers'] }[];
  /** Requests to `/hang/...` held so far. */
  held(): number;
  /** Resolves once `count` requests to `/hang/...` have arrived (each is held until close). */
  hung(count: number): Promise<void>;
  close(): Promise<void>;
}

export const SECRETS = {
  githubToken: 'ghp-secret-token-1f2e3d',
  gitlabToken: 'glpat-secret-token-9a8b7c',
  bitbucketToken: 'bb-secret-token-5d6e7f',
  user: 'artifact-user',
  password: 'pa55-secret-word-42',
  gitPassword: 'git-secret-pass-77',
} as const;

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function startArtifactOrigin(): Promise<ArtifactOrigin> {
  const repo = new Map<string, Map<string, Buffer>>();
  const files = new Map<string, Buffer>();
  const requests: ArtifactOrigin['requests'] = [];
  const held: ServerResponse[] = [];
  let hungWaiters: { count: number; resolve: () => void }[] = [];
  let url = '';

  const json = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  };
  const bytes = (res: ServerResponse, body: Buffer, type = 'application/octet-stream'): void => {
    res.writeHead(200, { 'content-type': type, 'content-length': String(body.length) }).end(body);
  };
  const fileAt = (ref: string, path: string): Buffer | undefined => repo.get(ref)?.get(path);

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '', headers: req.headers });
    const u = new URL(req.url ?? '/', url);
    const path = decodeURIComponent(u.pathname);
    const auth = req.headers.authorization;

    // GitHub (and GitHub Enterprise under /api/v3): contents API and raw download URLs.
    const gh = /^(?:\/api\/v3)?\/repos\/([^/]+)\/([^/]+)\/contents\/(.+)$/.exec(u.pathname);
    if (gh !== null) {
      if (auth !== `token ${SECRETS.githubToken}`) return json(res, 401, { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' });
      const [, owner, name, encoded] = gh;
      const filePath = decodeURIComponent(encoded ?? '');
      const ref = u.searchParams.get('ref') ?? 'main';
      const body = fileAt(ref, filePath);
      if (body === undefined) return json(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/repos/contents#get-repository-content' });
      if ((req.headers.accept ?? '').includes('.raw')) return bytes(res, body, 'application/vnd.github.raw');
      const sha = createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
      const apiPath = u.pathname.startsWith('/api/v3') ? '/api/v3' : '';
      return json(res, 200, {
        type: 'file',
        encoding: 'base64',
        size: body.length,
        name: filePath.split('/').at(-1),
        path: filePath,
        content: body.toString('base64'),
        sha,
        url: `${url}${apiPath}/repos/${owner}/${name}/contents/${filePath}?ref=${ref}`,
        git_url: `${url}${apiPath}/repos/${owner}/${name}/git/blobs/${sha}`,
        html_url: `${url}/${owner}/${name}/blob/${ref}/${filePath}`,
        download_url: `${url}/raw/${owner}/${name}/${ref}/${filePath}`,
        _links: { self: `${url}${apiPath}/repos/${owner}/${name}/contents/${filePath}?ref=${ref}` },
      });
    }
    const raw = /^\/raw\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(path);
    if (raw !== null) {
      if (auth !== `token ${SECRETS.githubToken}`) return json(res, 404, { message: 'Not Found' });
      const body = fileAt(raw[3] ?? '', raw[4] ?? '');
      return body === undefined ? void res.writeHead(404).end('404: Not Found') : bytes(res, body, 'text/plain; charset=utf-8');
    }

    // GitLab: /api/v4/projects/{id}/repository/files/{url-encoded path}/raw?ref=
    const gl = /^\/api\/v4\/projects\/([^/]+)\/repository\/files\/([^/]+)\/raw$/.exec(u.pathname);
    if (gl !== null) {
      if (req.headers['private-token'] !== SECRETS.gitlabToken) return json(res, 401, { message: '401 Unauthorized' });
      const ref = u.searchParams.get('ref');
      if (ref === null) return json(res, 400, { error: 'ref is missing' });
      const body = fileAt(ref, decodeURIComponent(gl[2] ?? ''));
      return body === undefined ? json(res, 404, { message: '404 File Not Found' }) : bytes(res, body, 'text/plain');
    }

    // Bitbucket Server: /rest/api/1.0/projects/{p}/repos/{r}/raw/{path}?at=
    const bb = /^\/rest\/api\/1\.0\/projects\/[^/]+\/repos\/[^/]+\/raw\/(.+)$/.exec(path);
    if (bb !== null) {
      if (auth !== `Bearer ${SECRETS.bitbucketToken}` && auth !== basic(SECRETS.user, SECRETS.password)) {
        return json(res, 401, { errors: [{ context: null, message: 'Authentication failed. Please check your credentials and try again.', exceptionName: 'com.atlassian.bitbucket.auth.IncorrectPasswordAuthenticationException' }] });
      }
      const body = fileAt(u.searchParams.get('at') ?? 'main', bb[1] ?? '');
      return body === undefined ? json(res, 404, { errors: [{ context: null, message: `The path "${bb[1] ?? ''}" does not exist at revision "main"`, exceptionName: 'com.atlassian.bitbucket.content.NoSuchPathException' }] }) : bytes(res, body);
    }

    if (path.startsWith('/hang/')) {
      held.push(res);
      for (const w of hungWaiters) if (held.length >= w.count) w.resolve();
      hungWaiters = hungWaiters.filter((w) => held.length < w.count);
      return;
    }
    const stream = /^\/stream\/(\d+)$/.exec(path);
    if (stream !== null) {
      let left = Number(stream[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(16 * 1024, 7);
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('close', () => (left = 0));
      return pump();
    }

    // Static files: Jenkins, Maven, Helm and plain HTTP, each with its auth rule.
    const needsBasic = path.startsWith('/jenkins/') || path.startsWith('/helm/') || path.startsWith('/files/');
    if (needsBasic && auth !== basic(SECRETS.user, SECRETS.password)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="artifacts"', 'content-type': 'text/html' }).end('<html><body>401 Unauthorized</body></html>');
      return;
    }
    const body = files.get(path);
    if (body === undefined) {
      res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>404 Not Found</body></html>');
      return;
    }
    bytes(res, body, path.endsWith('.xml') ? 'application/xml' : path.endsWith('.yaml') ? 'application/x-yaml' : 'application/octet-stream');
  };

  const server = createServer(handle);
  await listen(server);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    repo,
    files,
    requests,
    held: () => held.length,
    hung: (count) => (held.length >= count ? Promise.resolve() : new Promise<void>((resolve) => hungWaiters.push({ count, resolve }))),
    async close() {
      for (const res of held) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A git repository served over smart HTTP by `git http-backend` (CGI) behind basic auth. */
export interface GitServer {
  /** Clone URL of the repository (`{url}/git/app.git`). */
  readonly repoUrl: string;
  /** The repository's working copy, where tests commit. */
  readonly workdir: string;
  /** Runs git in the working copy and returns its output (trimmed). */
  git(...args: string[]): string;
  /** Commits `files` (path -> bytes) and pushes the branch to the served repository; returns the SHA. */
  commit(branch: string, files: Record<string, Buffer>, message: string): string;
  close(): Promise<void>;
}

export async function startGitServer(): Promise<GitServer> {
  const root = mkdtempSync(join(tmpdir(), 'artifact-git-'));
  const bare = join(root, 'srv', 'app.git');
  const workdir = join(root, 'work');
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', HOME: root, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };
  const run = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, env, encoding: 'utf8' }).trim();
  mkdirSync(bare, { recursive: true });
  mkdirSync(workdir, { recursive: true });
  run(bare, 'init', '--quiet', '--bare');
  run(bare, 'config', 'http.receivepack', 'false');
  run(workdir, 'init', '--quiet', '-b', 'master');
  run(workdir, 'remote', 'add', 'origin', bare);

  const server = createServer((req, res) => {
    if (req.headers.authorization !== basic(SECRETS.user, SECRETS.gitPassword)) {
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' }).end('Unauthorized');
      return;
    }
    const u = new URL(req.url ?? '/', 'http://localhost');
    if (!u.pathname.startsWith('/git/')) return void res.writeHead(404).end();
    const cgi = spawn('/usr/lib/git-core/git-http-backend', [], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: join(root, 'srv'),
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: u.pathname.slice('/git'.length),
        QUERY_STRING: u.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        REMOTE_USER: SECRETS.user,
        REMOTE_ADDR: '127.0.0.1',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
      },
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let headersDone = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else headers[k] = v;
      }
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    cgi.on('close', () => res.end());
  });
  await listen(server);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    repoUrl: `${url}/git/app.git`,
    workdir,
    git: (...args) => run(workdir, ...args),
    commit(branch, files, message) {
      const current = run(workdir, 'symbolic-ref', '--short', 'HEAD');
      if (current !== branch) {
        const exists = run(workdir, 'branch', '--list', branch) !== '';
        run(workdir, 'checkout', '--quiet', ...(exists ? [branch] : ['-b', branch]));
      }
      for (const [path, body] of Object.entries(files)) {
        mkdirSync(dirname(join(workdir, path)), { recursive: true });
        writeFileSync(join(workdir, path), body);
      }
      run(workdir, 'add', '-A');
      run(workdir, 'commit', '--quiet', '-m', message);
      run(workdir, 'push', '--quiet', '--tags', 'origin', branch);
      return run(workdir, 'rev-parse', 'HEAD');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** An S3-compatible server (s3rver) on loopback; its keys are `S3RVER`/`S3RVER`. */
export interface S3Server {
  readonly endpoint: string;
  put(bucket: string, key: string, body: Buffer): Promise<void>;
  close(): Promise<void>;
}

export const S3_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export async function startS3Server(buckets: readonly string[]): Promise<S3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'artifact-s3-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory, configureBuckets: buckets.map((name) => ({ name, configs: [] })) });
  const { port } = (await s3.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3_KEYS });
  return {
    endpoint,
    async put(bucket, key, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    async close() {
      client.destroy();
      await s3.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
