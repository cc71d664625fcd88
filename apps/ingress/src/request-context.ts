import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { type Logger, type SluiceMetrics, redactUrl } from '@sluice/observability';

/**
 * Gives each request an id (echoed as X-Request-Id, carried in every error body) and a child
 * logger; logs one line per finished request with the api_key query value redacted.
 */
export function requestContext(logger: Logger, metrics?: SluiceMetrics): RequestHandler {
  return (req, res, next) => {
    const requestId = randomUUID();
    const started = process.hrtime.bigint();
    const log = logger.child({ requestId });
    res.locals.requestId = requestId;
    res.locals.log = log;
    res.setHeader('X-Request-Id', requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const level = res.statusCode >= 500 ? 'error' : 'info';
      // The route pattern, never the path: ids and keys stay out of labels.
      const route = typeof req.route?.path === 'string' ? req.route.path : 'unmatched';
      metrics?.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      log[level](
        { method: req.method, url: redactUrl(req.originalUrl), status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
