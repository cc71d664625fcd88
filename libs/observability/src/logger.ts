import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. Keys, signatures, authorization headers and
 * api_key query values never reach a log line; request bodies are never logged at all.
 */
export const REDACT_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers["x-process-manager-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'req.headers["svix-signature"]',
  'req.headers["stripe-signature"]',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'headers["x-api-key"]',
  'headers["x-process-manager-key"]',
  'headers.authorization',
  'apiKey',
  'orgKey',
  'secret',
  'executionSecret',
  'dispatchSecret',
  '*.apiKey',
  '*.orgKey',
  '*.secret',
  '*.executionSecret',
  '*.dispatchSecret',
  'body',
  'req.body',
];

/** Removes the value of an `api_key` query parameter from a URL or path, keeping the rest readable. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]api_key=)[^&#]*/gi, '$1[REDACTED]');
}

export interface LoggerOptions {
  level: string;
  /** Defaults to stdout; tests pass a stream to inspect every line. */
  destination?: DestinationStream;
}

/** The one root logger; request and job loggers are children of it, passed in explicitly. */
export function createLogger({ level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: 'sluice' },
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ sync: false }),
  );
}
