import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AgentScheduler } from '../../core/agents/AgentScheduler.js';
import type { AccountCredentials } from '../../core/accounts/AccountCredentials.js';
import type { Clock } from '../../core/Clock.js';
import type { CacheData } from '../../core/cache/CacheData.js';
import { InputError, NotAllowedError, NotFoundError } from '../../core/errors.js';
import type { ProviderConsole } from '../../core/providers/ProviderConsole.js';
import { toTaskJson, type TaskRecord } from '../../core/tasks/Task.js';
import type { TaskRepository } from '../../core/tasks/TaskRepository.js';
import { ConsoleAccess } from './access.js';
import { accountViews, type AgentFacts, type AccountView } from './accountsView.js';
import { agentRow } from './agentsView.js';
import { itemView, keyPage, typeCounts, type BrowsableCache } from './cacheBrowser.js';
import { registerConsoleAssets } from './consoleAssets.js';
import { RecentTaskIndex, describeSubmission } from './recentTasks.js';
import { matchesTaskFilter, taskRow } from './tasksView.js';
import { redactSecrets } from './redaction.js';
import { syncProgress } from '../../startupProgress.js';

/** A provider as the console sees it: its id, its cache namespace and its optional console hooks. */
export interface ConsoleProvider {
  readonly id: string;
  readonly cacheNamespace: string;
  readonly console: ProviderConsole | undefined;
}

export interface ConsoleDeps {
  readonly accounts: () => readonly AccountCredentials[];
  readonly scheduler: AgentScheduler;
  readonly cacheFor: (namespace: string) => BrowsableCache;
  readonly providers: readonly ConsoleProvider[];
  readonly tasks: TaskRepository;
  /** This instance's id (lease owner). */
  readonly instanceId: string;
  readonly clock: Clock;
}

const TAGS = ['console'];
const doc = (summary: string, description: string, extra: Record<string, unknown> = {}) => ({ schema: { summary, description, tags: TAGS, ...extra } });
const query = (properties: Record<string, unknown>, required: string[] = []) => ({ querystring: { type: 'object', properties, ...(required.length > 0 ? { required } : {}) } });
const S = { type: 'string' };
const I = { type: 'integer', minimum: 0 };
/** Tasks listed at most (the newest). */
const MAX_TASKS = 200;

/**
 * The operator console: a page at `/console` (static HTML, one script, one style sheet, all
 * served from here) and the read-only JSON it reads under `/console/api/`. Everything is
 * filtered with the API's read rules (`ConsoleAccess`) and passed through `redactSecrets` (after
 * the provider's own `redact`). The one write is on-demand refresh, which the page POSTs to the
 * existing `/cache/{provider}/{type}` route.
 */
