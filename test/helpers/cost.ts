import { Session } from 'node:inspector/promises';

/** CPU time (user + system) `fn` takes, in ms: what a busy machine inflates far less than wall time. */
export function cpuMs(fn: () => void): number {
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

/**
 * Bytes `fn` allocates on the JavaScript heap, as V8's sampling heap profiler sees them (one
 * sample per `intervalBytes`, objects the collector has already freed included): what a run's
 * young-generation collections pay for, which live-heap figures do not show.
 */
export async function allocatedBytes(fn: () => void, intervalBytes = 4096): Promise<number> {
  const session = new Session();
  session.connect();
  try {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', { samplingInterval: intervalBytes, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    fn();
    const { profile } = await session.post('HeapProfiler.stopSampling');
    let bytes = 0;
    const pending = [profile.head];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      bytes += node.selfSize;
      pending.push(...node.children);
    }
    return bytes;
  } finally {
    session.disconnect();
  }
}
