import type { Queue } from 'bullmq';
import { type DispatchJob, dispatchJobSchema } from './dispatch-job.schema';
import type { ExecutionBase, ExecutionRecord, ExecutionStore } from './execution.store';

/**
 * A run's current record: the worker's record once a worker has touched it, else the queued
 * job itself (status pending). Undefined when neither exists.
 */
export async function findExecution(
  store: ExecutionStore,
  queue: Queue,
  executionId: string,
): Promise<ExecutionRecord | undefined> {
  const record = await store.get(executionId);
  if (record) return record;
  const job = await queue.getJob(executionId);
  if (!job) return undefined;
  const parsed = dispatchJobSchema.safeParse(job.data);
  if (!parsed.success) return undefined;
  return pendingRecord(parsed.data);
}

/** What a run record keeps of its job. */
export function executionBaseOf(job: DispatchJob): ExecutionBase {
  return {
    executionId: job.executionId,
    processInstanceId: job.processInstanceId,
    workflowId: job.workflowId,
    organizationId: job.organizationId,
    createdAt: job.receivedAt,
    source: job.source,
    ...(job.replayOf ? { replayOf: job.replayOf } : {}),
  };
}

export function pendingRecord(job: DispatchJob): ExecutionRecord {
  return { ...executionBaseOf(job), status: 'pending', attempts: 0, attemptLog: [] };
}
