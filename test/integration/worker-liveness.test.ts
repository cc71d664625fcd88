import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createLogger } from '@sluice/observability';
import { ConcurrencyLimiter, DISPATCH_QUEUE, ExecutionStore } from '@sluice/queue';
import { createRegistry } from '@sluice/registry';
import { createDispatchWorker } from '../../apps/worker/src/worker';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

// Issue 6: the worker's liveness fails when runs wait and the worker does nothing.
describe('worker liveness', () => {
  const prefix = uniquePrefix('liveness');
  const redis = new Redis(testRedisUrl());
  const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  const queue = new Queue(DISPATCH_QUEUE, { connection: redis, prefix: `${prefix}:bull` });

  afterAll(async () => {
    await queue.close();
    await deletePrefix(redis, prefix);
    await Promise.all([redis.quit(), connection.quit()]);
  });

  it('is healthy while idle with nothing waiting, stuck when runs wait without activity, dead once closed', async () => {
    const key = randomBytes(32);
    const worker = createDispatchWorker({
      connection,
      prefix,
      concurrency: 1,
      lockMs: 5000,
      registry: createRegistry({ redis, prefix, encryptionKey: key }),
      executions: new ExecutionStore(redis, prefix, 3600),
      limiter: new ConcurrencyLimiter(redis, prefix),
      logger: createLogger({ level: 'silent' }),
      publicUrl: 'http://127.0.0.1:1',
      executionSecretKey: key,
      defaultTimeoutMs: 1000,
      queue,
      resultTimeoutSec: 60,
    });
    await worker.worker.waitUntilReady();
    expect(await worker.isHealthy(async () => 0)).toBe(true);
    expect(await worker.isHealthy(async () => 0, 0)).toBe(true);
    expect(await worker.isHealthy(async () => 3, 0)).toBe(false);
    expect(await worker.isHealthy(async () => 3)).toBe(true);
    await worker.close();
    expect(await worker.isHealthy(async () => 0)).toBe(false);
  });
});
