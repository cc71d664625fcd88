import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Agent } from 'undici';
import { DISPATCH_BACKOFF_TYPE, DISPATCH_JOB_NAME, DISPATCH_QUEUE, dispatchBackoff, dispatchJobSchema, executionBaseOf } from '@sluice/queue';
import { Breakers } from './breakers';
import { type DispatchDeps, createDispatchProcessor } from './dispatch.processor';
import { OriginGate, originLimitFor } from './origin-gate';

export interface DispatchWorkerOptions extends Omit<DispatchDeps, 'breakers' | 'originGate' | 'dispatcher'> {
  /** A blocking connection (maxRetriesPerRequest: null); the worker owns it from here on. */
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** Job lock; a killed worker's runs are taken over once it lapses (stalled-job recovery). */
  lockMs: number;
  breakers?: Breakers;
}

export interface DispatchWorker {
  worker: Worker;
  /**
   * Liveness: false when the worker has stopped running, or when runs have been waiting while
   * this worker has done nothing for `stuckAfterMs` (a wedged event loop or a dead connection).
   */
  isHealthy(waitingRuns: () => Promise<number>, stuckAfterMs?: number): Promise<boolean>;
  /** Stops taking jobs and waits for in-flight runs (bounded by the caller). */
  close(): Promise<void>;
}

/** A BullMQ worker on the dispatch queue, with error listeners (STYLE 9). */
export function createDispatchWorker(options: DispatchWorkerOptions): DispatchWorker {
  const breakers = options.breakers ?? new Breakers(options.logger, undefined, options.metrics);
  // Keep-alive connections to targets, reused across runs (a connection per run costs more than the run).
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000 });
  const processor = createDispatchProcessor({
    ...options,
    breakers,
    dispatcher,
    originGate: new OriginGate(originLimitFor(options.concurrency)),
  });
  const worker = new Worker(DISPATCH_QUEUE, processor, {
    connection: options.connection,
    prefix: `${options.prefix}:bull`,
    concurrency: options.concurrency,
    // Stalled-job recovery: a run whose worker died is picked up again after the lock lapses.
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade, type, err, job) =>
        type === DISPATCH_BACKOFF_TYPE
          ? dispatchBackoff(attemptsMade, job?.opts.backoff && typeof job.opts.backoff === 'object' ? (job.opts.backoff.delay ?? 1000) : 1000, err as { retryAfterMs?: number })
          : 0,
    },
  });
  worker.on('error', (err) => options.logger.error({ err }, 'worker error'));
  let lastActivity = Date.now();
  let closed = false;
  const touch = () => {
    lastActivity = Date.now();
  };
  for (const event of ['active', 'completed', 'failed', 'drained'] as const) worker.on(event, touch);
  // Safety net: a job BullMQ fails for its own reasons (stalled too often) must not leave its
  // run pending forever. The once-only finish makes this a no-op for runs already ended.
  worker.on('failed', (job, err) => {
    if (!job || job.name !== DISPATCH_JOB_NAME) return;
    const parsed = dispatchJobSchema.safeParse(job.data);
    const finalAttempt = job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    if (!parsed.success || !finalAttempt) return;
    void options.executions
      .finish(
        executionBaseOf(parsed.data),
        { status: 'failed', errorDetails: { type: 'external_api_error', message: err.message.slice(0, 500), code: 'DISPATCH_FAILED' } },
        new Date(),
        Math.max(1, job.attemptsMade),
      )
      .catch((finishErr: unknown) => options.logger.error({ err: finishErr }, 'could not record a failed run'));
  });
  return {
    worker,
    isHealthy: async (waitingRuns, stuckAfterMs = 5 * 60_000) => {
      if (closed || !worker.isRunning()) return false;
      if (Date.now() - lastActivity < stuckAfterMs) return true;
      // Idle for long is fine when there is nothing to do.
      return (await waitingRuns()) === 0;
    },
    close: async () => {
      closed = true;
      // Closing while BullMQ is still connecting makes its connection emit an unhandled error.
      await worker.waitUntilReady().catch(() => undefined);
      await worker.close();
      breakers.shutdown();
      await dispatcher.close();
    },
  };
}
