import type { Queue } from 'bullmq';
import { DISPATCH_JOB_NAME, type DispatchJob } from './dispatch-job.schema';
import { DISPATCH_BACKOFF_TYPE } from './dispatch-backoff';
import { dedupeIdFor } from './dedupe-id';

export interface EnqueueOptions {
  /** The sender's delivery id; without one every request is a new run. */
  deliveryId?: string;
  dedupeTtlSec: number;
  /** How long finished jobs are kept; must cover the dedupe window (see below). */
  retentionSec: number;
  attempts: number;
  backoffMs: number;
}

export interface EnqueueResult {
  executionId: string;
  duplicate: boolean;
}

/**
 * Queues a run and records its delivery id in one atomic step: BullMQ's addStandardJob script
 * sets the deduplication key (SET NX PX) and stores the job together, and on a duplicate
 * returns the first job's id, which is the original executionId. So there is never a recorded
 * id whose run is not queued, and never two runs for one id, even under concurrent duplicates.
 *
 * BullMQ drops a dedupe key when its job is removed, so jobs are retained for at least the
 * dedupe window (retentionSec ≥ dedupeTtlSec, enforced here).
 */
export async function enqueueRun(queue: Queue, job: DispatchJob, options: EnqueueOptions): Promise<EnqueueResult> {
  const keepSec = Math.max(options.retentionSec, options.dedupeTtlSec);
  const added = await queue.add(DISPATCH_JOB_NAME, job, {
    jobId: job.executionId,
    attempts: options.attempts,
    backoff: { type: DISPATCH_BACKOFF_TYPE, delay: options.backoffMs },
    removeOnComplete: { age: keepSec },
    removeOnFail: { age: keepSec },
    ...(options.deliveryId !== undefined
      ? {
          deduplication: {
            id: dedupeIdFor(job.processInstanceId, job.workflowId, options.deliveryId),
            ttl: options.dedupeTtlSec * 1000,
          },
        }
      : {}),
  });
  const executionId = added.id ?? job.executionId;
  return { executionId, duplicate: executionId !== job.executionId };
}
