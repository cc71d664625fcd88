import type { Request, Response, Router } from 'express';
import { ApiError } from '@sluice/errors';
import { type ExecutionRecord, findExecution } from '@sluice/queue';
import { ID_PATTERN } from '@sluice/registry';
import { authenticateKeyForInstance, keyCredential, missingCredentials } from '../authenticate';
import type { IngressDeps } from '../deps';
import { withRedisDeadline } from '../redis-unavailable';

export const STATUS_PATHS = [
  '/status/:pid/:eid',
  '/getexecutionstatuspublic/:pid/:eid',
  '/getExecutionStatusPublic/:pid/:eid',
];

/** The Codika execution shape, plus attempts and source. */
export function publicExecution(record: ExecutionRecord): Record<string, unknown> {
  const { attemptLog: _attemptLog, organizationId: _org, ...rest } = record;
  return rest;
}

/** GET /status/{pid}/{eid}: a run of this instance, or 404 (also for another instance's run). */
export function registerStatusRoutes(router: Router, deps: IngressDeps): void {
  const handler = async (req: Request, res: Response) => {
    const pid = String(req.params.pid);
    const eid = String(req.params.eid);
    const credential = keyCredential(req);
    if (!credential) throw missingCredentials();
    if (!ID_PATTERN.test(pid)) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');
    const instance = await withRedisDeadline(deps.registry.instances.get(pid), deps.config.redisTimeoutMs);
    if (!instance) throw new ApiError('INSTANCE_NOT_FOUND', 'Unknown process instance.');
    await authenticateKeyForInstance(deps.registry, credential, instance, 'executions:read', deps.orgKeys);
    const record = ID_PATTERN.test(eid)
      ? await withRedisDeadline(findExecution(deps.executions, deps.queue, eid), deps.config.redisTimeoutMs)
      : undefined;
    if (!record || record.processInstanceId !== pid) {
      throw new ApiError('EXECUTION_NOT_FOUND', 'Unknown execution.');
    }
    res.json({ success: true, execution: publicExecution(record) });
  };
  for (const path of STATUS_PATHS) router.get(path, handler);
}
