import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  /** Milliseconds from spawn to the first answer of `/health` (200 or 503). */
  readonly startMs: number;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Signals the process group, waits for the service to exit; true when it logged a clean stop. */
  stop(signal?: NodeJS.Signals): Promise<boolean>;
  readonly child: ChildProcess;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * How the service is run: `compiled` is what `npm start` execs (`node dist/main.js`, through
 * scripts/start.sh, which picks the allocator) without npm's start-up and the prestart freshness
 * check; `npm` is `npm start` itself; `tsx` runs the TypeScript sources through the loader, as
 * `npm start` did before it ran compiled JavaScript (kept for same-run start-up comparisons).
 */
export type ServiceRunner = 'compiled' | 'npm' | 'tsx';

let distChecked = false;

/**
 * Makes dist/ current once per process (scripts/build.mjs: a no-op when fresh). Under vitest the
 * global set-up has built it and says so in CLOUDDRIVER_DIST_READY, so workers never compile.
 */
export function ensureBuilt(): void {
  if (distChecked || process.env.CLOUDDRIVER_DIST_READY === '1') return;
  execFileSync(process.execPath, [fileURLToPath(new URL('../../scripts/build.mjs', import.meta.url))], { stdio: ['ignore', 'ignore', 'inherit'] });
  distChecked = true;
}

/**
 * True when the config file in `args` loads a plugin written in TypeScript (test fixtures such as
 * test/fixtures/testProvider.ts): the compiled service then runs with the tsx loader so that the
 * plugin can be imported; the service itself is still dist/.
 */
function loadsTypeScriptPlugin(args: readonly string[]): boolean {
  const file = args[args.indexOf('--config') + 1];
  if (!args.includes('--config') || file === undefined) return false;
  try {
    const plugins = (parseYaml(readFileSync(file, 'utf8')) as { plugins?: unknown } | null)?.plugins;
    return Array.isArray(plugins) && plugins.some((p) => typeof p === 'string' && /\.m?ts$/.test(p));
  } catch {
    return false;
  }
}

function command(runner: ServiceRunner, args: readonly string[], main = join(repoRoot, 'dist/main.js')): [string, string[]] {
  if (runner === 'npm') return ['npm', ['start', ...(args.length ? ['--', ...args] : [])]];
  if (runner === 'tsx') return [process.execPath, ['--import', 'tsx', join(repoRoot, 'src/main.ts'), ...args]];
  const loader = loadsTypeScriptPlugin(args) ? ['--import', 'tsx'] : [];
  // Through the launcher `npm start` uses (scripts/start.sh: the allocator), with this node binary.
  return ['sh', [join(repoRoot, 'scripts/start.sh'), ...loader, main, ...args]];
}

/**
 * Starts the real service as `npm start [-- args]` runs it (`node dist/main.js`, built once per
 * test run) on a free port and waits until `/health` answers.
 */
export async function startService(
  opts: {
    args?: string[];
    env?: Record<string, string>;
    cwd?: string;
    runner?: ServiceRunner;
    healthPollMs?: number;
    /** `compiled` only: another build's `dist/main.js` (benchmarks comparing two versions in one run). */
    main?: string;
  } = {},
): Promise<ServiceProcess> {
  const runner = opts.runner ?? 'compiled';
  if (runner !== 'tsx') ensureBuilt();
  const port = await freePort();
  const [file, args] = command(runner, opts.args ?? [], opts.main);
  const t0 = performance.now();
  const child = spawn(file, args, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, CLOUDDRIVER_NODE: process.execPath, PORT: String(port), ...opts.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let startMs = 0;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited early (${child.exitCode}):\n${out}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200 || res.status === 503) {
        startMs = performance.now() - t0;
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      throw new Error(`service did not start within 30 s:\n${out}`);
    }
    await sleep(opts.healthPollMs ?? 100);
  }
  return {
    url,
    port,
    startMs,
    child,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      // As a container runtime does, signal only the process that was started (the service, or
      // npm, whose start script execs the service so its forwarding reaches it). SIGKILL (a
      // crash) goes to the service itself (its pid is in the start-up log). Then clean up the group.
      const pid = runner === 'npm' ? Number(/"pid":(\d+)[^\n]*"msg":"clouddriver listening"/.exec(out)?.[1]) : (child.pid ?? 0);
      try {
        process.kill(signal === 'SIGKILL' ? pid || -(child.pid ?? 0) : (child.pid ?? 0), signal);
      } catch {
        // already gone
      }
      const deadline = Date.now() + 20_000;
      while (pid && alive(pid) && Date.now() < deadline) await sleep(50);
      if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(2_000)]);
      return out.includes('"msg":"stopped"');
    },
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * POSTs a body with node:http like a careful client: headers and a first chunk, then the rest
 * only if no early answer (such as 413) arrived. Resolves with the response; rejects after 10 s.
 */
export function rawPost(url: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const timer = setTimeout(() => reject(new Error('no response within 10 s')), 10_000);
    const req = request(url, { method: 'POST', headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) } }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: text });
        req.destroy();
      });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (!answered && err.code !== 'EPIPE' && err.code !== 'ECONNRESET') {
        clearTimeout(timer);
        reject(err);
      }
    });
    req.write(body.slice(0, 65_536));
    setTimeout(() => {
      if (!answered && !req.destroyed) req.end(body.slice(65_536));
    }, 500);
  });
}

/** Polls until `fn` returns a value other than undefined. */
export async function eventually<T>(fn: () => Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Stops every process at once (SIGKILL), waking any the test froze with SIGSTOP first. */
export async function killAll(procs: readonly ServiceProcess[]): Promise<void> {
  for (const p of procs) {
    try {
      process.kill(p.child.pid ?? 0, 'SIGCONT');
    } catch {
      // gone
    }
    await p.stop('SIGKILL');
  }
}
