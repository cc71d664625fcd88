import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { Principal } from '@sluice/auth';
import { generateId } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import {
  type DispatchJob,
  type RunSource,
  derivePayload,
  encodeReceivedBody,
  enqueueRun,
  parsePubSubPush,
} from '@sluice/queue';
import { contextFromHeaders, startSpan, traceparentOf } from '@sluice/observability';
import { ID_PATTERN } from '@sluice/registry';
import { detectScheme } from '@sluice/signatures';
import { authenticateKeyForInstance, keyCredential, missingCredentials, singleHeader } from '../authenticate';
import type { IngressDeps } from '../deps';
import type { InputValidator } from '../input-validator';
import { runPolicy } from '../run-policy';
import { withRedisDeadline } from '../redis-unavailable';
import { googleKeys, hasSenderSignature, verifySender } from '../sender-auth';

const MAX_DELIVERY_ID_LENGTH = 256;
const TRACEPARENT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

export const TRIGGER_PATHS = ['/webhook/:pid/:wid', '/triggerwebhookpublic/:pid/:wid', '/triggerWebhookPublic/:pid/:wid'];

/** POST /webhook/{pid}/{wid}: authenticate, validate, dedupe+enqueue, answer with the executionId. */
export function registerTriggerRoutes(router: Router, deps: IngressDeps, validator: InputValidator): void {
  const keys = googleKeys(deps.config.googleJwksUrl);
  const policy = runPolicy(deps.config);
  const handler = async (req: Request, res: Response) => {
    const pid = String(req.params.pid);
    const wid = String(req.params.wid);
    // One trace from the sender's request through the queue to the dispatch (issue 6).
    const span = startSpan('sluice.ingest', 'server', contextFromHeaders(req.headers), { 'http.route': '/webhook/{pid}/{wid}' });
    res.on('finish', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      span.end();
    });
    if (!ID_PATTERN.test(pid)) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');
    if (!ID_PATTERN.test(wid)) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');

    // Signature headers, when present, decide alone (DESIGN §3); otherwise the first key credential.
    const scheme = detectScheme(req.headers);
    const signed = hasSenderSignature(req, scheme);
    const credential = signed ? undefined : keyCredential(req);
    res.locals.ingest = signed ? 'signature' : (credential?.method ?? 'none');
    if (!signed && !credential) throw missingCredentials();

    // One round trip for instance, workflow and sealed secrets; Queue.add is the second.
    const { instance, workflow, storedSecrets } = await withRedisDeadline(
      deps.registry.instances.getEndpoint(pid, wid),
      deps.config.redisTimeoutMs,
    );
    if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');

    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    let principal: Principal;
    let deliveryId: string | undefined;
    let source: RunSource;
    if (signed) {
      if (!workflow) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
      const stopTimer = deps.metrics?.verifySeconds.startTimer({ scheme: scheme ?? 'gcp-pubsub-oidc' });
      const material = deps.registry.signingSecrets.materialOf(pid, wid, storedSecrets);
      const verified = await verifySender(deps, keys, { instance, workflow, material }, scheme, req, rawBody).finally(() => stopTimer?.());
      principal = verified.principal;
      deliveryId = verified.deliveryId;
      source = verified.source;
    } else {
      principal = await authenticateKeyForInstance(deps.registry, credential!, instance, 'workflows:trigger');
      if (!workflow) throw new ApiError('WORKFLOW_NOT_FOUND', 'Unknown workflow.');
      // A Pub/Sub push authenticated by ?api_key= dedupes on its messageId.
      const push = credential!.method === 'api_key_query' ? parsePubSubPush(rawBody) : undefined;
      deliveryId = singleHeader(req, 'idempotency-key') ?? push?.messageId;
      source = {
        method: principal.method,
        ...(push ? { provider: 'gcp-pubsub' } : {}),
        ...(deliveryId ? { deliveryId } : {}),
      };
    }
    if (!instance.active) throw new ApiError('INSTANCE_PAUSED', 'This process instance is paused.');
    if (deliveryId !== undefined && deliveryId.length > MAX_DELIVERY_ID_LENGTH) {
      throw new ApiError('INVALID_REQUEST', `The delivery id is longer than ${MAX_DELIVERY_ID_LENGTH} characters.`);
    }

    const body = encodeReceivedBody(rawBody, contentTypeOf(req, rawBody));
    const payload = derivePayload(body, source.provider);
    if (!payload.ok) throw new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
    if (workflow.inputSchema) {
      const details = validator.validate(workflow.inputSchema, payload.payload);
      if (details.length > 0) {
        throw new ApiError('VALIDATION_ERROR', "The payload does not match the workflow's inputSchema.", {
          type: 'validation_error',
          details,
        });
      }
    }

    const incomingTrace = singleHeader(req, 'traceparent');
    const job: DispatchJob = {
      schemaVersion: 1,
      executionId: generateId('exec'),
      processInstanceId: pid,
      workflowId: wid,
      organizationId: instance.organizationId,
      receivedAt: (deps.now?.() ?? new Date()).toISOString(),
      source,
      body,
      traceparent: traceparentOf(span) ?? (incomingTrace && TRACEPARENT.test(incomingTrace) ? incomingTrace : newTraceparent()),
    };
    const result = await withRedisDeadline(
      enqueueRun(deps.queue, job, deliveryId !== undefined ? { ...policy, deliveryId } : policy),
      deps.config.redisTimeoutMs,
    );
    deps.metrics?.ingests.inc({ auth_method: principal.method, outcome: result.duplicate ? 'duplicate' : 'accepted' });
    if (result.duplicate) {
      res.status(200).json({
        success: true,
        executionId: result.executionId,
        message: 'Duplicate delivery: execution already started',
        duplicate: true,
      });
      return;
    }
    res.status(202).json({ success: true, executionId: result.executionId, message: 'Execution started' });
  };
  for (const path of TRIGGER_PATHS) router.post(path, handler);
}

/** The declared content type; a body without one that parses as JSON is taken as JSON. */
function contentTypeOf(req: Request, rawBody: Buffer): string | undefined {
  const declared = req.headers['content-type'];
  if (declared) return declared;
  const first = rawBody.subarray(0, 1).toString();
  if (first === '{' || first === '[') {
    try {
      JSON.parse(rawBody.toString('utf8'));
      return 'application/json';
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
