import { executionSecretFor } from '@sluice/auth';
import { type DispatchJob, derivePayload } from '@sluice/queue';
import type { Workflow } from '@sluice/registry';
import { signStandardWebhook } from '@sluice/signatures';

export interface DispatchRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface DispatchContext {
  publicUrl: string;
  executionSecretKey: Buffer;
  dispatchSecret: string;
  nowSec: number;
}

/**
 * The request a target receives (DESIGN §5): the payload's fields plus `executionMetadata`
 * (a non-object payload goes under `payload`), the target's headers, `Idempotency-Key` (the
 * executionId, the same on every retry), `traceparent`, and a Standard Webhooks signature
 * made with the instance's dispatch secret.
 */
export function buildDispatchRequest(job: DispatchJob, workflow: Workflow, ctx: DispatchContext): DispatchRequest {
  const derived = derivePayload(job.body, job.source.provider);
  // The ingress refused invalid JSON, so this only happens for jobs written by hand.
  const payload = derived.ok ? derived.payload : { contentType: job.body.contentType, text: job.body.data };
  const executionMetadata = {
    executionId: job.executionId,
    executionSecret: executionSecretFor(ctx.executionSecretKey, job.executionId),
    callbackUrl: `${ctx.publicUrl}/submitWorkflowResult`,
    errorCallbackUrl: `${ctx.publicUrl}/submitWorkflowError`,
    workflowId: job.workflowId,
    processInstanceId: job.processInstanceId,
    organizationId: job.organizationId,
    source: job.source,
    receivedAt: job.receivedAt,
    ...(job.replayOf ? { replayOf: job.replayOf } : {}),
  };
  const isObject = payload !== null && typeof payload === 'object' && !Array.isArray(payload);
  const body = JSON.stringify(isObject ? { ...payload, executionMetadata } : { payload, executionMetadata });
  const webhookId = job.executionId;
  return {
    url: workflow.target.url,
    headers: {
      ...workflow.target.headers,
      'content-type': 'application/json',
      'user-agent': 'Sluice/0.1',
      'idempotency-key': job.executionId,
      ...(job.traceparent ? { traceparent: job.traceparent } : {}),
      'webhook-id': webhookId,
      'webhook-timestamp': String(ctx.nowSec),
      'webhook-signature': signStandardWebhook({
        secret: ctx.dispatchSecret,
        id: webhookId,
        timestampSec: ctx.nowSec,
        rawBody: body,
      }),
    },
    body,
  };
}
