/**
 * The whole-suite secret audit's scanner. In capture mode (`CLOUDDRIVER_CAPTURE_DIR`, see
 * src/api/server.ts) every service of a test run leaves, per process, under one directory:
 * `inputs-*.log` (its configuration and every request body: what it was given, secrets included),
 * `responses-*.log` (every response body), `log-*.log` (every log line from debug up) and
 * `stores/*` (each SQLite store file when the service stopped); tests add `secrets-*.log` through
 * `registerTestSecret` for secret values the service reads from elsewhere (files, commands).
 *
 * `collectSecrets` derives the secret values from the inputs: configured credentials (keys named
 * like password, token, secret, private key), tokens and keys inside kubeconfigs, and the values
 * of every Kubernetes Secret manifest submitted (`data` decoded, `stringData` also base64), plus
 * the registered ones and the constants of `KNOWN_TEST_SECRETS`; `findLeaks` searches every response, log line and store file for each
 * value (and its base64 form). Values shorter than `MIN_SECRET_LENGTH` are ignored: they match by
 * chance.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KNOWN_TEST_SECRETS } from './testSecrets.js';

export const MIN_SECRET_LENGTH = 8;

/** Keys whose string values are secrets in a configuration or an account definition. */
const SECRET_KEY = /(password|passwd|token|secret|secretkey|secretaccesskey|apikey|privatekey)$/i;
/** Secret lines inside a kubeconfig (YAML or JSON). */
const KUBECONFIG_SECRET = /["']?(token|password|client-key-data|client-secret|id-token|refresh-token)["']?\s*:\s*["']?([^\s"',}]+)/g;
/**
 * Secrets known by their shape rather than their value: the Kubernetes simulator's bearer tokens
 * (`sim-token-{cluster}`), whichever way a test handed the kubeconfig over (contents or a file).
 */
const SECRET_PATTERNS: readonly { readonly what: string; readonly pattern: RegExp }[] = [{ what: "a Kubernetes simulator's bearer token", pattern: /sim-token-[A-Za-z0-9-]+/ }];
/** Placeholders redaction writes, never secrets. */
const NOT_SECRETS = new Set(['[secret]', '[REDACTED]', '<redacted>']);

export interface Secret {
  readonly value: string;
  /** Where it came from (for the report; never the value itself). */
  readonly what: string;
}

export interface Leak {
  readonly secret: string;
  readonly file: string;
  /** Context around the match, every secret in it replaced by `<secret>`. */
  readonly excerpt: string;
}

function files(dir: string, prefix: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.startsWith(prefix)).map((f) => join(dir, f)) : [];
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

/** Every secret value the captured inputs and registrations name, deduplicated. */
export function collectSecrets(dir: string): Secret[] {
  const found = new Map<string, string>();
  const add = (value: unknown, what: string): void => {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH || NOT_SECRETS.has(value) || found.has(value)) return;
    found.set(value, what);
    const b64 = Buffer.from(value).toString('base64');
    if (!found.has(b64)) found.set(b64, `${what} (base64)`);
  };
  const kubeconfig = (text: string, what: string): void => {
    for (const m of text.matchAll(KUBECONFIG_SECRET)) add(m[2], `${what}: kubeconfig ${m[1] ?? ''}`);
  };
  const walk = (value: unknown, what: string, keyed: boolean): void => {
    if (Array.isArray(value)) {
      for (const v of value) walk(v, what, keyed);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Record<string, unknown>;
    if (obj.kind === 'Secret') {
      for (const v of Object.values(isRecord(obj.data) ? obj.data : {})) {
        if (typeof v !== 'string') continue;
        add(v, `${what}: Secret data`);
        add(Buffer.from(v, 'base64').toString('utf8'), `${what}: Secret data (decoded)`);
      }
      for (const v of Object.values(isRecord(obj.stringData) ? obj.stringData : {})) add(v, `${what}: Secret stringData`);
    }
    for (const [key, v] of Object.entries(obj)) {
      if (typeof v === 'string') {
        if (/kubeconfig/i.test(key)) kubeconfig(v, what);
        else if (keyed && SECRET_KEY.test(key)) add(v, `${what}: ${key}`);
      } else walk(v, what, keyed);
    }
  };
  for (const file of files(dir, 'inputs-')) {
    for (const line of lines(file)) {
      const { what, value } = JSON.parse(line) as { what: string; value: unknown };
      // Credentials by key name only where they are credentials: the configuration and the
      // account storage API; any body may carry a Secret manifest or a kubeconfig.
      walk(value, what, what === 'config' || / \/credentials/.test(what));
    }
  }
  for (const { value, what } of KNOWN_TEST_SECRETS) add(value, what);
  for (const file of files(dir, 'secrets-')) for (const line of lines(file)) {
    const { value, what } = JSON.parse(line) as Secret;
    add(value, what);
  }
  return [...found].map(([value, what]) => ({ value, what }));
}

/** Every place a secret appears in the captured responses, log lines and store files. */
export function findLeaks(dir: string, secrets: readonly Secret[]): Leak[] {
  const targets = [...files(dir, 'responses-'), ...files(dir, 'log-'), ...files(join(dir, 'stores'), '')];
  const leaks: Leak[] = [];
  for (const file of targets) {
    const text = readFileSync(file).toString('latin1');
    const matches = [
      ...secrets.map(({ value, what }) => ({ what, value: Buffer.from(value).toString('latin1') })),
      ...SECRET_PATTERNS.map(({ what, pattern }) => ({ what, value: pattern.exec(text)?.[0] ?? '' })),
    ];
    for (const { value, what } of matches) {
      const at = value === '' ? -1 : text.indexOf(value);
      if (at < 0) continue;
      let excerpt = text.slice(Math.max(0, at - 120), at + value.length + 120);
      for (const other of secrets) excerpt = excerpt.split(other.value).join('<secret>'); // never print any secret
      for (const { pattern } of SECRET_PATTERNS) excerpt = excerpt.replace(new RegExp(pattern.source, 'g'), '<secret>');
      excerpt = excerpt.replace(/[^\x20-\x7e]/g, '.');
      leaks.push({ secret: what, file, excerpt });
    }
  }
  return leaks;
}

/** What was scanned, for the audit's summary line. */
export function capturedCounts(dir: string): { responses: number; logLines: number; storeFiles: number } {
  const count = (prefix: string) => files(dir, prefix).reduce((n, f) => n + lines(f).length, 0);
  return { responses: files(dir, 'responses-').reduce((n, f) => n + (readFileSync(f, 'utf8').match(/^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \S+ \d{3}$/gm)?.length ?? 0), 0), logLines: count('log-'), storeFiles: files(join(dir, 'stores'), '').length };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
