import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ApiError } from '@sluice/errors';
import type { Logger } from '@sluice/observability';
import { isRedisUnavailable, redisUnavailable } from './redis-unavailable';

/** The JSON body every error answers with (DESIGN §2). */
export function errorBody(error: ApiError, requestId: string): Record<string, unknown> {
  return { success: false, error: error.message, code: error.code, requestId, ...error.extra };
}

export function sendError(res: Response, requestId: string, error: ApiError): void {
  if (error.retryAfterSec !== undefined) res.setHeader('Retry-After', String(error.retryAfterSec));
  res.status(error.status).json(errorBody(error, requestId));
}

/** body-parser errors carry `type`; map them to stable codes. */
function fromBodyParser(err: { type?: string; status?: number }): ApiError | undefined {
  switch (err.type) {
    case 'entity.too.large':
      return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is over the size limit.');
    case 'entity.parse.failed':
      return new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'The request body encoding is not supported.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ApiError('INVALID_REQUEST', 'The request body could not be read.');
    default:
      return typeof err.status === 'number' && err.status >= 400 && err.status < 500
        ? new ApiError('INVALID_REQUEST', 'The request could not be read.')
        : undefined;
  }
}

/**
 * The one place errors become answers (STYLE 4), for the Express routes and the lean trigger
 * path alike: known errors keep their code; Redis outages are 503 with Retry-After; anything
 * else is an opaque 500 logged under `err`.
 */
export function toApiError(err: unknown, log: Logger, method: string): ApiError {
  if (err instanceof ApiError) {
    if (err.status >= 500) log.warn({ code: err.code }, err.message);
    return err;
  }
  const parsed = typeof err === 'object' && err !== null ? fromBodyParser(err as { type?: string }) : undefined;
  if (parsed) return parsed;
  if (isRedisUnavailable(err)) {
    log.warn({ err: { message: (err as Error).message } }, 'redis unavailable');
    return redisUnavailable();
  }
  log.error({ err, method }, 'unhandled error');
  return new ApiError('INTERNAL_ERROR', 'Internal error.');
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const log = (res.locals.log as Logger | undefined) ?? logger;
    if (res.headersSent) {
      log.error({ err }, 'error after response started');
      return;
    }
    sendError(res, String(res.locals.requestId ?? ''), toApiError(err, log, req.method));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, String(res.locals.requestId ?? ''), new ApiError('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};
