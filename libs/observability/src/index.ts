export { createLogger, redactUrl, REDACT_PATHS } from './logger';
export type { Logger, LoggerOptions } from './logger';
