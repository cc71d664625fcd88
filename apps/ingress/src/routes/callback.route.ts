import type { Router } from 'express';
import { z } from 'zod';
import { isExecutionSecret } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import { type ErrorType, findExecution } from '@sluice/queue';
import { ID_PATTERN } from '@sluice/registry';
import type { IngressDeps } from '../deps';
import { withRedisDeadline } from '../redis-unavailable';
import { invalid } from './admin-instances.route';

// The bodies the Codika n8n nodes post (Submit Result, Report Error).
const resultBody = z.object({
  executionId: z.string().regex(ID_PATTERN),
  executionSecret: z.string().min(1).max(256),
  resultData: z.unknown(),
  executionTimeMs: z.number().nonnegative().optional(),
});
const errorBody = z.object({
  executionId: z.string().regex(ID_PATTERN),
  executionSecret: z.string().min(1).max(256),
  error: z.object({
    message: z.string().max(10_000),
    type: z.enum(['node_failure', 'validation_error', 'external_api_error', 'timeout']).default('node_failure'),
    failedNodeName: z.string().max(500).optional(),
    lastExecutedNode: z.string().max(500).optional(),
  }),
  executionTimeMs: z.number().nonnegative().optional(),
});

/**
 * Result callbacks for `resultMode: callback` runs. The executionSecret authenticates the
 * callback; a wrong secret or a second terminal callback changes nothing.
 */
export function registerCallbackRoutes(router: Router, deps: IngressDeps): void {
  const settle = async (
    executionId: string,
    executionSecret: string,
    outcome: { status: 'success'; resultData: unknown } | { status: 'failed'; errorDetails: { type: ErrorType; message: string; failedNodeName?: string } },
  ) => {
    if (!isExecutionSecret(deps.executionSecretKey, executionId, executionSecret)) {
      throw new ApiError('INVALID_EXECUTION_SECRET', 'The executionSecret does not match this execution.');
    }
    const record = await withRedisDeadline(findExecution(deps.executions, deps.queue, executionId), deps.config.redisTimeoutMs);
    if (!record) throw new ApiError('EXECUTION_NOT_FOUND', 'Unknown execution.');
    if (record.status !== 'pending') throw new ApiError('EXECUTION_ALREADY_FINISHED', 'This execution already ended.');
    const finished = await withRedisDeadline(
      deps.executions.finish(record, outcome, deps.now?.() ?? new Date(), Math.max(1, record.attempts)),
      deps.config.redisTimeoutMs,
    );
    if (!finished) throw new ApiError('EXECUTION_ALREADY_FINISHED', 'This execution already ended.');
  };

  router.post('/submitWorkflowResult', async (req, res) => {
    const body = resultBody.safeParse(req.body);
    if (!body.success) throw invalid(body.error);
    await settle(body.data.executionId, body.data.executionSecret, { status: 'success', resultData: body.data.resultData ?? {} });
    res.json({ success: true });
  });

  router.post('/submitWorkflowError', async (req, res) => {
    const body = errorBody.safeParse(req.body);
    if (!body.success) throw invalid(body.error);
    const { message, type, failedNodeName, lastExecutedNode } = body.data.error;
    const node = failedNodeName ?? lastExecutedNode;
    await settle(body.data.executionId, body.data.executionSecret, {
      status: 'failed',
      errorDetails: { type, message, ...(node ? { failedNodeName: node } : {}) },
    });
    res.json({ success: true });
  });
}
