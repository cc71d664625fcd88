import type { RequestListener } from 'node:http';
import express, { type Express, Router } from 'express';
import type { IngressDeps } from './deps';
import { errorMiddleware, notFoundHandler } from './error-middleware';
import { InputValidator } from './input-validator';
import { openApiDocument } from './openapi/openapi.document';
import { requestContext } from './request-context';
import { registerExecutionRoutes } from './routes/admin-executions.route';
import { registerInstanceRoutes } from './routes/admin-instances.route';
import { registerOrgKeyRoutes } from './routes/admin-org-keys.route';
import { registerCallbackRoutes } from './routes/callback.route';
import { mountDashboard } from './routes/dashboard.route';
import { registerOpsRoutes } from './routes/ops.route';
import { registerStatusRoutes } from './routes/status.route';
import { TriggerRoute } from './routes/trigger.route';

export interface IngressApp {
  /** The server's request listener: the trigger route on its lean path, the rest on Express. */
  handle: RequestListener;
  /** Every route but the trigger route. */
  app: Express;
  /** Readiness turns 503 so load balancers stop sending before the server closes. */
  startDraining(): void;
}

/** Builds the HTTP app; no listen (STYLE: createApp(deps) on port 0 in tests). */
export function createApp(deps: IngressDeps): IngressApp {
  let draining = false;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.set('query parser', 'simple');
  app.use(requestContext(deps.logger, deps.metrics));

  const validator = new InputValidator();
  const trigger = new TriggerRoute(deps, validator);
  const router = Router({ caseSensitive: true });
  router.use(['/v1', '/submitWorkflowResult', '/submitWorkflowError'], express.json({ limit: deps.config.bodyLimitBytes, strict: true }));
  registerStatusRoutes(router, deps);
  registerInstanceRoutes(router, deps, validator);
  registerOrgKeyRoutes(router, deps);
  registerExecutionRoutes(router, deps);
  registerCallbackRoutes(router, deps);
  registerOpsRoutes(router, deps, () => draining);
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });

  app.use(router);
  mountDashboard(app, deps);
  app.use(notFoundHandler);
  app.use(errorMiddleware(deps.logger));
  return {
    handle: (req, res) => {
      const match = trigger.match(req);
      if (match) trigger.handle(req, res, match);
      else app(req, res);
    },
    app,
    startDraining: () => {
      draining = true;
    },
  };
}
