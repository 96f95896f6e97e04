/**
 * Runs the service (dist/main.js) under V8's sampling CPU profiler, for benchmarks: the bench
 * harness starts it in place of dist/main.js when `BENCH_SERVICE_MAIN` names it
 * (docs/benchmarks.md, "Profiling"). `--cpu-prof` cannot be passed through NODE_OPTIONS, and the
 * service's SIGTERM drain exits before `--cpu-prof` would write anyway.
 *
 *   BENCH_SERVICE_MAIN=scripts/profiledMain.mjs npm run bench:coldfill -- 50000
 *
 * Settings (environment): PROFILE_DIR (default /tmp/cdts-profiles), PROFILE_INTERVAL_US
 * (sampling interval, default 1000). The profile is written to {dir}/service-{pid}.cpuprofile
 * when the process is told to stop (SIGTERM, SIGINT); open it in Chrome DevTools.
 *
 * PROFILE_KIND=allocations samples allocations instead (V8's sampling heap profiler, one sample
 * per PROFILE_INTERVAL_BYTES, default 32 KiB), counting objects the garbage collector has already
 * freed too: where a run allocates, which is what its young-generation collections cost. Written
 * to {dir}/service-{pid}.heapprofile.
 */
import console from 'node:console';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const dir = process.env.PROFILE_DIR ?? '/tmp/cdts-profiles';
const session = new Session();
session.connect();
const allocations = process.env.PROFILE_KIND === 'allocations';
if (allocations) {
  session.post('HeapProfiler.enable');
  session.post('HeapProfiler.startSampling', {
    samplingInterval: Number(process.env.PROFILE_INTERVAL_BYTES ?? 32768),
    includeObjectsCollectedByMajorGC: true,
    includeObjectsCollectedByMinorGC: true,
  });
} else {
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: Number(process.env.PROFILE_INTERVAL_US ?? 1000) });
  session.post('Profiler.start');
}

let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  // An in-process session answers synchronously: the profile is on disk before the service's own handler exits.
  session.post(allocations ? 'HeapProfiler.stopSampling' : 'Profiler.stop', (err, result) => {
    if (err) return void console.error(`profile not written: ${err.message}`);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `service-${process.pid}.${allocations ? 'heapprofile' : 'cpuprofile'}`);
    writeFileSync(file, JSON.stringify(result.profile));
    console.error(`profile written to ${file}`);
  });
}
process.prependListener('SIGTERM', writeProfile);
process.prependListener('SIGINT', writeProfile);
process.on('exit', writeProfile);

await import(new URL('../dist/main.js', import.meta.url).href);
