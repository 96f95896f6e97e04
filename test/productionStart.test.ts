/**
 * `npm start` needs no dev dependency and no TypeScript loader: a deployment holding only
 * package.json, package-lock.json, dist/, scripts/build.mjs (the prestart check) and scripts/start.sh
 * (the launcher), with the
 * node_modules `npm ci --omit=dev` installs — the lockfile's packages not marked `dev`, in the
 * lockfile's layout, hard-linked from this checkout rather than downloaded again — starts, answers
 * `/health`, runs `node dist/main.js` itself, and stops cleanly on SIGTERM sent to npm.
 * (scripts/checkProductionInstall.sh runs the real `npm ci --omit=dev`, slower: a native build.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, repoRoot, startService } from './helpers/serviceProcess.js';
import type { ServiceProcess } from './helpers/serviceProcess.js';

interface Lockfile {
  packages: Record<string, { dev?: boolean; optional?: boolean }>;
}

const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
let dir: string;

/** Every bare module specifier the compiled service imports, statically or dynamically. */
function bareImports(): Set<string> {
  const specs = new Set<string>();
  const visit = (path: string): void => {
    for (const entry of readdirSync(path)) {
      const file = join(path, entry);
      if (statSync(file).isDirectory()) visit(file);
      else if (file.endsWith('.js')) {
        // Static imports and re-exports start a line in tsc's output; a message such as
        // `removed from '${name}'` inside a template string is not an import.
        for (const m of readFileSync(file, 'utf8').matchAll(/(?:^(?:import|export)\b[^\n]*?\bfrom\s*|\bimport\s*\(\s*|^import\s+)'([^'./][^']*)'/gm)) specs.add(m[1] ?? '');
      }
    }
  };
  visit(join(repoRoot, 'dist'));
  return specs;
}

const packageOf = (spec: string): string => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] ?? spec));

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'clouddriver-production-'));
  cpSync(join(repoRoot, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const file of ['package.json', 'package-lock.json', 'scripts/build.mjs', 'scripts/start.sh']) cpSync(join(repoRoot, file), join(dir, file));
  const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only: nested ones come with their parent's directory.
    if (!path.startsWith('node_modules/') || path.slice('node_modules/'.length).includes('node_modules/') || entry.dev === true) continue;
    if (!existsSync(join(repoRoot, path)) && entry.optional === true) continue; // not for this platform
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    execFileSync('cp', ['-al', join(repoRoot, path), join(dir, path)]);
  }
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('the compiled service without dev dependencies', () => {
  it('imports only Node built-ins and declared runtime dependencies', () => {
    const specs = bareImports();
    expect(specs.has('fastify')).toBe(true);
    const undeclared = [...specs].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s) && !(packageOf(s) in pkg.dependencies));
    expect(undeclared).toEqual([]);
  });

  it('resolves every import in a node_modules without dev dependencies', () => {
    // Dev dependencies no runtime package needs as well (@types/node is also a runtime package's).
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8')) as Lockfile;
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => lock.packages[`node_modules/${d}`]?.dev === true);
    expect(devOnly).toEqual(expect.arrayContaining(['typescript', 'tsx', 'vitest']));
    for (const dev of devOnly) expect(existsSync(join(dir, 'node_modules', dev)), dev).toBe(false);
    const specs = [...bareImports()].filter((s) => !s.startsWith('node:') && !builtinModules.includes(s));
    const script = `for (const s of ${JSON.stringify(specs)}) import.meta.resolve(s); console.log('resolved', ${specs.length});`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(dir, 'dist'), encoding: 'utf8' })).toContain(`resolved ${specs.length}`);
  });

  describe('npm start there', () => {
    let svc: ServiceProcess;
    beforeAll(async () => {
      svc = await startService({ runner: 'npm', cwd: dir });
    }, 60_000);

    it('answers /health from node dist/main.js, with no TypeScript loader, and stops on SIGTERM to npm', async () => {
      const health = await fetch(`${svc.url}/health`);
      expect(health.status).toBe(200);
      const pid = Number(/"pid":(\d+)[^\n]*"msg":"clouddriver listening"/.exec(svc.output())?.[1]);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      expect(cmdline.slice(1)).toEqual(['dist/main.js']);
      expect(readFileSync(`/proc/${pid}/environ`, 'utf8')).not.toMatch(/NODE_OPTIONS=[^\0]*tsx/);
      expect(existsSync(join(dir, 'data', 'clouddriver.db'))).toBe(true);
      expect(await svc.stop('SIGTERM')).toBe(true);
    }, 60_000);
  });
});
