export { createDispatchWorker } from './worker';
export type { DispatchWorker, DispatchWorkerOptions } from './worker';
export { createDispatchProcessor } from './dispatch.processor';
export { classifyDispatchError } from './classify-dispatch-error';
export { Breakers } from './breakers';
