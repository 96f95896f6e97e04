import type { Redis } from 'ioredis';
import type { SagaId, TaskOutput, TaskRecord, TaskStatusEntry } from '../../core/tasks/Task.js';
import { UnknownTaskError, type NewTask, type TaskExpectation, type TaskRepository } from '../../core/tasks/TaskRepository.js';
import { newTaskId } from '../memory/InMemoryTaskRepository.js';
import { execPipeline } from './openRedis.js';

/** Clouddriver keeps task keys for 12 hours. */
const TASK_TTL_SECONDS = 12 * 60 * 60;

/*
 * KEYS: taskmap, task, history, running. ARGV: id, requestId, ownerId, startTimeMs, first entry JSON,
 * ttl, task key prefix, sealed execution ('' for none).
 * Returns the id of the task for the request: the new one, or the existing one when the map
 * names a task that still exists (a mapping whose task expired is taken over).
 */
const CREATE = `
local existing = redis.call('GET', KEYS[1])
if existing and redis.call('EXISTS', ARGV[7] .. existing) == 1 then return {existing, 0} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'requestId', ARGV[2], 'ownerId', ARGV[3], 'startTimeMs', ARGV[4], 'sagaIds', '[]')
if ARGV[8] ~= '' then redis.call('HSET', KEYS[2], 'execution', ARGV[8]) end
redis.call('EXPIRE', KEYS[2], ARGV[6])
redis.call('RPUSH', KEYS[3], ARGV[5])
redis.call('EXPIRE', KEYS[3], ARGV[6])
redis.call('SADD', KEYS[4], ARGV[1])
return {ARGV[1], 1}`;

/** KEYS: task. ARGV: saga JSON. Appends to the `sagaIds` JSON array field. */
const ADD_SAGA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local sagas = cjson.decode(redis.call('HGET', KEYS[1], 'sagaIds') or '[]')
table.insert(sagas, cjson.decode(ARGV[1]))
redis.call('HSET', KEYS[1], 'sagaIds', cjson.encode(sagas))
return 1`;

/*
 * KEYS: task, history, running. ARGV: expected state, expected owner ('' for any), new owner,
 * entry JSON, ttl, id. Returns -1 for an unknown task, 0 when the expectation does not hold, 1 done.
 */
const TRANSITION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
local last = redis.call('LINDEX', KEYS[2], -1)
if not last or cjson.decode(last).state ~= ARGV[1] then return 0 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'ownerId') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'ownerId', ARGV[3])
redis.call('RPUSH', KEYS[2], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[5])
if cjson.decode(ARGV[4]).state == 'STARTED' then redis.call('SADD', KEYS[3], ARGV[6]) else redis.call('SREM', KEYS[3], ARGV[6]) end
return 1`;

/**
 * Tasks in Clouddriver's RedisTaskRepository layout: `task:{id}` HASH {id, startTimeMs, ownerId,
 * sagaIds}, `taskHistory:{id}` LIST of {phase,status,state} JSON, `taskResult:{id}` and
 * `taskOutput:{id}` LISTs of JSON, all expiring after 12 h; `kato:tasks` SET of running ids;
 * `kato:taskmap:{clientRequestId}` -> id without TTL. Differences: the hash also gets `requestId`
 * (the Java reader reads that field, its writer leaves it out); `create` is one Lua script, so a duplicate request writes nothing
 * (Java writes the task first and marks it "Duplicate of ..."); a STARTED entry appended to a
 * finished task puts it back into `kato:tasks` (a retried task is running again).
 */
export class RedisTaskRepository implements TaskRepository {
  private readonly prefix: string;

  constructor(private readonly opts: { redis: Redis; keyPrefix?: string }) {
    this.prefix = opts.keyPrefix ?? '';
  }

  private taskKey = (id: string) => `${this.prefix}task:${id}`;
  private historyKey = (id: string) => `${this.prefix}taskHistory:${id}`;
  private resultKey = (id: string) => `${this.prefix}taskResult:${id}`;
  private outputKey = (id: string) => `${this.prefix}taskOutput:${id}`;
  private mapKey = (requestId: string) => `${this.prefix}kato:taskmap:${requestId}`;
  private get running() {
    return `${this.prefix}kato:tasks`;
  }

  async create(task: NewTask): Promise<{ task: TaskRecord; created: boolean }> {
    const id = newTaskId();
    const [taskId, created] = (await this.opts.redis.eval(
      CREATE,
      4,
      this.mapKey(task.requestId),
      this.taskKey(id),
      this.historyKey(id),
      this.running,
      id,
      task.requestId,
      task.ownerId,
      task.startTimeMs,
      JSON.stringify(historyJson(task.first)),
      TASK_TTL_SECONDS,
      this.taskKey(''),
      task.execution ?? '',
    )) as [string, number];
    const record = await this.get(taskId);
    if (!record) throw new Error(`task ${taskId} for request ${task.requestId} vanished`);
    return { task: record, created: created === 1 };
  }

