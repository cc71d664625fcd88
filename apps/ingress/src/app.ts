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
import { TRIGGER_PATHS, registerTriggerRoutes } from './routes/trigger.route';

export interface IngressApp {
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
  const router = Router({ caseSensitive: true });
  // Trigger bodies stay raw bytes: signatures are verified over them and they are stored as received.
  router.use(TRIGGER_PATHS, express.raw({ type: () => true, limit: deps.config.bodyLimitBytes }));
  router.use(['/v1', '/submitWorkflowResult', '/submitWorkflowError'], express.json({ limit: deps.config.bodyLimitBytes, strict: true }));
  registerTriggerRoutes(router, deps, validator);
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
  app.use(errorMiddleware(deps.logger, deps.metrics));
  return {
    app,
    startDraining: () => {
      draining = true;
    },
  };
}
