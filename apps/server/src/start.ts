import cluster from 'node:cluster';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deriveExecutionSecretKey } from '@sluice/auth';
import { type SluiceConfig } from '@sluice/config';
import { type Logger, type SluiceMetrics, createMetrics } from '@sluice/observability';
import { ConcurrencyLimiter, DISPATCH_QUEUE, ExecutionStore } from '@sluice/queue';
import { createRequestConnection, createSubscriberConnection, createWorkerConnection, inspectRedis, waitForReady } from '@sluice/redis';
import { EndpointCache, OrgKeyCache, type Registry, RegistryKeys, createRegistry } from '@sluice/registry';
import { createApp } from '@sluice/ingress';
import type { DispatchWorker } from '@sluice/worker';
import { bootstrapFirstOrg, firstOrgKeyBanner } from './bootstrap';
import { clusterMetricsText } from './cluster';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis';
import { resolveEncryptionKey } from './encryption-key';

export interface RunningSluice {
  /** The ingress base URL, when this process serves HTTP. */
  url?: string;
  redisUrl: string;
  stop(): Promise<void>;
}

export class StartupError extends Error {}

/** How long shutdown may take before the process gives up on in-flight work. */
const SHUTDOWN_BOUND_MS = 25_000;

/**
 * Composition root: Redis (configured or embedded), start-up safety check, registry,
 * first-org bootstrap, then the roles SLUICE_ROLE asks for.
 */
