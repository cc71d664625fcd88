import type { Redis } from 'ioredis';
import type { RunSource } from './dispatch-job.schema';
import { LuaScript } from '@sluice/redis';
import finishExecutionSource from './lua/finish-execution-3.lua';
import startAttemptSource from './lua/start-attempt-2.lua';

export type ExecutionStatus = 'pending' | 'success' | 'failed';
export type ErrorType = 'node_failure' | 'validation_error' | 'external_api_error' | 'timeout';

export interface ErrorDetails {
  type: ErrorType;
  message: string;
  code?: string;
  failedNodeName?: string;
}

export interface AttemptRecord {
  attempt: number;
  startedAt: string;
  durationMs: number;
  statusCode?: number;
  error?: string;
}

/** A run as `status/…` and the admin API show it (Codika's execution shape plus extras). */
export interface ExecutionRecord {
  executionId: string;
  processInstanceId: string;
  workflowId: string;
  organizationId: string;
  status: ExecutionStatus;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  duration?: number;
  attempts: number;
  attemptLog: AttemptRecord[];
  resultData?: unknown;
  errorDetails?: ErrorDetails;
  source: RunSource;
  replayOf?: string;
  /** Runs replayed from this one, oldest first. */
  replays?: string[];
}

/** Return codes of finish-execution-3.lua. */
enum FinishResult {
  AlreadyTerminal = 0,
  Finished = 1,
}

/** Return codes of start-attempt-2.lua. */
enum StartResult {
  AlreadyTerminal = 0,
  Started = 1,
}

const finishExecutionScript = new LuaScript(finishExecutionSource, 3);
const startAttemptScript = new LuaScript(startAttemptSource, 2);

export interface ExecutionBase {
  executionId: string;
  processInstanceId: string;
  workflowId: string;
  organizationId: string;
  createdAt: string;
  source: RunSource;
  replayOf?: string;
}

/**
 * Run records, written by workers (the ingress only queues; a queued run's status is read
 * from its job). Each record and index entry lives SLUICE_EXECUTION_TTL_SEC.
 */
