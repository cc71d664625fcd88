import { DelayedError, type Job, type Queue, UnrecoverableError } from 'bullmq';
import { type Logger, type SluiceMetrics, contextFromHeaders, startSpan, traceparentOf } from '@sluice/observability';
import {
  type AttemptRecord,
  type ConcurrencyLimiter,
  type DispatchJob,
  type ExecutionBase,
  type ExecutionStore,
  RESULT_TIMEOUT_JOB_NAME,
  type ResultTimeoutJob,
  dispatchJobSchema,
  executionBaseOf,
  resultTimeoutJobSchema,
} from '@sluice/queue';
import { type EndpointCache, type Registry, type Workflow, uncachedEndpoints } from '@sluice/registry';
import type { Dispatcher } from 'undici';
import type { Breakers } from './breakers';
import { classifyDispatchError } from './classify-dispatch-error';
import { buildDispatchRequest } from './dispatch-request';
import type { OriginGate } from './origin-gate';
import { sendDispatch } from './send-dispatch';

export interface DispatchDeps {
  registry: Registry;
  executions: ExecutionStore;
  breakers: Breakers;
  logger: Logger;
  publicUrl: string;
  executionSecretKey: Buffer;
  defaultTimeoutMs: number;
  /** Producer for the delayed result-timeout jobs of callback-mode runs. */
  queue: Queue;
  resultTimeoutSec: number;
  limiter: ConcurrencyLimiter;
  originGate: OriginGate;
  /** Endpoints cached with pushed invalidation (ADR 0003); without it every run reads Redis. */
  endpoints?: Pick<EndpointCache, 'get'>;
  /** The keep-alive HTTP agent every dispatch goes through. */
  dispatcher: Dispatcher;
  metrics?: SluiceMetrics;
  now?: () => Date;
}

/**
 * Runs one attempt of one run. Retries go back to BullMQ (exponential backoff with jitter);
 * final failures are recorded, then thrown as UnrecoverableError so the job ends failed too.
 */
export function createDispatchProcessor(deps: DispatchDeps) {
  const now = deps.now ?? (() => new Date());
  const endpoints = deps.endpoints ?? uncachedEndpoints(deps.registry);
  return async (job: Job, token?: string): Promise<{ status: string }> => {
    if (job.name === RESULT_TIMEOUT_JOB_NAME) return expireResult(deps, job, now);
    const parsed = dispatchJobSchema.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'unparsable dispatch job');
      throw new UnrecoverableError('Unparsable dispatch job');
    }
    const data = parsed.data;
    const base = executionBaseOf(data);
    const { instance, workflow, dispatchSecret } = await endpoints.get(data.processInstanceId, data.workflowId);
    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const fail: FailRun = async (details, lastAttempt) => {
      await deps.executions.finish(base, details, now(), attempt, lastAttempt);
      throw new UnrecoverableError(details.errorDetails.message);
    };

    if (!instance || !workflow || !dispatchSecret) {
      if (!(await deps.executions.recordAttemptStart(base, attempt, now().toISOString()))) return ALREADY_ENDED;
      return fail({
        status: 'failed',
        errorDetails: { type: 'validation_error', message: 'The instance or workflow no longer exists', code: 'WORKFLOW_NOT_FOUND' },
      });
    }

    const timeoutMs = workflow.target.timeoutMs ?? deps.defaultTimeoutMs;
    const limit = workflow.target.maxConcurrency;
    if (limit !== undefined && !(await deps.limiter.acquire(data.processInstanceId, data.workflowId, data.executionId, limit, timeoutMs + 10_000))) {
      // Every slot of this target is busy: step aside (no attempt used) so other targets' runs flow.
      await job.moveToDelayed(Date.now() + 100 + Math.floor(Math.random() * 200), token);
      throw new DelayedError();
    }
    const origin = new URL(workflow.target.url).origin;
    if (!(await deps.originGate.enter(origin))) {
      if (limit !== undefined) await deps.limiter.release(data.processInstanceId, data.workflowId, data.executionId);
      // This target has held half of this worker's slots for a while: leave the rest to other targets.
      await job.moveToDelayed(Date.now() + 50 + Math.floor(Math.random() * 100), token);
      throw new DelayedError();
    }
    try {
      const log = deps.logger.child({ executionId: data.executionId, workflowId: data.workflowId });
      const ctx = { deps, job, token, data, base, workflow, origin, dispatchSecret, attempt, maxAttempts, timeoutMs, fail, now, log };
      return await attemptDispatch(ctx);
    } finally {
      deps.originGate.leave(origin);
      if (limit !== undefined) await deps.limiter.release(data.processInstanceId, data.workflowId, data.executionId);
    }
  };
}

const ALREADY_ENDED = { status: 'already-ended' };

type FailRun = (details: Parameters<ExecutionStore['finish']>[1] & { status: 'failed' }, lastAttempt?: AttemptRecord) => Promise<never>;

interface AttemptContext {
  deps: DispatchDeps;
  job: Job;
  token: string | undefined;
  data: DispatchJob;
  base: ExecutionBase;
  workflow: Workflow;
  /** The target's origin: its breaker, gate place and metrics label. */
  origin: string;
  dispatchSecret: string;
  attempt: number;
  maxAttempts: number;
  timeoutMs: number;
  fail: FailRun;
  now: () => Date;
  log: Logger;
}

