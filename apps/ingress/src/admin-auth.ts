import type { Request, Response } from 'express';
import type { OrgScope, Principal } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import { ID_PATTERN, type InstanceAuthRecord } from '@sluice/registry';
import { requireScope, resolveOrgKey, singleHeader } from './authenticate';
import type { IngressDeps } from './deps';

export type OrgPrincipal = Extract<Principal, { kind: 'org' }>;

/** The admin API takes org keys only, in X-Process-Manager-Key. */
export async function orgPrincipal(deps: IngressDeps, req: Request, scope: OrgScope): Promise<OrgPrincipal> {
  const key = singleHeader(req, 'x-process-manager-key');
  if (key === undefined) {
    throw new ApiError('MISSING_CREDENTIALS', 'The admin API needs an organization key in X-Process-Manager-Key.');
  }
  const principal = await resolveOrgKey(deps.orgKeys ?? deps.registry.orgs, key);
  requireScope(principal, scope);
  return principal;
}

/** An instance of the principal's org; another org's instance is 404, as if it did not exist. */
export async function ownedInstance(deps: IngressDeps, principal: OrgPrincipal, pid: string): Promise<InstanceAuthRecord> {
  const instance = ID_PATTERN.test(pid) ? await deps.registry.instances.get(pid) : undefined;
  if (!instance || instance.organizationId !== principal.organizationId) {
    throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');
  }
  return instance;
}

export function requireJsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send a JSON body with Content-Type: application/json.');
  }
  return req.body;
}

export function param(req: Request, name: string): string {
  return String(req.params[name]);
}

export type Handler = (req: Request, res: Response) => Promise<void>;
