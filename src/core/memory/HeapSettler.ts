import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapSettlerOptions {
  /** Items loaded since the last collection before one is worth it. */
  readonly minItems: number;
  /** How long loads must have been quiet before collecting. */
  readonly quietMs: number;
  /**
   * How long after that collection a second one runs (later still when loads come meanwhile):
   * the trim. V8 shrinks its young generation, grown to its maximum (32 MB) by a fill, only in a
   * collection that finds little being allocated, which the first one, right after the load,
   * never does.
   */
  readonly trimAfterMs: number;
  /** Obtains the full (major) collection, once, when first needed; undefined when none can be had (the settler then does nothing). */
  readonly obtainCollector: () => (() => void) | undefined;
  /**
   * The largest heap (bytes in use) a collection is run on. The collection is atomic: it holds
   * the event loop for as long as marking and compacting take, which grows with the heap (~0.9 s
   * per GB of pod-like objects on the 2-core bench machine, docs/benchmarks.md §5). A bigger heap
   * is left to V8's own collections, which mark incrementally and concurrently.
   */
  readonly maxHeapBytes: number;
  /** The heap's bytes in use now. */
  readonly heapUsedBytes: () => number;
}

/**
 * Gives back the memory of bulk loads. Filling a cache (an account's first LIST and its
 * write-through, a relist, a load from the store) leaves the heap full of that load's garbage —
 * response texts, parsed pages, serialized items — and V8 collects the old generation only when
 * it next runs short, which on a service that then sits idle can be never: the RSS stays at the
 * fill's peak (docs/benchmarks.md §4: 97 MB of a 282 MB heap was garbage 10 s after a 50k fill,
 * and 58 MB of buffers). Once `minItems` have been loaded and loads have been quiet for
 * `quietMs`, one major collection runs, at a moment when nothing else is happening; a second
 * one `trimAfterMs` later gives back the young generation's growth (docs/benchmarks.md §20: at
 * 50k objects, RSS 349 -> 286 MB and V8's heap 232 -> 170 MB).
 */
export class HeapSettler {
  private loaded = 0;
  private timer: NodeJS.Timeout | undefined;
  private trimTimer: NodeJS.Timeout | undefined;
  private gc: (() => void) | null | undefined;
  private runs = 0;
  private skips = 0;

  constructor(private readonly opts: HeapSettlerOptions) {}

  /** Reports `items` just loaded; a collection follows once loads pause. */
  loadedItems(items: number): void {
    this.loaded += items;
    if (this.trimTimer !== undefined) this.scheduleTrim(); // not quiet yet
    if (this.loaded < this.opts.minItems) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.settle(), this.opts.quietMs);
    this.timer.unref();
  }

  /** Collections run so far. */
  get collections(): number {
    return this.runs;
  }

  /** Collections not run because the heap was over `maxHeapBytes`. */
  get skipped(): number {
    return this.skips;
  }

  private settle(): void {
    this.timer = undefined;
    this.loaded = 0;
    if (this.gc === undefined) this.gc = this.opts.obtainCollector() ?? null;
    if (this.gc === null) return;
    this.collect();
    this.scheduleTrim();
  }

  private scheduleTrim(): void {
    clearTimeout(this.trimTimer);
    this.trimTimer = setTimeout(() => {
      this.trimTimer = undefined;
      this.collect();
    }, this.opts.trimAfterMs);
    this.trimTimer.unref();
  }

  private collect(): void {
    if (!this.gc) return;
    if (this.opts.heapUsedBytes() > this.opts.maxHeapBytes) {
      this.skips++;
      return;
    }
    this.runs++;
    this.gc();
  }
}

/**
 * V8's `gc()`, made available at run time so the service needs no `--expose-gc` on its command
 * line (a new context gets the function once the flag is set; the main context is unchanged).
 */
export function majorGc(): (() => void) | undefined {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    if (typeof gc !== 'function') return undefined;
    // Without arguments: a full collection. (An options object made in this context is not read
    // as such by the other context's function, and what runs is a young-generation collection.)
    return () => (gc as () => void)();
  } catch {
    return undefined;
  }
}

/**
 * The process's settler: 20,000 items loaded, then 3 s without a load; the trim 10 s later (V8
 * judges allocation over its last 5 s); on heaps up to 1 GiB.
 */
export const processHeapSettler = new HeapSettler({
  minItems: 20_000,
  quietMs: 3_000,
  trimAfterMs: 10_000,
  obtainCollector: majorGc,
  maxHeapBytes: 1024 * 1024 * 1024,
  heapUsedBytes: () => getHeapStatistics().used_heap_size,
});
