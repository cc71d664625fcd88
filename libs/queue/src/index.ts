export {
  DISPATCH_QUEUE,
  DISPATCH_JOB_NAME,
  RESULT_TIMEOUT_JOB_NAME,
  resultTimeoutJobSchema,
  dispatchJobSchema,
  runSourceSchema,
  receivedBodySchema,
  encodeReceivedBody,
  decodeReceivedBody,
} from './dispatch-job.schema';
export type { DispatchJob, RunSource, ReceivedBody, ResultTimeoutJob } from './dispatch-job.schema';
export { derivePayload, isJsonContentType, parseJsonBody } from './payload';
export type { PayloadResult, ParsedJson } from './payload';
export { dedupeIdFor } from './dedupe-id';
export { enqueueRun } from './enqueue';
export type { EnqueueOptions, EnqueueResult } from './enqueue';
export { ExecutionStore } from './execution.store';
export type {
  ExecutionRecord,
  ExecutionStatus,
  ExecutionBase,
  ErrorDetails,
  ErrorType,
  AttemptRecord,
} from './execution.store';
export { executionBaseOf, findExecution, pendingRecord } from './find-execution';
export { parsePubSubPush, pubSubPayload } from './pubsub-envelope';
export type { PubSubPush } from './pubsub-envelope';
export { DISPATCH_BACKOFF_TYPE, dispatchBackoff } from './dispatch-backoff';
export type { RetryAfterHint } from './dispatch-backoff';
export { ConcurrencyLimiter } from './concurrency-limiter';
