import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArtifactRequest } from '../../core/artifacts/ArtifactDownloader.js';
import { DependencyError, InputError, NotFoundError } from '../../core/errors.js';
import type { ArtifactCredentials, Download, DownloadContext } from '../ArtifactCredentials.js';
import { tokenOf } from '../authHeaders.js';
import type { GitRepoAccountConfig } from '../config.js';

const FULL_SHA = /^[0-9a-f]{40}$/;
const SHORT_SHA = /^[0-9a-f]{7,39}$/;
/** Branch, tag or SHA: what `git check-ref-format` allows, minus anything that reads as an option. */
const REF = /^[A-Za-z0-9_][A-Za-z0-9_./@+-]*$/;

export interface GitRepoOptions {
  /** `artifacts.git-repo.git-executable`. */
  readonly gitExecutable: string;
}

/**
 * `GitRepoArtifactCredentials` + `GitJobExecutor`: `git/repo` clones `reference` at `version`
 * (a branch, a tag or a commit SHA; `master` when blank) and answers a gzipped tar of the tree
 * (`git archive --format tgz`), limited to `location` or `metadata.subPath` when given. Each
 * download fetches only that commit (depth 1) into a fresh temporary directory, removed when the
 * stream ends; a short SHA the server will not serve directly costs a full fetch.
 * Credentials (username + password, username + token, or token alone as user `token`) go to git
 * as an `http.extraHeader` in its environment, never on the command line or in the URL.
 */
export function gitRepoCredentials(account: GitRepoAccountConfig, options: GitRepoOptions): ArtifactCredentials {
  return {
    name: account.name,
    type: 'git/repo',
    types: ['git/repo'],
    handlesType: (t) => t === 'git/repo',
    download: (artifact, ctx) => downloadRepo(account, options, artifact, ctx),
  };
}

