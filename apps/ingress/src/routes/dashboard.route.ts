import { type Express, type RequestHandler, Router } from 'express';
import { constantTimeEqual, hasScope, isKeyShaped } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import { resolveOrgKey, singleHeader } from '../authenticate';
import type { IngressDeps } from '../deps';
import { sendError } from '../error-middleware';

export const DASHBOARD_PATH = '/admin/queues';

/** Basic credentials from an Authorization header, or undefined. */
function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Who may see the queue dashboard: an org key with instances:read (X-Process-Manager-Key, or
 * as the basic-auth password so a browser can log in), or the configured basic-auth pair.
 */
function dashboardAuth(deps: IngressDeps): RequestHandler {
  const refuse = (res: Parameters<RequestHandler>[1], error: ApiError) => {
    if (error.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="Sluice queues", charset="UTF-8"');
    sendError(res, String(res.locals.requestId ?? ''), error);
  };
  return async (req, res, next) => {
    try {
      const basic = basicCredentials(singleHeader(req, 'authorization'));
      const configured = deps.config.dashboardCredentials;
      if (basic && configured && constantTimeEqual(basic.user, configured.user) && constantTimeEqual(basic.password, configured.password)) {
        return next();
      }
      const orgKey = singleHeader(req, 'x-process-manager-key') ?? (basic && isKeyShaped('org', basic.password) ? basic.password : undefined);
      if (!orgKey) return refuse(res, new ApiError('MISSING_CREDENTIALS', 'The queue dashboard needs an org key with instances:read.'));
      const principal = await resolveOrgKey(deps.orgKeys ?? deps.registry.orgs, orgKey);
      if (!hasScope(principal.scopes, 'instances:read')) {
        return refuse(res, new ApiError('MISSING_SCOPE', 'This organization key lacks the scope instances:read.', { requiredScope: 'instances:read' }));
      }
      next();
    } catch (err) {
      if (err instanceof ApiError) return refuse(res, err);
      next(err);
    }
  };
}

/**
 * bull-board on the dispatch queue, read-only: runs are retried and replayed through the API,
 * which keeps their records and links; the dashboard is for looking.
 */
export function mountDashboard(app: Express, deps: IngressDeps): void {
  const auth = dashboardAuth(deps);
  // Loaded on the first authorised visit: bull-board and its UI are ~15 MB of resident memory
  // that a busy ingress would otherwise carry unused.
  let board: Promise<RequestHandler> | undefined;
  const load = async (): Promise<RequestHandler> => {
    const [{ createBullBoard }, { BullMQAdapter }, { ExpressAdapter }] = await Promise.all([
      import('@bull-board/api'),
      import('@bull-board/api/bullMQAdapter'),
      import('@bull-board/express'),
    ]);
    const serverAdapter = new ExpressAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({ queues: [new BullMQAdapter(deps.queue, { readOnlyMode: true })], serverAdapter });
    return serverAdapter.getRouter() as RequestHandler;
  };
  const mounted = Router();
  mounted.use((req, res, next) => {
    void auth(req, res, (err?: unknown) => {
      if (err) return next(err);
      (board ??= load()).then((router) => router(req, res, next), next);
    });
  });
  app.use(DASHBOARD_PATH, mounted);
}
