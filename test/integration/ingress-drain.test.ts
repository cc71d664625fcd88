import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '@sluice/config';
import { createLogger } from '@sluice/observability';
import { DISPATCH_QUEUE, ExecutionStore } from '@sluice/queue';
import { createRegistry } from '@sluice/registry';
import { createApp } from '../../apps/ingress/src/app';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

// Issue 4: on SIGTERM the ingress first turns readiness to 503 so load balancers stop sending.
describe('ingress draining', () => {
  const prefix = uniquePrefix('drain');
  const redis = new Redis(testRedisUrl());
  const queue = new Queue(DISPATCH_QUEUE, { connection: redis, prefix: `${prefix}:bull` });
  let server: Server;

  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await queue.close();
    await deletePrefix(redis, prefix);
    await redis.quit();
  });

  it('answers /readyz 503 once draining, while /healthz stays 200', async () => {
    const config = loadConfig({ REDIS_URL: testRedisUrl(), SLUICE_REDIS_PREFIX: prefix });
    const key = randomBytes(32);
    const { handle, startDraining } = createApp({
      config,
      logger: createLogger({ level: 'silent' }),
      redis,
      registry: createRegistry({ redis, prefix, encryptionKey: key }),
      queue,
      executions: new ExecutionStore(redis, prefix, 3600),
      executionSecretKey: key,
    });
    server = await new Promise<Server>((resolve) => {
      const s = createServer(handle).listen(0, '127.0.0.1', () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    startDraining();
    const draining = await fetch(`${base}/readyz`);
    expect(draining.status).toBe(503);
    expect(await draining.json()).toEqual({ status: 'draining' });
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});
