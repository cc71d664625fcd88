import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { DISPATCH_QUEUE } from '@sluice/queue';
import { Breakers } from './breakers';
import { type DispatchDeps, createDispatchProcessor } from './dispatch.processor';

export interface DispatchWorkerOptions extends Omit<DispatchDeps, 'breakers'> {
  /** A blocking connection (maxRetriesPerRequest: null); the worker owns it from here on. */
  connection: Redis;
  prefix: string;
  concurrency: number;
  breakers?: Breakers;
}

export interface DispatchWorker {
  worker: Worker;
  /** Stops taking jobs and waits for in-flight runs (bounded by the caller). */
  close(): Promise<void>;
}

/** A BullMQ worker on the dispatch queue, with error listeners (STYLE 9). */
export function createDispatchWorker(options: DispatchWorkerOptions): DispatchWorker {
  const breakers = options.breakers ?? new Breakers(options.logger);
  const processor = createDispatchProcessor({ ...options, breakers });
  const worker = new Worker(DISPATCH_QUEUE, processor, {
    connection: options.connection,
    prefix: `${options.prefix}:bull`,
    concurrency: options.concurrency,
    // Stalled-job recovery: a run whose worker died is picked up again after the lock lapses.
    lockDuration: 30_000,
    maxStalledCount: 2,
  });
  worker.on('error', (err) => options.logger.error({ err }, 'worker error'));
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) options.logger.debug({ jobId: job.id, err: err.message }, 'job failed');
  });
  return {
    worker,
    close: async () => {
      await worker.close();
      breakers.shutdown();
    },
  };
}