export class ExecutionStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlSec: number,
  ) {}

  key = (executionId: string) => `${this.prefix}:exec:${executionId}`;
  indexKey = (processInstanceId: string) => `${this.prefix}:inst:${processInstanceId}:execs`;

  private attemptsKey = (executionId: string) => `${this.key(executionId)}:attempts`;

  /**
   * Records that an attempt is starting; returns false, writing nothing, when the run already
   * ended (then there is nothing to dispatch).
   */
  async recordAttemptStart(base: ExecutionBase, attempt: number, startedAt: string): Promise<boolean> {
    const fields = { ...baseFields(base), status: 'pending', attempts: String(attempt) };
    const result = (await startAttemptScript.run(this.redis, [
      this.key(base.executionId),
      this.indexKey(base.processInstanceId),
      this.ttlSec,
      base.executionId,
      Date.parse(base.createdAt),
      startedAt,
      ...Object.entries(fields).flat(),
    ])) as StartResult;
    return result === StartResult.Started;
  }

  async recordAttempt(executionId: string, attempt: AttemptRecord): Promise<void> {
    const key = this.attemptsKey(executionId);
    await this.redis.multi().rpush(key, JSON.stringify(attempt)).expire(key, this.ttlSec).exec();
  }

  /**
   * Ends the run unless it already ended; returns whether this call ended it. `lastAttempt`,
   * when given, is appended to the attempt log in the same step, whether or not this call
   * ended the run (one round trip for a run's last write).
   */
  async finish(
    base: ExecutionBase,
    outcome: { status: 'success'; resultData: unknown } | { status: 'failed'; errorDetails: ErrorDetails },
    finishedAt: Date,
    attempts: number,
    lastAttempt?: AttemptRecord,
  ): Promise<boolean> {
    const fields: Record<string, string> = {
      ...baseFields(base),
      status: outcome.status,
      finishedAt: finishedAt.toISOString(),
      duration: String(Math.max(0, finishedAt.getTime() - Date.parse(base.createdAt))),
      attempts: String(attempts),
    };
    if (outcome.status === 'success') fields.resultData = JSON.stringify(outcome.resultData ?? null);
    else fields.errorDetails = JSON.stringify(outcome.errorDetails);
    const result = (await finishExecutionScript.run(this.redis, [
      this.key(base.executionId),
      this.indexKey(base.processInstanceId),
      this.attemptsKey(base.executionId),
      this.ttlSec,
      base.executionId,
      Date.parse(base.createdAt),
      lastAttempt ? JSON.stringify(lastAttempt) : '',
      ...Object.entries(fields).flat(),
    ])) as FinishResult;
    return result === FinishResult.Finished;
  }

  async get(executionId: string): Promise<ExecutionRecord | undefined> {
    const [[, h], [, attempts], [, replays]] = ((await this.redis
      .pipeline()
      .hgetall(this.key(executionId))
      .lrange(this.attemptsKey(executionId), 0, -1)
      .lrange(`${this.key(executionId)}:replays`, 0, -1)
      .exec()) ?? []) as [[unknown, Record<string, string>], [unknown, string[]], [unknown, string[]]];
    if (!h?.executionId) return undefined;
    const record = fromHash(h, attempts ?? []);
    return replays && replays.length > 0 ? { ...record, replays } : record;
  }

  /** Links a replay to its original (the replay carries replayOf itself). */
  async recordReplay(originalId: string, replayId: string): Promise<void> {
    await this.redis.multi().rpush(`${this.key(originalId)}:replays`, replayId).expire(`${this.key(originalId)}:replays`, this.ttlSec).exec();
  }

  /** Newest first; `before` (a createdAt ms score) pages backwards. Prunes expired index entries. */
  async list(
    processInstanceId: string,
    filter: { status?: ExecutionStatus; workflowId?: string; limit: number; before?: number },
  ): Promise<{ executions: ExecutionRecord[]; nextBefore?: number }> {
    const index = this.indexKey(processInstanceId);
    await this.redis.zremrangebyscore(index, '-inf', Date.now() - this.ttlSec * 1000);
    const out: ExecutionRecord[] = [];
    let max: string = filter.before !== undefined ? `(${filter.before}` : '+inf';
    const page = Math.max(filter.limit * 2, 50);
    for (;;) {
      const ids = await this.redis.zrevrangebyscore(index, max, '-inf', 'WITHSCORES', 'LIMIT', 0, page);
      if (ids.length === 0) return { executions: out };
      for (let i = 0; i < ids.length; i += 2) {
        const record = await this.get(ids[i] as string);
        const score = Number(ids[i + 1]);
        if (!record) continue;
        if (filter.status && record.status !== filter.status) continue;
        if (filter.workflowId && record.workflowId !== filter.workflowId) continue;
        out.push(record);
        if (out.length === filter.limit) return { executions: out, nextBefore: score };
      }
      max = `(${ids[ids.length - 1]}`;
    }
  }
}

function baseFields(base: ExecutionBase): Record<string, string> {
  return {
    executionId: base.executionId,
    processInstanceId: base.processInstanceId,
    workflowId: base.workflowId,
    organizationId: base.organizationId,
    createdAt: base.createdAt,
    source: JSON.stringify(base.source),
    ...(base.replayOf ? { replayOf: base.replayOf } : {}),
  };
}

function fromHash(h: Record<string, string>, attempts: string[]): ExecutionRecord {
  return {
    executionId: h.executionId ?? '',
    processInstanceId: h.processInstanceId ?? '',
    workflowId: h.workflowId ?? '',
    organizationId: h.organizationId ?? '',
    status: (h.status as ExecutionStatus | undefined) ?? 'pending',
    createdAt: h.createdAt ?? '',
    ...(h.firstStartedAt ? { startedAt: h.firstStartedAt } : {}),
    ...(h.finishedAt ? { finishedAt: h.finishedAt } : {}),
    ...(h.duration ? { duration: Number(h.duration) } : {}),
    attempts: Number(h.attempts ?? 0),
    attemptLog: attempts.map((a) => JSON.parse(a) as AttemptRecord),
    ...(h.resultData !== undefined ? { resultData: JSON.parse(h.resultData) as unknown } : {}),
    ...(h.errorDetails ? { errorDetails: JSON.parse(h.errorDetails) as ErrorDetails } : {}),
    source: JSON.parse(h.source ?? '{"method":"api_key_header"}') as RunSource,
    ...(h.replayOf ? { replayOf: h.replayOf } : {}),
  };
}
