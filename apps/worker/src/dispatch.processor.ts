import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from '@sluice/observability';
import { type DispatchJob, type ExecutionBase, type ExecutionStore, dispatchJobSchema } from '@sluice/queue';
import type { Registry } from '@sluice/registry';
import type { Breakers } from './breakers';
import { classifyDispatchError } from './classify-dispatch-error';
import { buildDispatchRequest } from './dispatch-request';
import { sendDispatch } from './send-dispatch';

export interface DispatchDeps {
  registry: Registry;
  executions: ExecutionStore;
  breakers: Breakers;
  logger: Logger;
  publicUrl: string;
  executionSecretKey: Buffer;
  defaultTimeoutMs: number;
  now?: () => Date;
}

function baseOf(job: DispatchJob): ExecutionBase {
  return {
    executionId: job.executionId,
    processInstanceId: job.processInstanceId,
    workflowId: job.workflowId,
    organizationId: job.organizationId,
    createdAt: job.receivedAt,
    source: job.source,
    ...(job.replayOf ? { replayOf: job.replayOf } : {}),
  };
}

/**
 * Runs one attempt of one run. Retries go back to BullMQ (exponential backoff with jitter);
 * final failures are recorded, then thrown as UnrecoverableError so the job ends failed too.
 */
export function createDispatchProcessor(deps: DispatchDeps) {
  const now = deps.now ?? (() => new Date());
  return async (job: Job, token?: string): Promise<{ status: string }> => {
    const parsed = dispatchJobSchema.safeParse(job.data);
    if (!parsed.success) {
      deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'unparsable dispatch job');
      throw new UnrecoverableError('Unparsable dispatch job');
    }
    const data = parsed.data;
    const log = deps.logger.child({ executionId: data.executionId, workflowId: data.workflowId });
    const base = baseOf(data);
    const existing = await deps.executions.get(data.executionId);
    if (existing && existing.status !== 'pending') return { status: existing.status };

    const attempt = job.attemptsMade + 1;
    const maxAttempts = job.opts.attempts ?? 1;
    const startedAt = now();
    await deps.executions.recordAttemptStart(base, attempt, startedAt.toISOString());

    const fail = async (details: Parameters<ExecutionStore['finish']>[1] & { status: 'failed' }) => {
      await deps.executions.finish(base, details, now(), attempt);
      throw new UnrecoverableError(details.errorDetails.message);
    };

    const [{ instance, workflow }, dispatchSecret] = await Promise.all([
      deps.registry.instances.getWithWorkflow(data.processInstanceId, data.workflowId),
      deps.registry.instances.getDispatchSecret(data.processInstanceId),
    ]);
    if (!instance || !workflow || !dispatchSecret) {
      return fail({
        status: 'failed',
        errorDetails: { type: 'validation_error', message: 'The instance or workflow no longer exists', code: 'WORKFLOW_NOT_FOUND' },
      });
    }

    const request = buildDispatchRequest(data, workflow, {
      publicUrl: deps.publicUrl,
      executionSecretKey: deps.executionSecretKey,
      dispatchSecret,
      nowSec: Math.floor(now().getTime() / 1000),
    });
    const timeoutMs = workflow.target.timeoutMs ?? deps.defaultTimeoutMs;
    const breaker = deps.breakers.for(new URL(request.url).origin);
    const result = await sendDispatch(request, breaker, timeoutMs);
    const durationMs = now().getTime() - startedAt.getTime();

    if (result.ok) {
      await deps.executions.recordAttempt(data.executionId, {
        attempt,
        startedAt: startedAt.toISOString(),
        durationMs,
        statusCode: result.statusCode,
      });
      if (workflow.resultMode === 'callback') {
        // The workflow reports its result through /submitWorkflowResult; the run stays pending.
        log.info({ attempt }, 'dispatched; awaiting callback');
        return { status: 'dispatched' };
      }
      await deps.executions.finish(base, { status: 'success', resultData: result.resultData }, now(), attempt);
      log.info({ attempt, durationMs }, 'run succeeded');
      return { status: 'success' };
    }

    const decision = classifyDispatchError(result.outcome, attempt >= maxAttempts, deps.breakers.resetTimeoutMs);
    if (decision.action === 'delay') {
      // An open breaker is not the run's fault: wait it out without using an attempt.
      log.info({ reason: decision.reason }, 'run delayed');
      await job.moveToDelayed(Date.now() + decision.delayMs, token);
      throw new DelayedError();
    }
    await deps.executions.recordAttempt(data.executionId, {
      attempt,
      startedAt: startedAt.toISOString(),
      durationMs,
      ...(result.outcome.kind === 'response' ? { statusCode: result.outcome.statusCode } : {}),
      error: decision.details.message,
    });
    if (decision.action === 'fail') {
      log.warn({ attempt, code: decision.details.code }, 'run failed');
      return fail({ status: 'failed', errorDetails: decision.details });
    }
    log.info({ attempt, code: decision.details.code }, 'attempt failed; will retry');
    throw new Error(decision.details.message);
  };
}
