/**
 * The whole-suite secret audit's scanner finds what it must: secrets derived from what services
 * were given (configuration, request bodies, registered values) are found in responses, log lines
 * and store files, in clear or base64, and a clean capture passes. And, when this run is audited,
 * the capture hooks really record this process's services.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { parseConfig } from '../src/config/loadConfig.js';
import { collectSecrets, findLeaks } from './helpers/secretAudit.js';
import { testProvider } from './fixtures/testProvider.js';
import { SECRETS } from './helpers/artifactServers.js';

const hex = (n: number) => randomBytes(n).toString('hex');
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('secret audit scanner', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  /** A capture directory as one service process would leave it. */
  const capture = () => {
    const dir = mkdtempSync(join(tmpdir(), 'cd-audit-unit-'));
    dirs.push(dir);
    mkdirSync(join(dir, 'stores'));
    const token = `kube-token-${hex(8)}`;
    const password = `registry-pw-${hex(8)}`;
    const stringData = `string-data-${hex(8)}`;
    const data = `data-value-${hex(8)}`;
    const registered = `from-a-file-${hex(8)}`;
    const kubeconfig = `apiVersion: v1\nusers:\n- name: u\n  user:\n    token: ${token}\n`;
    const inputs = [
      { what: 'config', value: { kubernetes: { accounts: [{ name: 'k', kubeconfigContents: kubeconfig }] }, dockerRegistry: { accounts: [{ name: 'd', password }] }, logging: { level: 'info' } } },
      { what: 'POST /kubernetes/ops', value: [{ deployManifest: { manifests: [{ kind: 'Secret', metadata: { name: 's' }, stringData: { pw: stringData }, data: { key: b64(data) } }] } }] },
      // Not credentials: a body's random "password" field outside the account API is not collected.
      { what: 'POST /kubernetes/ops', value: [{ password: 'fuzzed-not-a-secret' }] },
    ];
    writeFileSync(join(dir, 'inputs-1.log'), inputs.map((i) => JSON.stringify(i)).join('\n') + '\n');
    writeFileSync(join(dir, 'secrets-1.log'), `${JSON.stringify({ value: registered, what: 'a password file' })}\n`);
    writeFileSync(join(dir, 'responses-1.log'), 'GET /credentials 200\n[{"name":"k"}]\n');
    writeFileSync(join(dir, 'log-1.log'), '{"level":30,"msg":"clouddriver listening"}\n');
    writeFileSync(join(dir, 'stores', '1-clouddriver.db'), Buffer.from([0, 1, 2, 3]));
    return { dir, token, password, stringData, data, registered };
  };

  it('collects the secret values of configurations, account definitions, Secret manifests and registrations', () => {
    const { dir, token, password, stringData, data, registered } = capture();
    const values = collectSecrets(dir).map((s) => s.value);
    expect(values).toEqual(expect.arrayContaining([token, password, stringData, b64(stringData), data, b64(data), registered, SECRETS.password]));
    expect(values).not.toContain('fuzzed-not-a-secret');
    expect(values).not.toContain('info');
  });

  it('passes a clean capture', () => {
    const { dir } = capture();
    expect(findLeaks(dir, collectSecrets(dir))).toEqual([]);
  });

  it('fails on a deliberate leak in a response, a log line or a store file, in clear or base64, without printing the value', () => {
    const { dir, token, password, stringData, data, registered } = capture();
    appendFileSync(join(dir, 'responses-1.log'), `GET /manifests/k/default/secret%20s 200\n{"data":{"key":"${b64(data)}"}}\n`);
    appendFileSync(join(dir, 'log-1.log'), `{"level":50,"msg":"apply failed: ${stringData}"}\n{"level":20,"msg":"auth","header":"Basic ${b64(password)}"}\n`);
    appendFileSync(join(dir, 'responses-1.log'), `GET /credentials/k 200\n{"kubeconfig":"token: sim-token-cluster-${hex(3)}"}\n`); // a file-based kubeconfig's token: known by its shape
    writeFileSync(join(dir, 'stores', '2-clouddriver.db'), Buffer.concat([Buffer.from([0, 255]), Buffer.from(`{"kubeconfig":"token: ${token}","note":"${registered}"}`), Buffer.from([0])]));
    const leaks = findLeaks(dir, collectSecrets(dir));
    const where = (file: string) => leaks.filter((l) => l.file.endsWith(file)).map((l) => l.secret);
    expect(where('responses-1.log')).toEqual(expect.arrayContaining(['POST /kubernetes/ops: Secret data', "a Kubernetes simulator's bearer token"]));
    expect(where('log-1.log')).toEqual(expect.arrayContaining(['POST /kubernetes/ops: Secret stringData', 'config: password (base64)']));
    expect(where('2-clouddriver.db')).toEqual(expect.arrayContaining(['config: kubeconfig token', 'a password file']));
    for (const leak of leaks) for (const secret of [token, password, stringData, data, registered, 'sim-token-']) expect(leak.excerpt).not.toContain(secret);
  });
});

describe.runIf(process.env.CLOUDDRIVER_CAPTURE_DIR)('capture mode in this audited run', () => {
  it("records a service's configuration, response bodies, debug log lines and store file", async () => {
    const dir = process.env.CLOUDDRIVER_CAPTURE_DIR ?? '';
    const storeDir = mkdtempSync(join(tmpdir(), 'cd-audit-capture-'));
    const marker = `capture-${hex(6)}`;
    try {
      const config = parseConfig({ storage: { cache: 'memory', tasks: 'sqlite', sqlite: { path: join(storeDir, `${marker}.db`) } }, testProvider: { accounts: [{ name: marker, widgets: 0 }] } });
      const app = await createApp({ config, providers: [testProvider], logger: pino({ level: 'silent' }) });
      await app.server.ready();
      expect((await app.server.inject({ method: 'GET', url: `/credentials/${marker}` })).statusCode).toBe(200);
      await app.stop();
      const read = (prefix: string) => readFileSync(join(dir, `${prefix}-${process.pid}.log`), 'utf8');
      expect(read('inputs')).toContain(`"name":"${marker}"`);
      expect(read('responses')).toContain(`GET /credentials/${marker} 200`);
      expect(read('log')).toContain('"msg":"stopped"'); // an info line of a silent logger
      expect(existsSync(join(dir, 'stores')) && readdirSync(join(dir, 'stores')).some((f) => f.endsWith(`${marker}.db`))).toBe(true);
    } finally {
      rmSync(storeDir, { recursive: true, force: true });
    }
  });
});
