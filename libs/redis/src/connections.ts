import { Redis, type RedisOptions } from 'ioredis';

/**
 * Two connection profiles with opposite failure semantics (BullMQ "going to production"):
 * - request path (ingress, admin, status): fail fast so the caller gets a 503 within a bound
 *   instead of hanging; never queue commands while disconnected.
 * - worker: block and retry forever; a worker waits out a Redis restart.
 */
export function createRequestConnection(url: string, timeoutMs: number, name = 'sluice-request'): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: (times) => Math.min(times * 100, 1000),
    lazyConnect: false,
    // Commands issued in the same tick (many concurrent triggers) go out in one write.
    enableAutoPipelining: true,
  } satisfies RedisOptions);
}

/** For pub/sub: reconnects forever and resubscribes; its owner tracks whether it is live. */
export function createSubscriberConnection(url: string, name = 'sluice-subscriber'): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    autoResubscribe: true,
    retryStrategy: (times) => Math.min(times * 100, 1000),
  } satisfies RedisOptions);
}

export function createWorkerConnection(url: string, name = 'sluice-worker'): Redis {
  return new Redis(url, {
    connectionName: name,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  } satisfies RedisOptions);
}

/** Resolves when the connection is ready, rejects after timeoutMs. */
export async function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = () => {
      cleanup();
      resolve();
    };
    const cleanup = () => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