async function downloadRepo(account: GitRepoAccountConfig, options: GitRepoOptions, artifact: ArtifactRequest, ctx: DownloadContext): Promise<Download> {
  const repoUrl = artifact.reference ?? '';
  const version = artifact.version || 'master';
  const subPath = artifact.location || (typeof artifact.metadata?.subPath === 'string' ? artifact.metadata.subPath : '');
  const auth = await authOf(account);
  if (repoUrl === '' || repoUrl.startsWith('-')) throw new InputError(`A git/repo artifact needs the repository URL in reference`);
  if (auth.header !== undefined && !/^https?:\/\//.test(repoUrl)) throw new InputError(`Git reference is invalid for account '${account.name}': credentials of this kind need an http(s) URL`);
  if (/^https?:\/\/[^/]*@/.test(repoUrl)) throw new InputError(`The reference for artifact account '${account.name}' must not carry credentials; configure them on the account`);
  if (!REF.test(version) || version.includes('..')) throw new InputError(`Invalid git/repo version '${version}': expected a branch, tag or commit SHA`);
  if (subPath.startsWith('-') || subPath.startsWith('/') || subPath.split('/').includes('..')) throw new InputError(`Invalid git/repo subPath '${subPath}': expected a path inside the repository`);

  const where = safeRepo(repoUrl);
  const secrets = auth.secrets;
  const dir = await mkdtemp(join(tmpdir(), 'clouddriver-gitrepo-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    const repo = join(dir, 'repo.git');
    const git = (args: string[], cwd = repo) => runGit(options.gitExecutable, args, cwd, gitEnv(dir, auth), ctx.signal, secrets);
    await git(['init', '--quiet', '--bare', repo], dir);
    await git(['config', 'remote.origin.url', repoUrl]);
    let commit = 'FETCH_HEAD';
    const shallow = await git(['fetch', '--quiet', '--no-tags', '--depth', '1', 'origin', version]).catch(failureOnly);
    if (shallow instanceof GitFailure) {
      if (ctx.signal.aborted) throw shallow;
      // Servers that refuse unadvertised objects, or an abbreviated SHA: fetch everything, then look it up.
      if (!FULL_SHA.test(version) && !SHORT_SHA.test(version)) throw gitError(account.name, where, version, shallow);
      ctx.logger.info({ account: account.name, repository: where }, 'git/repo: direct fetch of the commit refused; fetching the whole repository');
      const full = await git(['fetch', '--quiet', 'origin', '+refs/heads/*:refs/remotes/origin/*', '+refs/tags/*:refs/tags/*']).catch(failureOnly);
      if (full instanceof GitFailure) throw ctx.signal.aborted ? full : gitError(account.name, where, version, full);
      const found = await git(['rev-parse', '--verify', '--quiet', `${version}^{commit}`]).catch(() => undefined);
      if (found === undefined) throw new NotFoundError(`git/repo ${where} has no commit ${version} (account '${account.name}')`);
      commit = found.trim();
    }
    const output = join(dir, `${repoBasename(repoUrl)}.tgz`);
    const archived = await git(['archive', '--format=tar.gz', `--output=${output}`, commit, ...(subPath === '' ? [] : [subPath])]).catch(failureOnly);
    if (archived instanceof GitFailure) {
      if (ctx.signal.aborted) throw archived;
      throw new NotFoundError(`git/repo ${where} at ${version} has no path '${subPath}' (account '${account.name}')`);
    }
    const { size } = await stat(output);
    return { stream: createReadStream(output), size, cleanup };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

interface GitAuth {
  /** `Authorization` header value for http(s) remotes. */
  readonly header?: string;
  readonly sshCommand?: string;
  /** Values that must never appear in a message. */
  readonly secrets: string[];
}

/** `GitJobExecutor`'s auth types: user+password, user+token, token (as user `token`), SSH key, none. */
async function authOf(account: GitRepoAccountConfig): Promise<GitAuth> {
  const token = await tokenOf(account.name, account);
  const basic = (user: string, secret: string): GitAuth => {
    const encoded = Buffer.from(`${user}:${secret}`).toString('base64');
    return { header: `Authorization: Basic ${encoded}`, secrets: [secret, encoded] };
  };
  if (account.username !== undefined && account.password !== undefined) return basic(account.username, account.password);
  if (account.username !== undefined && token) return basic(account.username, token);
  if (token) return basic('token', token);
  if (account.sshPrivateKeyFilePath !== undefined) {
    const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
    const hosts = account.sshTrustUnknownHosts
      ? ' -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no'
      : account.sshKnownHostsFilePath !== undefined
        ? ` -o UserKnownHostsFile=${quote(account.sshKnownHostsFilePath)}`
        : '';
    return { sshCommand: `ssh -o BatchMode=yes${hosts} -i ${quote(account.sshPrivateKeyFilePath)}`, secrets: [] };
  }
  return { secrets: [] };
}

/** git's environment: no prompts, no system or user config or helpers, the account's credentials. */
function gitEnv(home: string, auth: GitAuth): NodeJS.ProcessEnv {
  const config: [string, string][] = [['credential.helper', '']];
  if (auth.header !== undefined) config.push(['http.extraHeader', auth.header]);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ASKPASS: 'true',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_COUNT: String(config.length),
    ...Object.fromEntries(config.flatMap(([k, v], i) => [[`GIT_CONFIG_KEY_${i}`, k], [`GIT_CONFIG_VALUE_${i}`, v]])),
    ...(auth.sshCommand === undefined ? {} : { GIT_SSH_COMMAND: auth.sshCommand }),
  };
}

class GitFailure extends Error {
  constructor(readonly stderr: string) {
    super('git failed');
  }
}

/** A failed git command as a value to inspect; anything else (the time limit killed git) propagates. */
function failureOnly(err: unknown): GitFailure {
  if (err instanceof GitFailure) return err;
  throw err;
}

function runGit(executable: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal, secrets: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(executable, args, { cwd, env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-65536)));
    child.stderr.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-8192)));
    child.on('error', (e) => reject(signal.aborted ? e : new GitFailure(scrub(e.message, secrets))));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new GitFailure(scrub(err, secrets)))));
  });
}

function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1');
  for (const s of secrets) if (s !== '') out = out.replaceAll(s, '***');
  return out;
}

function gitError(account: string, where: string, version: string, failure: GitFailure): Error {
  const text = failure.stderr;
  const firstLine = text.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'git failed';
  if (/Authentication failed|could not read Username|could not read Password|HTTP 401|HTTP 403|returned error: 40[13]|Permission denied/i.test(text)) {
    return new DependencyError(401, `git/repo account '${account}' was refused by ${where}: authentication failed; check the account's credentials`);
  }
  if (/not found|does not appear to be a git repository|couldn't find remote ref|HTTP 404|returned error: 404/i.test(text)) {
    return new NotFoundError(`git/repo ${where} at ${version} not found (account '${account}'): ${firstLine}`);
  }
  return new DependencyError(502, `git fetch of ${where} at ${version} failed for account '${account}': ${firstLine}`);
}

/** Host and path of the repository URL, for messages. */
function safeRepo(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url.replace(/^[^@]*@/, '');
  }
}

/** `GitRepoArtifactCredentials.getRepoBasename`: the last path segment without `.git`. */
function repoBasename(url: string): string {
  const last = url.replace(/\/+$/, '').split(/[/:]/).at(-1) ?? 'repo';
  return last.replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'repo';
}
