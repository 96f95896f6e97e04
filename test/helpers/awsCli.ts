/**
 * Runs the real AWS CLI against the AWS simulator: `--endpoint-url`, credentials and region from
 * the standard environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_DEFAULT_REGION), `--output json`, with a private HOME so no user config or credentials
 * file is read. When the machine has no `aws`, the first call installs Debian's `awscli`
 * package (needs apt and root), as test/helpers/ensureServers.ts does for database servers.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let binary: string | undefined;

/**
 * The `aws` executable, installed if missing. A pyenv shim is resolved to the real script
 * (`pyenv which aws`): the shim costs about half a second per call, and the suite makes dozens.
 */
export function ensureAwsCli(): string {
  if (binary !== undefined) return binary;
  try {
    execFileSync('aws', ['--version'], { stdio: 'pipe' });
  } catch {
    if (typeof process.getuid === 'function' && process.getuid() !== 0) throw new Error('the AWS CLI is not installed and installing Debian awscli needs root');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'awscli'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  let resolved = 'aws';
  try {
    const onPath = execFileSync('sh', ['-c', 'command -v aws'], { encoding: 'utf8' }).trim();
    resolved = onPath.includes('/.pyenv/shims/') ? execFileSync('pyenv', ['which', 'aws'], { encoding: 'utf8' }).trim() : onPath;
  } catch {
    resolved = 'aws';
  }
  binary = resolved;
  return resolved;
}

export interface AwsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface AwsCliCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsCli {
  /** Runs `aws ARGS --endpoint-url ... --output json`; `env` overrides variables (region, retries, keys). */
  run(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<AwsCliResult>;
  /** Runs and parses stdout as JSON; fails with stderr unless the exit code is 0. Empty output is `{}`. */
  json<T = Record<string, unknown>>(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<T>;
  /** Runs, expects failure, and returns the AWS error code the CLI printed (`An error occurred (Code) ...`). */
  error(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<{ code: string; message: string }>;
}

export function awsCliFor(endpoint: string, credentials: AwsCliCredentials, region = 'us-east-1'): AwsCli {
  const aws = ensureAwsCli();
  const home = mkdtempSync(join(tmpdir(), 'aws-cli-'));
  const base: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    ...(credentials.sessionToken === undefined ? {} : { AWS_SESSION_TOKEN: credentials.sessionToken }),
  };
  const run = (args: readonly string[], env?: Readonly<Record<string, string>>): Promise<AwsCliResult> =>
    new Promise((resolve) => {
      execFile(aws, [...args, '--endpoint-url', endpoint, '--output', 'json'], { env: { ...base, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
    });
  return {
    run,
    json: async <T>(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<T> => {
      const r = await run(args, env);
      if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
      return (r.stdout.trim() === '' ? {} : JSON.parse(r.stdout)) as T;
    },
    error: async (args: readonly string[], env?: Readonly<Record<string, string>>) => {
      const r = await run(args, env);
      if (r.code === 0) throw new Error(`aws ${args.join(' ')} succeeded, expected an error: ${r.stdout}`);
      const m = /An error occurred \(([^)]+)\)[^:]*: (.*)/.exec(r.stderr);
      if (m === null) throw new Error(`aws ${args.join(' ')}: no AWS error in: ${r.stderr}`);
      return { code: m[1] ?? '', message: (m[2] ?? '').trim() };
    },
  };
}
