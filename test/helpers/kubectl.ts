/**
 * Runs the real `kubectl` against a simulator kubeconfig. When the machine has no kubectl, the
 * first call installs Debian's `kubernetes-client` package (needs apt and root).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let checked = false;

export function ensureKubectl(): void {
  if (checked) return;
  try {
    execFileSync('kubectl', ['version', '--client'], { stdio: 'pipe' });
  } catch {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'kubernetes-client'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  checked = true;
}

export interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Kubectl {
  readonly kubeconfigPath: string;
  readonly dir: string;
  /** Runs kubectl; `env` adds variables (EDITOR for `kubectl edit`, ...). */
  run(args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<KubectlResult>;
  /** Runs and fails with stderr unless the exit code is 0. */
  ok(args: readonly string[], input?: string): Promise<string>;
  json<T = Record<string, unknown>>(args: readonly string[]): Promise<T>;
  spawn(args: readonly string[]): ChildProcessWithoutNullStreams;
  file(name: string, text: string): string;
}

export function kubectlFor(kubeconfig: string): Kubectl {
  ensureKubectl();
  const dir = mkdtempSync(join(tmpdir(), 'kubectl-'));
  const kubeconfigPath = join(dir, 'kubeconfig.yaml');
  writeFileSync(kubeconfigPath, kubeconfig, { mode: 0o600 });
  const env = { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir };
  const run = (args: readonly string[], input?: string, extraEnv?: Readonly<Record<string, string>>): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile('kubectl', [...args], { env: { ...env, ...extraEnv }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      });
      if (input !== undefined) child.stdin?.end(input);
    });
  const ok = async (args: readonly string[], input?: string): Promise<string> => {
    const r = await run(args, input);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  return {
    kubeconfigPath,
    dir,
    run,
    ok,
    json: async <T>(args: readonly string[]) => JSON.parse(await ok([...args, '-o', 'json'])) as T,
    spawn: (args) => spawn('kubectl', [...args], { env }),
    file: (name, text) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}
