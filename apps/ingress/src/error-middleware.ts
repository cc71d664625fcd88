import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { ApiError } from '@sluice/errors';
import type { Logger, SluiceMetrics } from '@sluice/observability';
import { REDIS_RETRY_AFTER_SEC, isRedisUnavailable } from './redis-unavailable';

export function sendError(res: Response, requestId: string, error: ApiError): void {
  if (error.retryAfterSec !== undefined) res.setHeader('Retry-After', String(error.retryAfterSec));
  res.status(error.status).json({
    success: false,
    error: error.message,
    code: error.code,
    requestId,
    ...error.extra,
  });
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
 * The one place errors meet HTTP (STYLE 4): known errors answer with their code; Redis
 * outages are 503 with Retry-After; anything else is an opaque 500 logged under `err`.
 */
export function errorMiddleware(logger: Logger, metrics?: SluiceMetrics): ErrorRequestHandler {
  return (err: unknown, req: Request, res: Response, _next) => {
    const requestId = String(res.locals.requestId ?? '');
    const answer = (error: ApiError) => {
      // A refused trigger counts as an ingest outcome named by its code.
      if (res.locals.ingest !== undefined || /^\/(webhook|triggerwebhookpublic|triggerWebhookPublic)\//.test(req.path)) {
        metrics?.ingests.inc({ auth_method: String(res.locals.ingest ?? 'none'), outcome: error.code });
      }
      sendError(res, requestId, error);
    };
    const log = (res.locals.log as Logger | undefined) ?? logger;
    if (res.headersSent) {
      log.error({ err }, 'error after response started');
      return;
    }
    if (err instanceof ApiError) {
      if (err.status >= 500) log.warn({ code: err.code }, err.message);
      return answer(err);
    }
    const parsed = typeof err === 'object' && err !== null ? fromBodyParser(err as { type?: string }) : undefined;
    if (parsed) return answer(parsed);
    if (isRedisUnavailable(err)) {
      log.warn({ err: { message: (err as Error).message } }, 'redis unavailable');
      return answer(
        new ApiError('REDIS_UNAVAILABLE', 'The event store is unavailable; nothing was stored. Retry later.', undefined, REDIS_RETRY_AFTER_SEC),
      );
    }
    log.error({ err, method: req.method }, 'unhandled error');
    answer(new ApiError('INTERNAL_ERROR', 'Internal error.'));
  };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  sendError(res, String(res.locals.requestId ?? ''), new ApiError('ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`));
};
