/**
 * The Kubernetes API simulator in a child process of its own, so a benchmark of thousands of
 * accounts measures the service, not the simulator competing for the bench process's event loop
 * and heap. The child (this file run directly) starts the simulator, seeds every cluster, and
 * sends the parent each cluster's kubeconfig and object count over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';
import { env } from 'node:process';
import { fileURLToPath } from 'node:url';
import { startKubeSim, type KubeSimOptions, type SeedSpec } from '../src/testing/kubeSim/index.js';

export interface SimProcessOptions {
  readonly names: readonly string[];
  readonly seed: SeedSpec;
  readonly sim?: Omit<KubeSimOptions, 'clusters'>;
  /** Collections whose objects are counted per cluster (`group/resource`, core group empty). */
  readonly counted: readonly string[];
}

export interface SimProcess {
  readonly pid: number;
  kubeconfigFor(name: string): string;
  /** Objects of the counted collections in one cluster (the same for every cluster). */
  readonly perCluster: number;
  stop(): Promise<void>;
}

interface Ready {
  readonly kubeconfigs: Record<string, string>;
  readonly perCluster: number;
}

export async function startSimProcess(options: SimProcessOptions): Promise<SimProcess> {
  // `BENCH_SIM_NODE_ARGS` (e.g. `--cpu-prof --cpu-prof-dir=/tmp/sim`) adds node flags to the child.
  const extra = env.BENCH_SIM_NODE_ARGS?.split(' ').filter((a) => a !== '') ?? [];
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx', ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    child.once('exit', (code) => reject(new Error(`simulator process exited (${code}) before it was ready`)));
    child.send(options);
  });
  // `BENCH_SIM_NICE` (e.g. 19) lowers the child's scheduling priority, every thread of it (Linux
  // sets a nice value per thread): the simulator stands in for clusters whose API servers run on
  // other machines, so it should take only the CPU the service leaves.
  if (env.BENCH_SIM_NICE !== undefined && child.pid !== undefined) {
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) setPriority(Number(tid), Number(env.BENCH_SIM_NICE));
  }
  return {
    pid: child.pid ?? 0,
    perCluster: ready.perCluster,
    kubeconfigFor: (name) => {
      const k = ready.kubeconfigs[name];
      if (k === undefined) throw new Error(`no simulated cluster named ${name}`);
      return k;
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function runChild(options: SimProcessOptions): Promise<void> {
  const sim = await startKubeSim({ ...options.sim, clusters: options.names });
  for (const name of options.names) sim.seed(name, options.seed);
  const first = sim.cluster(options.names[0] ?? '');
  const perCluster = options.counted.reduce((n, gr) => n + first.store.count(gr), 0);
  const kubeconfigs = Object.fromEntries(options.names.map((n) => [n, sim.kubeconfigFor(n)]));
  process.send?.({ kubeconfigs, perCluster } satisfies Ready);
  process.once('SIGTERM', () => void sim.stop().then(() => process.exit(0)));
  process.once('disconnect', () => void sim.stop().then(() => process.exit(0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.send !== undefined) {
  process.once('message', (m) => void runChild(m as SimProcessOptions));
}