  async get(id: string): Promise<TaskRecord | undefined> {
    const [hash, history, results, outputs] = (await execPipeline(
      this.opts.redis
        .pipeline()
        .hgetall(this.taskKey(id))
        .lrange(this.historyKey(id), 0, -1)
        .lrange(this.resultKey(id), 0, -1)
        .lrange(this.outputKey(id), 0, -1),
    )) as [Record<string, string>, string[], string[], string[]];
    if (hash.id === undefined || hash.startTimeMs === undefined) return undefined;
    return {
      id: hash.id,
      requestId: hash.requestId ?? hash.id,
      ownerId: hash.ownerId ?? '',
      startTimeMs: Number(hash.startTimeMs),
      history: history.map((h) => {
        const e = JSON.parse(h) as TaskStatusEntry;
        return { phase: e.phase, status: e.status, state: e.state };
      }),
      resultObjects: results.map((r) => JSON.parse(r) as unknown),
      outputs: outputs.map((o) => JSON.parse(o) as TaskOutput),
      sagaIds: JSON.parse(hash.sagaIds ?? '[]') as SagaId[],
      ...(hash.execution === undefined ? {} : { execution: hash.execution }),
    };
  }

  async getByRequestId(requestId: string): Promise<TaskRecord | undefined> {
    const id = await this.opts.redis.get(this.mapKey(requestId));
    return id === null ? undefined : this.get(id);
  }

  async appendHistory(id: string, entry: TaskStatusEntry): Promise<void> {
    await this.mustExist(id);
    const p = this.opts.redis.pipeline().rpush(this.historyKey(id), JSON.stringify(historyJson(entry))).expire(this.historyKey(id), TASK_TTL_SECONDS);
    if (entry.state === 'STARTED') p.sadd(this.running, id);
    else p.srem(this.running, id);
    await execPipeline(p);
  }

  async addResultObjects(id: string, objects: readonly unknown[]): Promise<void> {
    await this.mustExist(id);
    if (objects.length === 0) return;
    await execPipeline(
      this.opts.redis
        .pipeline()
        .rpush(this.resultKey(id), ...objects.map((o) => JSON.stringify(o)))
        .expire(this.resultKey(id), TASK_TTL_SECONDS),
    );
  }

  async addOutput(id: string, output: TaskOutput): Promise<void> {
    await this.mustExist(id);
    const { manifest, phase, stdOut, stdError } = output;
    await execPipeline(
      this.opts.redis
        .pipeline()
        .rpush(this.outputKey(id), JSON.stringify({ manifest, phase, stdOut, stdError }))
        .expire(this.outputKey(id), TASK_TTL_SECONDS),
    );
  }

  async addSagaId(id: string, sagaId: SagaId): Promise<void> {
    const ok = await this.opts.redis.eval(ADD_SAGA, 1, this.taskKey(id), JSON.stringify({ name: sagaId.name, id: sagaId.id }));
    if (ok !== 1) throw new UnknownTaskError(id);
  }

  async setOwner(id: string, ownerId: string): Promise<void> {
    await this.mustExist(id);
    await this.opts.redis.hset(this.taskKey(id), 'ownerId', ownerId);
  }

  async setExecution(id: string, execution: string | undefined): Promise<void> {
    await this.mustExist(id);
    if (execution === undefined) await this.opts.redis.hdel(this.taskKey(id), 'execution');
    else await this.opts.redis.hset(this.taskKey(id), 'execution', execution);
  }

  async transition(id: string, expect: TaskExpectation, ownerId: string, entry: TaskStatusEntry): Promise<boolean> {
    const done = await this.opts.redis.eval(
      TRANSITION,
      3,
      this.taskKey(id),
      this.historyKey(id),
      this.running,
      expect.state,
      expect.ownerId ?? '',
      ownerId,
      JSON.stringify(historyJson(entry)),
      TASK_TTL_SECONDS,
      id,
    );
    if (done === -1) throw new UnknownTaskError(id);
    return done === 1;
  }

  async listRunning(): Promise<TaskRecord[]> {
    const ids = await this.opts.redis.smembers(this.running);
    const tasks = await Promise.all(ids.map((id) => this.get(id)));
    const running = tasks.filter((t): t is TaskRecord => t !== undefined && t.history[t.history.length - 1]?.state === 'STARTED');
    const gone = ids.filter((_, i) => tasks[i] === undefined);
    if (gone.length > 0) await this.opts.redis.srem(this.running, ...gone);
    return running.sort((a, b) => a.startTimeMs - b.startTimeMs || (a.id < b.id ? -1 : 1));
  }

  async close(): Promise<void> {}

  private async mustExist(id: string): Promise<void> {
    if ((await this.opts.redis.exists(this.taskKey(id))) === 0) throw new UnknownTaskError(id);
  }
}

function historyJson(entry: TaskStatusEntry): Record<string, string> {
  return { phase: entry.phase, status: entry.status, state: entry.state };
}