export async function startSluice(
  config: SluiceConfig,
  logger: Logger,
  print: (text: string) => void = (t) => process.stdout.write(t),
): Promise<RunningSluice> {
  let embedded: EmbeddedRedis | undefined;
  if (!config.redisUrl) embedded = await startEmbeddedRedis({ dataDir: config.dataDir, searchPath: config.searchPath, logger });
  const redisUrl = config.redisUrl ?? embedded!.url;
  const encryptionKey = resolveEncryptionKey(config.encryptionKey, config.dataDir, logger);

  const redis = createRequestConnection(redisUrl, config.redisTimeoutMs);
  redis.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis connection error'));
  try {
    await waitForReady(redis, 15_000);
  } catch {
    redis.disconnect();
    await embedded?.stop();
    throw new StartupError(`Redis at ${redactRedisUrl(redisUrl)} is not reachable`);
  }

  const safety = await inspectRedis(redis);
  for (const warning of safety.warnings) logger.warn({ redis: redactRedisUrl(redisUrl) }, warning);
  for (const problem of safety.fatal) {
    if (config.production) {
      redis.disconnect();
      await embedded?.stop();
      throw new StartupError(problem);
    }
    logger.warn({ redis: redactRedisUrl(redisUrl) }, `${problem} (this stops a production start)`);
  }

  const registry = createRegistry({ redis, prefix: config.redisPrefix, encryptionKey });
  const executions = new ExecutionStore(redis, config.redisPrefix, config.executionTtlSec);
  const queue = new Queue(DISPATCH_QUEUE, { connection: redis, prefix: `${config.redisPrefix}:bull` });
  queue.on('error', (err) => logger.warn({ err: { message: err.message } }, 'queue error'));
  const executionSecretKey = deriveExecutionSecretKey(encryptionKey);
  const metrics = createMetrics({
    queueProbe: {
      waiting: () => queue.getWaitingCount(),
      oldestWaitingAgeSeconds: async () => {
        const [oldest] = await queue.getJobs(['wait'], 0, 0, true);
        return oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0;
      },
    },
  });

  if (cluster.isWorker) metrics.text = clusterMetricsText(metrics.registry);

  let server: Server | undefined;
  let url: string | undefined;
  let startDraining = () => {};
  const serves = config.role === 'all' || config.role === 'ingress';
  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;

  // Before listening: a client that sees the server up can use the bootstrap key at once.
  const firstOrg = await bootstrapFirstOrg({
    registry,
    configuredKey: config.bootstrapOrgKey,
    // A generated key is printed once; where stdout feeds a log pipeline it would land in logs.
    mayPrintKey: !config.production || process.stdout.isTTY === true,
    logger,
  });

  // Registry changes arrive on one subscriber connection per process (ADR 0003).
  const subscriber = createSubscriberConnection(redisUrl);
  subscriber.on('error', (err) => logger.warn({ err: { message: err.message } }, 'redis subscriber error'));
  const keys = new RegistryKeys(config.redisPrefix);
  const endpointCache = async (reg: Registry) => {
    const cache = new EndpointCache({ subscriber, keys, instances: reg.instances, signingSecrets: reg.signingSecrets });
    await cache.start();
    return cache;
  };
  if (serves) {
    const endpoints = await endpointCache(registry);
    const orgKeys = new OrgKeyCache({ subscriber, keys, orgs: registry.orgs });
    await orgKeys.start();
    const ingress = createApp({ config, logger, redis, registry, endpoints, orgKeys, queue, executions, executionSecretKey, metrics });
    startDraining = ingress.startDraining;
    server = await new Promise<Server>((resolve, reject) => {
      const s = createServer(ingress.handle).listen(config.port, config.host, () => resolve(s));
      s.once('error', reject);
    });
    server.keepAliveTimeout = 65_000;
    const { port } = server.address() as AddressInfo;
    url = `http://127.0.0.1:${port}`;
    logger.info({ url, role: config.role }, 'ingress listening');
  }

  if (firstOrg.generatedKey) print(firstOrgKeyBanner(firstOrg.generatedKey, url ?? publicUrl));

  let worker: DispatchWorker | undefined;
  let workerConnection: Redis | undefined;
  if (config.role === 'all' || config.role === 'worker') {
    workerConnection = createWorkerConnection(redisUrl);
    workerConnection.on('error', (err) => logger.warn({ err: { message: err.message } }, 'worker redis error'));
    // Workers wait out Redis blips (blocking profile) where the ingress must fail fast.
    const workerRegistry = createRegistry({ redis: workerConnection, prefix: config.redisPrefix, encryptionKey });
    const workerExecutions = new ExecutionStore(workerConnection, config.redisPrefix, config.executionTtlSec);
    // Loaded only where a worker runs: its HTTP client (undici) is ~20 MB an ingress-only
    // process would carry for nothing.
    const { createDispatchWorker } = await import('@sluice/worker');
    worker = createDispatchWorker({
      connection: workerConnection,
      prefix: config.redisPrefix,
      concurrency: config.workerConcurrency,
      lockMs: config.workerLockMs,
      registry: workerRegistry,
      // Misses read through the worker's own (patient) connection.
      endpoints: await endpointCache(workerRegistry),
      executions: workerExecutions,
      limiter: new ConcurrencyLimiter(workerConnection, config.redisPrefix),
      logger,
      publicUrl: config.publicUrl ?? url ?? publicUrl,
      executionSecretKey,
      defaultTimeoutMs: config.dispatchTimeoutMs,
      queue,
      resultTimeoutSec: config.resultTimeoutSec,
      metrics,
    });
    const dispatchWorker = worker;
    if (!serves) {
      server = await listenForWorkerProbes(config, metrics, logger, () => dispatchWorker.isHealthy(() => queue.getWaitingCount()));
    }
    logger.info({ concurrency: config.workerConcurrency }, 'worker started');
  }

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      // Order: stop being routed to, stop accepting, finish in-flight work, then let go of Redis.
      startDraining();
      const bound = new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_BOUND_MS).unref());
      const drain = (async () => {
        if (server) {
          const s = server;
          await new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
          });
        }
        await worker?.close();
      })();
      await Promise.race([drain, bound]);
      server?.closeAllConnections();
      await queue.close().catch(() => undefined);
      await Promise.all([
        redis.quit().catch(() => undefined),
        workerConnection?.quit().catch(() => undefined),
        Promise.resolve(subscriber.disconnect()),
      ]);
      await embedded?.stop();
    })());

  return { ...(url ? { url } : {}), redisUrl, stop };
}

/** Redis URLs may carry a password: keep only scheme, host and port for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'redis://[unparsable]';
  }
}

/**
 * A worker-only process still answers /healthz and /metrics on PORT, so probes and
 * Prometheus reach it like any other role.
 */
async function listenForWorkerProbes(
  config: SluiceConfig,
  metrics: SluiceMetrics,
  logger: Logger,
  isHealthy: () => Promise<boolean>,
): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      isHealthy().then(
        (ok) =>
          res
            .writeHead(ok ? 200 : 503, { 'content-type': 'application/json' })
            .end(ok ? '{"status":"ok"}' : '{"status":"stuck"}'),
        // Liveness must not depend on Redis: a restart would not bring Redis back.
        () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'),
      );
    } else if (req.method === 'GET' && req.url === '/metrics') {
      metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"success":false,"code":"ROUTE_NOT_FOUND"}');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  logger.info({ port: (server.address() as AddressInfo).port }, 'worker probes listening');
  return server;
}
