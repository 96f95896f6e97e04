#!/usr/bin/env node
/**
 * Builds the service into dist/ with `tsc -p tsconfig.build.json` (incremental) — only when a
 * source is newer than the last successful build, so `npm start` (prestart) and the test suite
 * pay nothing when dist/ is up to date. Plain JavaScript: it runs before anything is compiled.
 *
 *   node scripts/build.mjs            build when stale (prestart, test set-up, benchmarks)
 *   node scripts/build.mjs --force    always run tsc; type errors fail it (`npm run build`, images)
 *
 * When stale, type errors are reported but the JavaScript tsc still emits is used, as the
 * TypeScript loader this replaced ran code regardless of types: type checking is the job of
 * `npm run typecheck` (part of `npm test`), and `npm run build` for a release.
 *
 * Where there is no src/ (a deployment holding only package*.json, dist/ and this script) it
 * does nothing. Concurrent callers (test workers) take turns through a lock directory; the one
 * that waited finds the build fresh and returns.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const stamp = join(dist, '.built');
const lock = join(root, 'dist', '.build.lock');
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Newest mtime under the build inputs (directories count: a deleted or renamed file changes its directory). */
function newestInput() {
  let newest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    newest = Math.max(newest, st.mtimeMs);
    if (st.isDirectory()) for (const entry of readdirSync(path)) if (entry !== 'testing') visit(join(path, entry));
  };
  for (const input of INPUTS) visit(join(root, input));
  return newest;
}

function fresh() {
  if (!existsSync(join(dist, 'main.js'))) return false;
  try {
    return statSync(stamp).mtimeMs >= newestInput();
  } catch {
    return false;
  }
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function withLock(fn) {
  mkdirSync(dist, { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than any build is left from a killed build.
      try {
        if (Date.now() - statSync(lock).mtimeMs > 180_000) rmdirSync(lock);
      } catch {
        // taken away meanwhile
      }
      if (Date.now() > deadline) throw new Error(`scripts/build.mjs: ${lock} held for 3 minutes`);
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

function build() {
  let tsc;
  try {
    tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    if (existsSync(join(dist, 'main.js'))) {
      process.stderr.write('scripts/build.mjs: dist/ is older than src/ and TypeScript is not installed (npm ci without --omit=dev to rebuild); starting the existing build\n');
      return 0;
    }
    process.stderr.write('scripts/build.mjs: dist/ is missing and TypeScript is not installed: run `npm ci` (with dev dependencies) first\n');
    return 1;
  }
  const started = Date.now();
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  // tsc exits 2 when it found errors and still wrote every output, 1 when it wrote nothing.
  if (run.status === 2 && !strict) process.stderr.write('scripts/build.mjs: type errors above (dist/ written anyway; `npm run typecheck` to fix them)\n');
  else if (run.status !== 0) return run.status ?? 1;
  // The stamp carries the build's start time: an edit made while tsc ran still reads as newer.
  writeFileSync(stamp, '');
  utimesSync(stamp, started / 1000, started / 1000);
  process.stderr.write(`scripts/build.mjs: built dist/ in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  return 0;
}

const force = process.argv.includes('--force');
const strict = force;
if (!existsSync(join(root, 'src'))) process.exit(0);
if (!force && fresh()) process.exit(0);
process.exit(withLock(() => (!force && fresh() ? 0 : build())));
