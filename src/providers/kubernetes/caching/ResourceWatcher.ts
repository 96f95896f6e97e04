import type { Logger } from '../../../core/Logger.js';
import { KubeApiError, type KubeClient, type KubeObject, type WatchEvent } from '../client/KubeClient.js';

/** One collection to keep in sync: e.g. `/apis/apps/v1/namespaces/web/deployments`. */
export interface WatchedCollection {
  /** Stable id (e.g. `deployment` or `deployment/web`). */
  readonly id: string;
  /** Collection path (cluster-wide or per namespace). */
  readonly path: string;
}

export type WatcherPhase = 'listing' | 'watching' | 'backoff' | 'stopped';

export interface WatcherState {
  readonly phase: WatcherPhase;
  readonly resourceVersion: string | undefined;
  readonly lastSyncMs: number | undefined;
  readonly lastError: string | undefined;
  readonly consecutiveFailures: number;
}

export interface ResourceWatcherOptions {
  readonly client: KubeClient;
  readonly collection: WatchedCollection;
  readonly logger: Logger;
  /**
   * A (re)list delivers its pages to `onListPage` as they arrive (so processing overlaps the
   * next request), then `onListDone` once the full set has been seen.
   */
  readonly onListStart: () => void;
  readonly onListPage: (objects: readonly KubeObject[]) => void;
  readonly onListDone: () => void;
  readonly onChange: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void;
  /** Called whenever the state changes (for health). */
  readonly onState?: (state: WatcherState) => void;
  /** Server-side watch duration before a clean re-watch (seconds). */
  readonly watchTimeoutSeconds?: number;
  /** A watch with no bytes (not even bookmarks) for this long is treated as dead. */
  readonly idleTimeoutMs?: number;
  readonly backoffMs?: { readonly initial: number; readonly max: number };
  readonly pageSize?: number;
}

/**
 * Keeps one collection in sync by LIST then WATCH from the list's resourceVersion: resumes from
 * the last seen version (bookmarks included) when a watch ends, relists on 410 Gone, and backs
 * off exponentially on errors. Never throws; failures show in its state.
 */
export class ResourceWatcher {
  private readonly controller = new AbortController();
  private state: WatcherState = { phase: 'listing', resourceVersion: undefined, lastSyncMs: undefined, lastError: undefined, consecutiveFailures: 0 };
  private loop: Promise<void> | undefined;
  /** Whether the current watch delivered anything (an event or a bookmark) before it ended. */
  private watchProgressed = false;

  constructor(private readonly opts: ResourceWatcherOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.controller.abort();
    await this.loop;
    this.setState({ phase: 'stopped' });
  }

  current(): WatcherState {
    return this.state;
  }

  private setState(patch: Partial<WatcherState>): void {
    this.state = { ...this.state, ...patch };
    this.opts.onState?.(this.state);
  }

  private async run(): Promise<void> {
    const { signal } = this.controller;
    const backoff = this.opts.backoffMs ?? { initial: 250, max: 30_000 };
    let delay = backoff.initial;
    let needList = true;
    // 410s in a row from watches that delivered nothing: a cluster whose history keeps expiring.
    let fruitlessGones = 0;
    while (!signal.aborted) {
      try {
        if (needList) {
          this.setState({ phase: 'listing' });
          this.opts.onListStart();
          const list = await this.opts.client.listAll(this.opts.collection.path, {}, {
            signal,
            pageSize: this.opts.pageSize ?? 500,
            onPage: (items) => this.opts.onListPage(items),
          });
          this.opts.onListDone();
          this.setState({ resourceVersion: list.metadata.resourceVersion, lastSyncMs: Date.now() });
          needList = false;
        }
        this.setState({ phase: 'watching', lastError: undefined, consecutiveFailures: 0 });
        delay = backoff.initial;
        await this.watchOnce();
      } catch (err) {
        if (signal.aborted) break;
        const gone = err instanceof KubeApiError && err.status === 410;
        if (gone) {
          needList = true;
          fruitlessGones = this.watchProgressed ? 0 : fruitlessGones + 1;
          // The first 410 relists at once (the normal expiry of an old position); a cluster that
          // answers 410 again straight after a relist gets relists backed off with jitter instead
          // of a tight LIST loop.
          const wait = fruitlessGones <= 1 ? 0 : jittered(Math.min(backoff.initial * 2 ** (fruitlessGones - 2), backoff.max));
          this.opts.logger.debug({ collection: this.opts.collection.id, retryInMs: wait }, 'watch expired (410); relisting');
          if (wait > 0) await sleep(wait, signal);
          continue;
        }
        const message = err instanceof Error ? err.message : String(err);
        this.setState({ phase: 'backoff', lastError: message, consecutiveFailures: this.state.consecutiveFailures + 1 });
        this.opts.logger.warn({ collection: this.opts.collection.id, err: message, retryInMs: delay }, 'list/watch failed');
        await sleep(delay, signal);
        delay = Math.min(delay * 2, backoff.max);
        // After an error the stream position may be unusable; a relist is always safe.
        if (err instanceof KubeApiError && err.status !== 0) needList = true;
      }
    }
  }

  private async watchOnce(): Promise<void> {
    const query: Record<string, string> = {
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.opts.watchTimeoutSeconds ?? 300),
    };
    if (this.state.resourceVersion) query.resourceVersion = this.state.resourceVersion;
    let gone: KubeApiError | undefined;
    this.watchProgressed = false;
    await this.opts.client.watch(
      this.opts.collection.path,
      query,
      (event: WatchEvent) => {
        if (event.type === 'ERROR') {
          const status = event.object as unknown as { code?: number; message?: string };
          gone = new KubeApiError(status.code ?? 500, status.message ?? 'watch error');
          throw gone;
        }
        this.watchProgressed = true;
        const rv = event.object.metadata.resourceVersion;
        if (event.type !== 'BOOKMARK') this.opts.onChange(event.type, event.object);
        if (rv) this.state = { ...this.state, resourceVersion: rv, lastSyncMs: Date.now() };
      },
      { signal: this.controller.signal, idleTimeoutMs: this.opts.idleTimeoutMs ?? 60_000 },
    ).catch((err: unknown) => {
      throw gone ?? err;
    });
  }
}

/** `ms` ± 50 %, so watchers that failed together do not retry together. */
function jittered(ms: number): number {
  return Math.round(ms * (0.5 + Math.random()));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
