import type { Router } from 'express';
import { z } from 'zod';
import { ORG_SCOPES, type OrgScope } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import { OrgKeyLimitError } from '@sluice/registry';
import { orgPrincipal, param, requireJsonBody } from '../admin-auth';
import type { IngressDeps } from '../deps';
import { invalid } from './admin-instances.route';

const scopes = z.array(z.enum(ORG_SCOPES)).min(1).max(ORG_SCOPES.length);
const createBody = z
  .object({ name: z.string().trim().min(1).max(200), scopes, expiresAt: z.iso.datetime({ offset: true }).optional() })
  .strict();
const patchBody = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    scopes: scopes.optional(),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

/** A key can hand out only scopes it holds itself, so api-keys:manage is not a way up. */
function checkGrantable(held: readonly OrgScope[], wanted: readonly OrgScope[]): void {
  const missing = wanted.filter((s) => !held.includes(s));
  if (missing.length > 0) {
    throw new ApiError('MISSING_SCOPE', `This organization key cannot grant scopes it lacks: ${missing.join(', ')}.`, {
      requiredScope: missing[0],
    });
  }
}

/** Organization keys (DESIGN §6): at most 20 active, shown once, stored as hashes. */
export function registerOrgKeyRoutes(router: Router, deps: IngressDeps): void {
  const { orgs } = deps.registry;

  router.post('/v1/org-keys', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'api-keys:manage');
    const body = createBody.safeParse(requireJsonBody(req));
    if (!body.success) throw invalid(body.error);
    checkGrantable(principal.scopes, body.data.scopes);
    const expiresAt = body.data.expiresAt ? new Date(body.data.expiresAt) : undefined;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new ApiError('INVALID_REQUEST', 'expiresAt must be in the future.');
    try {
      const { record, key } = await orgs.createOrgKey(principal.organizationId, {
        name: body.data.name,
        scopes: body.data.scopes,
        ...(expiresAt ? { expiresAt } : {}),
      });
      res.status(201).json({ success: true, keyId: record.keyId, apiKey: key, key: record });
    } catch (err) {
      if (err instanceof OrgKeyLimitError) throw new ApiError('MAX_API_KEYS_REACHED', err.message, undefined, 60);
      throw err;
    }
  });

  router.get('/v1/org-keys', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'api-keys:manage');
    res.json({ success: true, keys: await orgs.listOrgKeys(principal.organizationId) });
  });

  router.patch('/v1/org-keys/:keyId', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'api-keys:manage');
    const body = patchBody.safeParse(requireJsonBody(req));
    if (!body.success) throw invalid(body.error);
    if (body.data.scopes) checkGrantable(principal.scopes, body.data.scopes);
    const key = await orgs.updateOrgKey(principal.organizationId, param(req, 'keyId'), {
      ...(body.data.name !== undefined ? { name: body.data.name } : {}),
      ...(body.data.scopes !== undefined ? { scopes: body.data.scopes } : {}),
      ...(body.data.expiresAt !== undefined
        ? { expiresAt: body.data.expiresAt === null ? null : new Date(body.data.expiresAt) }
        : {}),
    });
    if (!key) throw new ApiError('ORG_KEY_NOT_FOUND', 'Unknown organization key.');
    res.json({ success: true, key });
  });

  router.delete('/v1/org-keys/:keyId', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'api-keys:manage');
    const key = await orgs.revokeOrgKey(principal.organizationId, param(req, 'keyId'));
    if (!key) throw new ApiError('ORG_KEY_NOT_FOUND', 'Unknown organization key.');
    res.json({ success: true, key });
  });
}