/** One dispatch attempt and what follows from its outcome. */
async function attemptDispatch(ctx: AttemptContext): Promise<{ status: string }> {
  const { deps, job, token, data, base, workflow, origin, dispatchSecret, attempt, maxAttempts, timeoutMs, fail, now, log } = ctx;
  const startedAt = now();
  // A run that already ended (a stalled job run twice, or a callback that came first) is not sent again.
  if (!(await deps.executions.recordAttemptStart(base, attempt, startedAt.toISOString()))) return ALREADY_ENDED;

  const request = buildDispatchRequest(data, workflow, {
    publicUrl: deps.publicUrl,
    executionSecretKey: deps.executionSecretKey,
    dispatchSecret,
    nowSec: Math.floor(now().getTime() / 1000),
  });
  const breaker = deps.breakers.for(origin);
  const span = startSpan('sluice.dispatch', 'client', contextFromHeaders({ traceparent: data.traceparent }), {
    'sluice.attempt': attempt,
    'server.address': origin,
  });
  const traceparent = traceparentOf(span);
  if (traceparent) request.headers.traceparent = traceparent;
  const result = await sendDispatch(request, breaker, timeoutMs, deps.dispatcher).catch((err: unknown) => {
    span.end();
    throw err;
  });
  if (result.ok) span.setAttribute('http.response.status_code', result.statusCode);
  else span.setAttribute('sluice.failure', result.outcome.kind === 'response' ? `HTTP_${result.outcome.statusCode}` : result.outcome.kind);
  span.end();
  const durationMs = now().getTime() - startedAt.getTime();
  if (!(!result.ok && result.outcome.kind === 'breaker_open')) deps.metrics?.dispatchSeconds.observe({ origin }, durationMs / 1000);
  const runEnded = (status: 'success' | 'failed') =>
    deps.metrics?.runSeconds.observe({ status }, Math.max(0, now().getTime() - Date.parse(data.receivedAt)) / 1000);

  if (result.ok) {
    const attemptRecord: AttemptRecord = { attempt, startedAt: startedAt.toISOString(), durationMs, statusCode: result.statusCode };
    if (workflow.resultMode === 'callback') {
      await deps.executions.recordAttempt(data.executionId, attemptRecord);
      // The workflow reports its result through /submitWorkflowResult; the run stays pending.
      const timeout: ResultTimeoutJob = { schemaVersion: 1, executionId: data.executionId, timeoutSec: deps.resultTimeoutSec };
      await deps.queue.add(RESULT_TIMEOUT_JOB_NAME, timeout, {
        jobId: `${data.executionId}-result-timeout`,
        delay: deps.resultTimeoutSec * 1000,
        removeOnComplete: true,
        removeOnFail: { age: 86_400 },
      });
      deps.metrics?.dispatchAttempts.inc({ outcome: 'success' });
      log.info({ attempt }, 'dispatched; awaiting callback');
      return { status: 'dispatched' };
    }
    await deps.executions.finish(base, { status: 'success', resultData: result.resultData }, now(), attempt, attemptRecord);
    deps.metrics?.dispatchAttempts.inc({ outcome: 'success' });
    runEnded('success');
    log.info({ attempt, durationMs }, 'run succeeded');
    return { status: 'success' };
  }

  const decision = classifyDispatchError(result.outcome, attempt >= maxAttempts, deps.breakers.resetTimeoutMs);
  if (decision.action === 'delay') {
    // An open breaker is not the run's fault: wait it out without using an attempt.
    deps.metrics?.dispatchAttempts.inc({ outcome: 'delayed' });
    log.info({ reason: decision.reason }, 'run delayed');
    await job.moveToDelayed(Date.now() + decision.delayMs, token);
    throw new DelayedError();
  }
  const attemptRecord: AttemptRecord = {
    attempt,
    startedAt: startedAt.toISOString(),
    durationMs,
    ...(result.outcome.kind === 'response' ? { statusCode: result.outcome.statusCode } : {}),
    error: decision.details.message,
  };
  if (decision.action === 'fail') {
    deps.metrics?.dispatchAttempts.inc({ outcome: 'failed' });
    runEnded('failed');
    log.warn({ attempt, code: decision.details.code }, 'run failed');
    return fail({ status: 'failed', errorDetails: decision.details }, attemptRecord);
  }
  await deps.executions.recordAttempt(data.executionId, attemptRecord);
  deps.metrics?.dispatchAttempts.inc({ outcome: 'retry' });
  log.info({ attempt, code: decision.details.code }, 'attempt failed; will retry');
  // The backoff strategy reads retryAfterMs: a target's Retry-After sets the wait.
  throw Object.assign(new Error(decision.details.message), decision.delayMs !== undefined ? { retryAfterMs: decision.delayMs } : {});
}

/** Ends a callback-mode run that got no callback in time; a run that already ended is left alone. */
async function expireResult(deps: DispatchDeps, job: Job, now: () => Date): Promise<{ status: string }> {
  const parsed = resultTimeoutJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError('Unparsable result-timeout job');
  const record = await deps.executions.get(parsed.data.executionId);
  if (!record || record.status !== 'pending') return { status: record?.status ?? 'gone' };
  await deps.executions.finish(
    record,
    {
      status: 'failed',
      errorDetails: {
        type: 'timeout',
        message: `No result callback within ${parsed.data.timeoutSec} s`,
        code: 'RESULT_TIMEOUT',
      },
    },
    now(),
    record.attempts,
  );
  return { status: 'failed' };
}
