/**
 * scripts/start.sh, the launcher `npm start` (and the test and bench harness) runs the service
 * through: node with the given arguments, preloading jemalloc when the machine has it unless
 * CLOUDDRIVER_ALLOCATOR=system.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './helpers/serviceProcess.js';

const JEMALLOC = ['/usr/lib/x86_64-linux-gnu/libjemalloc.so.2', '/usr/lib/aarch64-linux-gnu/libjemalloc.so.2', '/usr/lib64/libjemalloc.so.2', '/usr/lib/libjemalloc.so.2', '/usr/local/lib/libjemalloc.so.2'];
const available = JEMALLOC.some((lib) => existsSync(lib));

/** Runs a one-line script through the launcher; answers whether jemalloc is mapped into node, its LD_PRELOAD, and its arguments. */
function launch(env: Record<string, string> = {}): { jemalloc: boolean; preload: string; argv: string[] } {
  const script =
    "const maps = require('fs').readFileSync('/proc/self/maps', 'utf8'); console.log(JSON.stringify({ jemalloc: maps.includes('libjemalloc'), preload: process.env.LD_PRELOAD ?? '', argv: process.argv.slice(1) }))";
  const out = execFileSync('sh', [join(repoRoot, 'scripts/start.sh'), '-e', script, 'one', 'two words'], {
    env: { ...process.env, CLOUDDRIVER_NODE: process.execPath, CLOUDDRIVER_ALLOCATOR: '', LD_PRELOAD: '', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as { jemalloc: boolean; preload: string; argv: string[] };
}

describe('scripts/start.sh', () => {
  it('passes every argument through to node, as given', () => {
    expect(launch().argv).toEqual(['one', 'two words']);
  });

  it.runIf(available)('preloads jemalloc when the machine has it', () => {
    const lib = JEMALLOC.find((l) => existsSync(l)) ?? '';
    expect(launch()).toMatchObject({ jemalloc: true, preload: lib });
    // Not twice when already preloaded.
    expect(launch({ LD_PRELOAD: lib })).toMatchObject({ jemalloc: true, preload: lib });
  });

  it('keeps the system allocator with CLOUDDRIVER_ALLOCATOR=system', () => {
    expect(launch({ CLOUDDRIVER_ALLOCATOR: 'system' }).jemalloc).toBe(false);
  });
});
