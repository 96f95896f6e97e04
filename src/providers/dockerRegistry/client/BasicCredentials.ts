import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../../core/Clock.js';

/** How long a password read from a file, a command or a docker config is reused before it is read again. */
export const PASSWORD_REUSE_MS = 60_000;
/** Largest password file or command output accepted. */
const MAX_SECRET_BYTES = 64 * 1024;

/** Where an account's registry password comes from (`DockerBearerTokenService.getBasicAuth`). */
export type PasswordOrigin =
  | { readonly kind: 'none' }
  | { readonly kind: 'password'; readonly password: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'command'; readonly command: string }
  | { readonly kind: 'dockerconfig'; readonly path: string; readonly registry: string };

/** A problem getting the password; the message names the source, never its content. */
export class CredentialsError extends Error {}

/**
 * The HTTP basic credentials of an account. A static `password` is used as given; a
 * `passwordFile` is read again, and a `passwordCommand` run again (`bash -c`, as Clouddriver),
 * when the last value is older than {@link PASSWORD_REUSE_MS} or after the registry refused it
 * ({@link invalidate}), so rotated secrets are picked up without a restart. Clouddriver reads
 * the file and runs the command for every request; reusing the value for a minute keeps a
 * slow login helper off the hot path. A file's trailing line break is dropped (Clouddriver
 * keeps it and warns that authentication will fail). `dockerconfigFile` reads docker-cli's
 * `config.json`. Values live only in this object: `secrets()` lists them so error messages can
 * be scrubbed.
 */
export class BasicCredentials {
  private cached: { readonly header: string | undefined; readonly at: number; readonly values: readonly string[] } | undefined;
  private pending: Promise<string | undefined> | undefined;

  constructor(
    private readonly username: string | undefined,
    private readonly origin: PasswordOrigin,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {}

  /** Whether the account has credentials at all (otherwise requests go anonymous). */
  get configured(): boolean {
    return this.username !== undefined || this.origin.kind !== 'none';
  }

  /** `Basic base64(user:password)`, or undefined for an anonymous account. */
  async header(): Promise<string | undefined> {
    if (!this.configured) return undefined;
    const c = this.cached;
    if (c !== undefined && (this.origin.kind === 'password' || this.clock.now() - c.at < PASSWORD_REUSE_MS)) return c.header;
    this.pending ??= this.resolve().finally(() => (this.pending = undefined));
    return this.pending;
  }

  /** Forget the last value (the registry refused it): the next request reads the source again. */
  invalidate(): void {
    if (this.origin.kind !== 'password') this.cached = undefined;
  }

  /** The secret strings currently known, so messages can be scrubbed of them. */
  secrets(): readonly string[] {
    const fixed = this.origin.kind === 'password' ? [this.origin.password] : [];
    return [...fixed, ...(this.cached?.values ?? [])].filter((s) => s.length >= 4);
  }

  private async resolve(): Promise<string | undefined> {
    let username = this.username ?? '';
    let password: string;
    const o = this.origin;
    switch (o.kind) {
      case 'none':
        password = '';
        break;
      case 'password':
        password = o.password;
        break;
      case 'file':
        password = (await readSecretFile(o.path, 'passwordFile')).replace(/\r?\n$/, '');
        break;
      case 'command':
        password = await runCommand(o.command, this.timeoutMs);
        break;
      case 'dockerconfig': {
        const auth = dockerConfigAuth(await readSecretFile(o.path, 'dockerconfigFile'), o.registry, o.path);
        username = this.username ?? auth.username;
        password = auth.password;
        break;
      }
    }
    const token = Buffer.from(`${username}:${password}`).toString('base64');
    const header = `Basic ${token}`;
    this.cached = { header, at: this.clock.now(), values: [password, token] };
    return header;
  }
}

async function readSecretFile(path: string, field: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (e) {
    throw new CredentialsError(`${field} ${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (buf.length > MAX_SECRET_BYTES) throw new CredentialsError(`${field} ${path} is larger than ${MAX_SECRET_BYTES} bytes`);
  return buf.toString('utf8');
}

/** Runs `bash -c command`; its trimmed standard output is the password. Output never goes into a message. */
function runCommand(command: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('bash', ['-c', command], { timeout: timeoutMs, maxBuffer: MAX_SECRET_BYTES, encoding: 'utf8', env: process.env }, (err, stdout) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        const why = e.killed ? `timed out after ${timeoutMs} ms` : typeof e.code === 'number' ? `exited with status ${e.code}` : `failed (${String(e.code ?? 'error')})`;
        reject(new CredentialsError(`passwordCommand ${why}`));
        return;
      }
      resolve(stdout.trim());
    });
  });
}

/** docker-cli's `config.json`: `auths` keyed by registry host (optionally with a scheme or path). */
function dockerConfigAuth(text: string, registry: string, path: string): { username: string; password: string } {
  let config: unknown;
  try {
    config = JSON.parse(text);
  } catch {
    throw new CredentialsError(`dockerconfigFile ${path} is not JSON`);
  }
  const auths = (config as { auths?: unknown } | null)?.auths;
  if (typeof auths !== 'object' || auths === null) throw new CredentialsError(`dockerconfigFile ${path} has no "auths"`);
  const host = (key: string): string => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const entry = Object.entries(auths as Record<string, unknown>).find(([key]) => host(key) === host(registry))?.[1] as
    | { auth?: unknown; username?: unknown; password?: unknown }
    | undefined;
  if (entry === undefined) throw new CredentialsError(`dockerconfigFile ${path} has no entry for ${registry}`);
  if (typeof entry.auth === 'string' && entry.auth !== '') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new CredentialsError(`dockerconfigFile ${path}: the entry for ${registry} has a malformed "auth"`);
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  throw new CredentialsError(`dockerconfigFile ${path}: the entry for ${registry} has no credentials (credential helpers are not supported)`);
}
