import type { Router } from 'express';
import { z } from 'zod';
import { generateId } from '@sluice/auth';
import { ApiError } from '@sluice/errors';
import { type DispatchJob, dispatchJobSchema, enqueueRun, findExecution } from '@sluice/queue';
import { orgPrincipal, ownedInstance, param } from '../admin-auth';
import type { IngressDeps } from '../deps';
import { runPolicy } from '../run-policy';
import { invalid } from './admin-instances.route';

const listQuery = z.object({
  status: z.enum(['pending', 'success', 'failed']).optional(),
  workflowId: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.coerce.number().int().min(0).optional(),
});

/** Execution history and replay (DESIGN §6). */
export function registerExecutionRoutes(router: Router, deps: IngressDeps): void {
  router.get('/v1/instances/:pid/executions', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'executions:read');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const query = listQuery.safeParse(req.query);
    if (!query.success) throw invalid(query.error);
    const { executions, nextBefore } = await deps.executions.list(instance.processInstanceId, {
      limit: query.data.limit,
      ...(query.data.status ? { status: query.data.status } : {}),
      ...(query.data.workflowId ? { workflowId: query.data.workflowId } : {}),
      ...(query.data.before !== undefined ? { before: query.data.before } : {}),
    });
    res.json({ success: true, executions, ...(nextBefore !== undefined ? { nextBefore } : {}) });
  });

  router.get('/v1/instances/:pid/executions/:eid', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'executions:read');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const record = await findExecution(deps.executions, deps.queue, param(req, 'eid'));
    if (!record || record.processInstanceId !== instance.processInstanceId) {
      throw new ApiError('EXECUTION_NOT_FOUND', 'Unknown execution.');
    }
    res.json({ success: true, execution: record });
  });

  const policy = runPolicy(deps.config);
  // A replay is a new run made from the exact bytes the original received, linked both ways.
  const replay = async (instancePid: string, executionId: string): Promise<string | undefined> => {
    const job = await deps.queue.getJob(executionId);
    const original = job ? dispatchJobSchema.safeParse(job.data) : undefined;
    if (!original?.success || original.data.processInstanceId !== instancePid) return undefined;
    const copy: DispatchJob = {
      ...original.data,
      executionId: generateId('exec'),
      receivedAt: new Date().toISOString(),
      source: { ...original.data.source, method: 'replay' },
      replayOf: original.data.executionId,
    };
    await enqueueRun(deps.queue, copy, policy);
    await deps.executions.recordReplay(original.data.executionId, copy.executionId);
    return copy.executionId;
  };

  router.post('/v1/instances/:pid/executions/:eid/replay', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'workflows:trigger');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const executionId = await replay(instance.processInstanceId, param(req, 'eid'));
    if (!executionId) throw new ApiError('EXECUTION_NOT_FOUND', 'Unknown execution, or its stored request has expired.');
    res.status(202).json({ success: true, executionId, replayOf: param(req, 'eid'), message: 'Execution started' });
  });

  // Replays every failed run of one workflow (within the retention window) in one call.
  router.post('/v1/instances/:pid/workflows/:wid/executions/replay-failed', async (req, res) => {
    const principal = await orgPrincipal(deps, req, 'workflows:trigger');
    const instance = await ownedInstance(deps, principal, param(req, 'pid'));
    const failed: string[] = [];
    let before: number | undefined;
    do {
      const page = await deps.executions.list(instance.processInstanceId, {
        status: 'failed',
        workflowId: param(req, 'wid'),
        limit: 500,
        ...(before !== undefined ? { before } : {}),
      });
      failed.push(...page.executions.filter((e) => !e.replays?.length).map((e) => e.executionId));
      before = page.nextBefore;
    } while (before !== undefined && failed.length < 10_000);
    const replayed: Array<{ originalExecutionId: string; executionId: string }> = [];
    for (const originalExecutionId of failed) {
      const executionId = await replay(instance.processInstanceId, originalExecutionId);
      if (executionId) replayed.push({ originalExecutionId, executionId });
    }
    res.status(202).json({ success: true, replayed, count: replayed.length });
  });
}
