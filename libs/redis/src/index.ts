export { createRequestConnection, createSubscriberConnection, createWorkerConnection, waitForReady } from './connections';
export { inspectRedis } from './safety-check';
export type { RedisSafetyReport } from './safety-check';
