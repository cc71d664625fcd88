export { createRequestConnection, createSubscriberConnection, createWorkerConnection, waitForReady } from './connections';
export { LuaScript } from './lua-script';
export { inspectRedis } from './safety-check';
export type { RedisSafetyReport } from './safety-check';
