export { createLogger, redactUrl, REDACT_PATHS } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { createMetrics } from './metrics';
export type { SluiceMetrics, QueueProbe } from './metrics';
export { startTracing, contextFromHeaders, traceparentOf, startSpan } from './tracing';
export type { Tracing } from './tracing';
