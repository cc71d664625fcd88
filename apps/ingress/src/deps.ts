import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SluiceConfig } from '@sluice/config';
import type { Logger, SluiceMetrics } from '@sluice/observability';
import type { ExecutionStore } from '@sluice/queue';
import type { EndpointCache, OrgKeyCache, Registry } from '@sluice/registry';

/** Everything the ingress needs, built by the process entry point (or a test). */
export interface IngressDeps {
  config: SluiceConfig;
  logger: Logger;
  /** Fail-fast request connection (see @sluice/redis). */
  redis: Redis;
  registry: Registry;
  /** Endpoints cached with pushed invalidation; without it every trigger reads Redis. */
  endpoints?: Pick<EndpointCache, 'get'>;
  /** Org keys cached the same way; without it every org-key request reads Redis. */
  orgKeys?: Pick<OrgKeyCache, 'lookupOrgKey'>;
  queue: Queue;
  executions: ExecutionStore;
  /** Derives per-run callback secrets (see execution-secret.ts in the worker). */
  executionSecretKey: Buffer;
  metrics?: SluiceMetrics;
  now?: () => Date;
}
