import type { Router } from 'express';
import type { IngressDeps } from '../deps';
import { withRedisDeadline } from '../redis-unavailable';

/** Liveness, readiness (Redis reachable, not draining). */
export function registerOpsRoutes(router: Router, deps: IngressDeps, isDraining: () => boolean): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/metrics', async (_req, res) => {
    if (!deps.metrics) {
      res.status(404).end();
      return;
    }
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.text());
  });
  router.get('/readyz', async (_req, res) => {
    if (isDraining()) {
      res.status(503).json({ status: 'draining' });
      return;
    }
    try {
      await withRedisDeadline(deps.redis.ping(), deps.config.redisTimeoutMs);
      res.json({ status: 'ready' });
    } catch {
      res.setHeader('Retry-After', '5');
      res.status(503).json({ status: 'redis_unavailable' });
    }
  });
}