export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const recent = new RecentTaskIndex();
  const byId = new Map(deps.providers.map((p) => [p.id, p]));
  const accessOf = async (req: FastifyRequest): Promise<ConsoleAccess> => {
    const perms = await req.permissions();
    return new ConsoleAccess(perms, (provider) => deps.accounts().filter((a) => a.cloudProvider === provider).map((a) => a.name));
  };
  const providerOf = (id: string): ConsoleProvider => {
    const p = byId.get(id);
    if (p === undefined) throw new NotFoundError(`No provider ${id}`);
    return p;
  };
  const redact = (p: ConsoleProvider, type: string) => (item: CacheData): CacheData => {
    const own = p.console?.redact?.(type, item) ?? item;
    return { ...own, attributes: redactSecrets(own.attributes) as Record<string, unknown> };
  };

  // Tasks submitted here: remembered with the accounts they name (for listing and authorization).
  app.addHook('preSerialization', async (req, reply, payload) => {
    if (req.method !== 'POST' || reply.statusCode >= 300 || !/\/ops(\/:name)?$/.test(req.routeOptions.url ?? '')) return payload;
    const answer = payload as { id?: unknown; resourceUri?: unknown } | null;
    if (typeof answer?.id !== 'string' || typeof answer.resourceUri !== 'string') return payload;
    const params = (req.params ?? {}) as { cloudProvider?: string; name?: string };
    const { operations, accounts } = describeSubmission(req.body, params.name);
    const user = req.headers['x-spinnaker-user'];
    recent.add({ id: answer.id, cloudProvider: params.cloudProvider ?? 'unknown', operations, accounts, user: typeof user === 'string' ? user : null, submittedMs: deps.clock.now() });
    return payload;
  });

  registerConsoleAssets(app);

  const agentFacts = (): Map<string, AgentFacts[]> => {
    const records = new Map(deps.scheduler.runRecords().map((r) => [r.id, r]));
    const accountOf = new Map(deps.scheduler.agents().map((a) => [a.agentType, a.accountName]));
    const out = new Map<string, AgentFacts[]>();
    for (const introspection of deps.scheduler.introspection()) {
      const account = accountOf.get(introspection.id);
      if (account === undefined) continue;
      const key = `${introspection.provider}/${account}`;
      out.set(key, [...(out.get(key) ?? []), { introspection, record: records.get(introspection.id) }]);
    }
    return out;
  };
  /** Provider id -> cache namespace, for matching agents (which name their namespace) to accounts (which name their provider). */
  const accountRefs = (access: ConsoleAccess) =>
    deps
      .accounts()
      .filter((a) => access.account(a.name))
      .map((a) => ({ cloudProvider: byId.get(a.cloudProvider)?.cacheNamespace ?? a.cloudProvider, name: a.name, provider: a.cloudProvider }));

  const accountsNow = async (access: ConsoleAccess): Promise<AccountView[]> => {
    const refs = accountRefs(access);
    const views = accountViews(refs, agentFacts());
    return Promise.all(
      views.map(async (v, i) => {
        const provider = refs[i]?.provider ?? v.provider;
        const owner = await byId.get(provider)?.console?.accountOwner?.(v.name).catch(() => undefined);
        return { ...v, provider, owner: owner ?? null };
      }),
    );
  };

  app.get('/console/api/overview', doc('Console overview', 'This instance, the accounts by state, the first sync across accounts (as the start-up log reports it: synced, syncing, failing, following, objects), the accounts still on their first sync with their progress, and failing agents: the first screen of the operator console. Only accounts the caller may READ.'), async (req) => {
    const access = await accessOf(req);
    const accounts = await accountsNow(access);
    const byState: Record<string, number> = {};
    for (const a of accounts) byState[a.state] = (byState[a.state] ?? 0) + 1;
    const agents = deps.scheduler.runRecords().filter((r) => r.accountName === undefined || access.account(r.accountName));
    // The start-up progress the log reports (`accounts syncing: n/m`), over the accounts the caller may read.
    const mine = (a: { accountName?: string | undefined }): boolean => a.accountName !== undefined && access.account(a.accountName);
    const firstSync = syncProgress({ syncRecords: () => deps.scheduler.syncRecords().filter((r) => mine(r.agent)) });
    return {
      instance: deps.instanceId,
      nowMs: deps.clock.now(),
      providers: deps.providers.map((p) => p.id),
      accounts: { total: accounts.length, byState },
      firstSync,
      syncing: accounts.filter((a) => a.state === 'syncing').map((a) => ({ provider: a.provider, name: a.name, progress: a.progress, objects: a.objects })),
      agents: { total: agents.length, failing: agents.filter((r) => r.consecutiveFailures > 0).length },
    };
  });

  app.get('/console/api/accounts', doc('Accounts and their cache state', 'Every account the caller may READ: provider, state (watching, synced, syncing, following, stale, degraded, unreachable), objects cached, last successful sync, last error, sync progress and the instance that caches it.'), async (req) => accountsNow(await accessOf(req)));

  app.get<{ Querystring: { account?: string; provider?: string; failing?: string; offset?: number; limit?: number } }>(
    '/console/api/agents',
    doc('Caching agents', 'Caching agents of the accounts the caller may READ: last run (start, duration, additions, evictions, error), last success, failures, totals, and the instance holding the agent lease. Paged (offset, limit).', query({ account: S, provider: S, failing: S, offset: I, limit: I })),
    async (req) => {
      const access = await accessOf(req);
      const records = new Map(deps.scheduler.runRecords().map((r) => [r.id, r]));
      const accountOf = new Map(deps.scheduler.agents().map((a) => [a.agentType, a.accountName]));
      const all = deps.scheduler
        .introspection()
        .map((i) => ({ introspection: i, record: records.get(i.id), account: accountOf.get(i.id) }))
        .filter((a) => (a.account === undefined ? access.everything : access.account(a.account)))
        .filter((a) => (req.query.account === undefined || a.account === req.query.account) && (req.query.provider === undefined || a.introspection.provider === req.query.provider))
        .filter((a) => req.query.failing !== 'true' || (a.record?.consecutiveFailures ?? 0) > 0 || a.introspection.lastError !== null)
        .sort((x, y) => x.introspection.id.localeCompare(y.introspection.id));
      const offset = req.query.offset ?? 0;
      const limit = Math.min(req.query.limit ?? 200, 500);
      const page = all.slice(offset, offset + limit);
      const agents = await Promise.all(
        page.map(async ({ introspection: i, record: r, account }) => agentRow(i, r, account, await deps.scheduler.leaseHolder(i.id).catch(() => undefined), deps.instanceId)),
      );
      return { total: all.length, offset, limit, agents };
    },
  );

  /** The types a provider's agents write (the store may hold more). */
  const declaredTypes = (p: ConsoleProvider): string[] =>
    deps.scheduler.agents().filter((a) => a.providerName === p.cacheNamespace).flatMap((a) => a.providedDataTypes.map((t) => t.typeName));

  app.get('/console/api/cache', doc('Cache types', 'Per provider, the cache types (those its agents write and those the store holds) with the number of their items the caller may READ.'), async (req) => {
    const access = await accessOf(req);
    return Promise.all(
      deps.providers.map(async (p) => ({
        provider: p.id,
        namespace: p.cacheNamespace,
        types: await typeCounts(deps.cacheFor(p.cacheNamespace), declaredTypes(p), access.everything ? undefined : (type, id) => access.key(p.id, p.console, type, id)),
      })),
    );
  });

  app.get<{ Params: { provider: string; type: string }; Querystring: { q?: string; offset?: number; limit?: number } }>(
    '/console/api/cache/:provider/:type/keys',
    doc('Cache keys of a type', 'One page of the keys of a cache type, sorted; q keeps the keys containing it (case-insensitive). Keys of accounts or applications the caller may not READ are left out.', query({ q: S, offset: I, limit: I })),
    async (req) => {
      const access = await accessOf(req);
      const p = providerOf(req.params.provider);
      return keyPage(deps.cacheFor(p.cacheNamespace), req.params.type, { q: req.query.q ?? '', offset: req.query.offset ?? 0, limit: req.query.limit ?? 50 }, (id) => access.key(p.id, p.console, req.params.type, id));
    },
  );

  app.get<{ Params: { provider: string; type: string }; Querystring: { id: string; inbound?: string } }>(
    '/console/api/cache/:provider/:type/item',
    doc(
      'One cached item',
      'Attributes (secrets redacted) and relationships of one item, each related key marked cached and whether it points back; with inbound=true also the items of every type that point to it. Gives the on-demand refresh request when the provider has one. 403 when the caller may not READ its account or application.',
      query({ id: S, inbound: S }, ['id']),
    ),
    async (req) => {
      const access = await accessOf(req);
      const p = providerOf(req.params.provider);
      const cache = deps.cacheFor(p.cacheNamespace);
      const raw = await cache.get(req.params.type, req.query.id, []);
      if (raw === undefined) throw new NotFoundError(`${req.params.type} ${req.query.id} is not cached`);
      access.assertItem(p.id, p.console, req.params.type, raw);
      const inbound = req.query.inbound === 'true';
      const types = inbound ? [...new Set([...((await cache.types?.()) ?? []), ...declaredTypes(p)])] : [];
      const view = await itemView(cache, req.params.type, req.query.id, {
        redact: redact(p, req.params.type),
        readable: (id) => access.key(p.id, p.console, req.params.type, id),
        inbound,
        types,
      });
      if (view === undefined) throw new NotFoundError(`${req.params.type} ${req.query.id} is not cached`);
      const onDemand = p.console?.onDemandRequest?.(req.params.type, raw);
      return { provider: p.id, ...view, onDemand: onDemand === undefined ? null : { path: `/cache/${encodeURIComponent(p.id)}/${encodeURIComponent(onDemand.type)}`, body: onDemand.body } };
    },
  );

  app.get<{ Querystring: { name: string; account?: string; namespace?: string; kind?: string; provider?: string } }>(
    '/console/api/missing',
    doc(
      'Why is this missing?',
      'For an application, cluster or object name: the cached keys that match and what they point to, and for objects of that name found at the cloud, every caching filter (kinds, omitKinds, namespaces, omitNamespaces, the ignore annotation, onlySpinnakerManaged) and whether it excludes the object. Only accounts and applications the caller may READ.',
      query({ name: S, account: S, namespace: S, kind: S, provider: S }, ['name']),
    ),
    async (req) => {
      const access = await accessOf(req);
      const name = req.query.name.trim();
      if (name === '') throw new InputError('name is required');
      if (req.query.account !== undefined && !access.account(req.query.account)) throw new NotAllowedError(`Access denied to account ${req.query.account}`);
      const results = [];
      for (const p of deps.providers) {
        if (p.console?.explainMissing === undefined || (req.query.provider !== undefined && req.query.provider !== p.id)) continue;
        const readable = deps.accounts().filter((a) => a.cloudProvider === p.id && access.account(a.name)).map((a) => a.name);
        const q = { name, ...(req.query.account === undefined ? {} : { account: req.query.account }), ...(req.query.namespace === undefined ? {} : { namespace: req.query.namespace }), ...(req.query.kind === undefined ? {} : { kind: req.query.kind }) };
        const e = await p.console.explainMissing(q, readable);
        results.push({
          provider: p.id,
          found: e.found.filter((f) => access.key(p.id, p.console, f.type, f.id)).map((f) => ({ ...f, relationships: Object.fromEntries(Object.entries(f.relationships).map(([t, ids]) => [t, ids.filter((id) => access.key(p.id, p.console, t, id))])) })),
          live: e.live,
          errors: e.errors,
          notes: e.notes,
        });
      }
      return { name, providers: results };
    },
  );

  const visibleTask = (access: ConsoleAccess, id: string): boolean => (recent.get(id)?.accounts ?? []).every((a) => access.account(a));

  app.get<{ Querystring: { state?: string; q?: string } }>(
    '/console/api/tasks',
    doc('Recent tasks', 'The tasks submitted through this instance (newest first, at most 500 remembered) and the running tasks of every instance sharing the task store, with their state; state (STARTED, COMPLETED, FAILED, FAILED_RETRYABLE) and q (text in the id, operations, accounts or status) filter them. Tasks naming accounts the caller may not READ are left out.', query({ state: S, q: S })),
    async (req) => {
      const access = await accessOf(req);
      const ids = new Set(recent.list().map((t) => t.id));
      const running = await deps.tasks.listRunning();
      const loaded = (await Promise.all([...ids].map((id) => deps.tasks.get(id)))).filter((t): t is TaskRecord => t !== undefined);
      const byTaskId = new Map([...loaded, ...running].map((t) => [t.id, t]));
      const rows = [...byTaskId.values()]
        .filter((t) => visibleTask(access, t.id))
        .map((t) => taskRow(t, recent.get(t.id)))
        .filter((r) => matchesTaskFilter(r, req.query))
        .sort((a, b) => b.startTimeMs - a.startTimeMs)
        .slice(0, MAX_TASKS);
      return rows;
    },
  );

  app.get<{ Params: { id: string } }>(
    '/console/api/tasks/:id',
    doc('One task', 'A task with its history lines, result objects and outputs (secrets redacted). 403 when it names an account the caller may not READ.'),
    async (req) => {
      const access = await accessOf(req);
      const task = await deps.tasks.get(req.params.id);
      if (task === undefined) throw new NotFoundError(`Task not found (id: ${req.params.id})`);
      if (!visibleTask(access, task.id)) throw new NotAllowedError(`Access denied to task ${task.id}`);
      const json = toTaskJson(task);
      return { ...taskRow(task, recent.get(task.id)), history: task.history, resultObjects: redactSecrets(json.resultObjects), outputs: redactSecrets(json.outputs), sagaIds: json.sagaIds };
    },
  );
}
