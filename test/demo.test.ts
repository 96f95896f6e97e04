/**
 * `npm run demo` as a newcomer runs it: it prints the service's address once the simulated
 * clusters and the AWS account are cached; the applications kubectl sees on the simulator are the
 * ones the service lists, beside the AWS application whose server group runs behind a load
 * balancer on the AWS simulator; SIGTERM to npm (what a terminal's Ctrl-C or a supervisor sends)
 * stops the service, the simulators and removes the demo's files.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from './helpers/serviceProcess.js';

/** The application the demo seeds on the AWS simulator (fleet generator: `{appPrefix}{n}`). */
const AWS_APP = 'awsdemo0';

let demo: ChildProcess;
let out = '';
let exited: Promise<number | null>;

async function waitFor(re: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const m = re.exec(out);
    if (m) return m;
    if (demo.exitCode !== null) throw new Error(`demo exited (${demo.exitCode}):\n${out}`);
    if (Date.now() > end) throw new Error(`no ${re} within ${timeoutMs} ms:\n${out}`);
    await sleep(100);
  }
}

/** Spinnaker applications of the seeded Deployments, as real kubectl reads them from the simulator. */
function kubectlApplications(kubeconfig: string, context: string): string[] {
  const run = spawnSync('kubectl', ['--context', context, 'get', 'deployments', '-A', '-o', 'json'], { env: { ...process.env, KUBECONFIG: kubeconfig }, encoding: 'utf8', timeout: 20_000 });
  expect(run.status, run.stderr).toBe(0);
  const items = (JSON.parse(run.stdout) as { items: { metadata: { annotations?: Record<string, string> } }[] }).items;
  return items.map((d) => d.metadata.annotations?.['moniker.spinnaker.io/application']).filter((a): a is string => a !== undefined);
}

describe('npm run demo', () => {
  let url: string;
  let kubeconfig: string;
  let contexts: string[];

  beforeAll(async () => {
    const port = await freePort();
    demo = spawn('npm', ['run', 'demo'], { cwd: repoRoot, env: { ...process.env, PORT: String(port) }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    demo.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    demo.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    exited = new Promise((resolve) => demo.once('exit', (code) => resolve(code)));
    url = (await waitFor(/clouddriver demo running at (http:\/\/\S+)/, 120_000))[1] ?? '';
    expect(url).toBe(`http://127.0.0.1:${port}`);
    await waitFor(/Ctrl-C stops everything/, 5_000);
    const kubectl = /KUBECONFIG=(\S+) kubectl/.exec(out);
    kubeconfig = kubectl?.[1] ?? '';
    contexts = (/accounts\s+(.+) \(Kubernetes/.exec(out)?.[1] ?? '').split(', ');
  }, 150_000);

  afterAll(async () => {
    if (demo.exitCode === null) {
      try {
        process.kill(-(demo.pid ?? 0), 'SIGKILL');
      } catch {
        // gone
      }
    }
  });

  it('serves the applications seeded on the simulated clusters and the AWS application beside them', async () => {
    expect(contexts).toHaveLength(2);
    const seeded = new Set(contexts.flatMap((c) => kubectlApplications(kubeconfig, c)));
    expect(seeded.size).toBeGreaterThan(0);
    const res = await fetch(`${url}/applications`);
    expect(res.status).toBe(200);
    const listed = ((await res.json()) as { name: string }[]).map((a) => a.name).sort();
    expect(listed).toEqual([...seeded, AWS_APP].sort());
    expect(out).toContain(`applications  ${listed.join(', ')}`);
    for (const app of seeded) {
      const groups = (await (await fetch(`${url}/applications/${app}/serverGroups`)).json()) as { account: string }[];
      expect(new Set(groups.map((g) => g.account))).toEqual(new Set(contexts));
    }
  });

  it('caches the AWS application: one server group of the AWS account behind a load balancer', async () => {
    expect(out).toMatch(/aws-demo \(AWS us-east-1, simulated at http:\/\/\S+\)/);
    const groups = (await (await fetch(`${url}/applications/${AWS_APP}/serverGroups`)).json()) as { name: string; account: string; cloudProvider: string; targetGroups: string[]; instances: unknown[] }[];
    expect(groups.map((g) => [g.name, g.account, g.cloudProvider])).toEqual([[`${AWS_APP}-prod-v000`, 'aws-demo', 'aws']]);
    expect(groups[0]?.instances).toHaveLength(2);
    const balancers = (await (await fetch(`${url}/applications/${AWS_APP}/loadBalancers`)).json()) as { name: string; serverGroups: { name: string }[] }[];
    expect(balancers.map((lb) => [lb.name, lb.serverGroups.map((g) => g.name)])).toEqual([[AWS_APP, [`${AWS_APP}-prod-v000`]]]);
    expect(groups[0]?.targetGroups).toEqual([`${AWS_APP}-tg`]);
  });

  it('prints example URLs that answer', async () => {
    const urls = [...out.matchAll(/curl '?(http:\/\/\S+?)'?$/gm)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThanOrEqual(5);
    for (const u of urls) expect((await fetch(u)).status, u).toBe(200);
  });

  it('stops the service and the simulators on SIGTERM and removes its files', async () => {
    const simUrl = /simulated at (https:\/\/\S+?)\)/.exec(out)?.[1] ?? '';
    expect(simUrl).not.toBe('');
    const awsSimUrl = /AWS us-east-1, simulated at (http:\/\/\S+?)\)/.exec(out)?.[1] ?? '';
    expect(awsSimUrl).not.toBe('');
    process.kill(demo.pid ?? 0, 'SIGTERM');
    await Promise.race([exited, sleep(45_000)]);
    expect(demo.exitCode ?? demo.signalCode).not.toBeNull();
    expect(out).toContain('demo stopped');
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await expect(fetch(simUrl)).rejects.toThrow();
    await expect(fetch(`${awsSimUrl}/_sim/accounts`)).rejects.toThrow();
    expect(existsSync(kubeconfig)).toBe(false);
  }, 60_000);
});
