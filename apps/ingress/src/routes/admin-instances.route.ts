import type { Router } from 'express';
import { z } from 'zod';
import { ApiError } from '@sluice/errors';
import { type Workflow, parseWorkflow, publicInstance } from '@sluice/registry';
import { orgPrincipal, ownedInstance, param, requireJsonBody } from '../admin-auth';
import type { IngressDeps } from '../deps';
import type { InputValidator } from '../input-validator';

const createInstanceBody = z.object({
  name: z.string().trim().min(1).max(200),
  workflows: z.array(z.unknown()).max(200).default([]),
});
const patchInstanceBody = z
  .object({ name: z.string().trim().min(1).max(200).optional(), active: z.boolean().optional() })
  .strict();
const signingSecretBody = z.discriminatedUnion('scheme', [
  z.object({
    scheme: z.enum(['standard-webhooks', 'stripe', 'github']),
    secret: z.string().min(8).max(4096),
    label: z.string().max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
  z.object({
    scheme: z.literal('gcp-pubsub-oidc'),
    audience: z.string().min(1).max(2048),
    serviceAccountEmail: z.email(),
    label: z.string().max(200).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  }),
]);

export function invalid(error: z.ZodError): ApiError {
  const details = error.issues.map((i) => ({ path: i.path.join('.') || '/', message: i.message }));
  return new ApiError('INVALID_REQUEST', `Invalid request: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, {
    details,
  });
}

/** Validates a workflow definition, including that its inputSchema compiles. */
function checkWorkflow(input: unknown, validator: InputValidator): Workflow {
  const parsed = parseWorkflow(input);
  if (!parsed.ok) throw new ApiError('INVALID_REQUEST', `Invalid workflow: ${parsed.problems.join('; ')}`);
  if (parsed.workflow.inputSchema) {
    try {
      validator.compile(parsed.workflow.inputSchema);
    } catch (err) {
      throw new ApiError('INVALID_REQUEST', `Invalid workflow: inputSchema does not compile: ${(err as Error).message}`);
    }
  }
  return parsed.workflow;
}

function checkSecretShape(body: z.infer<typeof signingSecretBody>): void {
  if (body.scheme === 'standard-webhooks' && !/^(whsec_|whpk_)?[A-Za-z0-9+/=]{16,}$/.test(body.secret)) {
    throw new ApiError('INVALID_REQUEST', 'A standard-webhooks secret is a whsec_ (base64) secret or a whpk_ public key.');
  }
}

/** Instances, their workflows, instance keys and signing secrets (DESIGN §6). */
export function registerInstanceRoutes(router: Router, deps: IngressDeps, validator: InputValidator): void {
  const { registry } = deps;

  router.post('/v1/instances', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const body = createInstanceBody.safeParse(requireJsonBody(req));
    if (!body.success) throw invalid(body.error);
    const workflows = body.data.workflows.map((w) => checkWorkflow(w, validator));
    const ids = new Set(workflows.map((w) => w.workflowId));
    if (ids.size !== workflows.length) throw new ApiError('INVALID_REQUEST', 'Workflow ids must be unique.');
    const created = await registry.instances.create(principal.organizationId, body.data.name, workflows);
    res.status(201).json({
      success: true,
      processInstanceId: created.instance.processInstanceId,
      apiKey: created.apiKey,
      dispatchSecret: created.dispatchSecret,
      instance: created.instance,
      workflows: created.workflows,
    });
  });

  router.get('/v1/instances', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:read');
    res.json({ success: true, instances: await registry.instances.list(principal.organizationId) });
  });

  router.get('/v1/instances/:pid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:read');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const workflows = await registry.instances.listWorkflows(instance.processInstanceId);
    res.json({ success: true, instance: publicInstance(instance), workflows });
  });

  router.patch('/v1/instances/:pid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const body = patchInstanceBody.safeParse(requireJsonBody(req));
    if (!body.success) throw invalid(body.error);
    const updated = await registry.instances.update(instance.processInstanceId, {
      ...(body.data.name !== undefined ? { name: body.data.name } : {}),
      ...(body.data.active !== undefined ? { active: body.data.active } : {}),
    });
    res.json({ success: true, instance: updated });
  });

  router.delete('/v1/instances/:pid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    await registry.instances.delete(instance.processInstanceId);
    res.json({ success: true });
  });

  router.put('/v1/instances/:pid/workflows/:wid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const raw = requireJsonBody(req);
    const wid = param(req, 'wid');
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new ApiError('INVALID_REQUEST', 'Send the workflow as a JSON object.');
    }
    const given = (raw as { workflowId?: unknown }).workflowId;
    if (given !== undefined && given !== wid) {
      throw new ApiError('INVALID_REQUEST', 'workflowId in the body must match the path.');
    }
    const workflow = checkWorkflow({ ...raw, workflowId: wid }, validator);
    await registry.instances.putWorkflow(instance.processInstanceId, workflow);
    res.json({ success: true, workflow });
  });

  router.delete('/v1/instances/:pid/workflows/:wid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const removed = await registry.instances.deleteWorkflow(instance.processInstanceId, param(req, 'wid'));
    if (!removed) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
    res.json({ success: true });
  });

  router.post('/v1/instances/:pid/api-key/regenerate', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'instances:manage');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const apiKey = await registry.instances.regenerateApiKey(instance.processInstanceId);
    res.json({ success: true, apiKey });
  });

  const secretsPath = '/v1/instances/:pid/workflows/:wid/signing-secrets';
  const ownedWorkflow = async (req: Parameters<Parameters<Router['get']>[1]>[0], scope: 'instances:read' | 'instances:manage') => {
    const principal = await orgPrincipal(deps, req, scope);
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const workflow = await registry.instances.getWorkflow(instance.processInstanceId, param(req, 'wid'));
    if (!workflow) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
    return { pid: instance.processInstanceId, wid: workflow.workflowId };
  };

  router.post(secretsPath, async (req, res) => {
    const { pid, wid } = await ownedWorkflow(req, 'instances:manage');
    const raw = requireJsonBody(req);
    const withDefault =
      typeof raw === 'object' && raw !== null && !('scheme' in raw) ? { ...raw, scheme: 'standard-webhooks' } : raw;
    const body = signingSecretBody.safeParse(withDefault);
    if (!body.success) throw invalid(body.error);
    checkSecretShape(body.data);
    const expiresAt = body.data.expiresAt ? new Date(body.data.expiresAt) : undefined;
    const info = await registry.signingSecrets.add(
      pid,
      wid,
      body.data.scheme === 'gcp-pubsub-oidc'
        ? {
            scheme: 'gcp-pubsub-oidc',
            audience: body.data.audience,
            serviceAccountEmail: body.data.serviceAccountEmail,
            ...(body.data.label ? { label: body.data.label } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          }
        : {
            scheme: body.data.scheme,
            secret: body.data.secret,
            ...(body.data.label ? { label: body.data.label } : {}),
            ...(expiresAt ? { expiresAt } : {}),
          },
    );
    res.status(201).json({ success: true, ...info });
  });

  router.get(secretsPath, async (req, res) => {
    const { pid, wid } = await ownedWorkflow(req, 'instances:read');
    res.json({ success: true, secrets: await registry.signingSecrets.list(pid, wid) });
  });

  router.delete(`${secretsPath}/:sid`, async (req, res) => {
    const { pid, wid } = await ownedWorkflow(req, 'instances:manage');
    if (!(await registry.signingSecrets.remove(pid, wid, param(req, 'sid')))) {
      throw new ApiError('SIGNING_SECRET_NOT_FOUND', 'Unknown signing secret.');
    }
    res.json({ success: true });
  });
}
