import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { SluiceConfig } from '@sluice/config';
import type { Logger } from '@sluice/observability';
import { type EmbeddedRedis, startEmbeddedRedis } from './embedded-redis';
import { resolveEncryptionKey } from './encryption-key';

const METRICS_REQUEST = 'sluice:metrics-request';
const METRICS_RESPONSE = 'sluice:metrics-response';
/** A child's own drain is bounded at 25 s (start.ts); past this the primary kills it. */
const CHILD_STOP_BOUND_MS = 30_000;
const RESPAWN_DELAY_MS = 1000;

interface MetricsRequest {
  type: typeof METRICS_REQUEST;
  id: number;
}
interface MetricsResponse {
  type: typeof METRICS_RESPONSE;
  id: number;
  text?: string;
  error?: string;
}

export interface Primary {
  stop(): Promise<void>;
}

/**
 * SLUICE_PROCESSES > 1: this process forks that many children which each run the configured
 * role(s) on the shared port (node:cluster hands out connections), so the ingress uses every
 * core. The primary owns what must exist once: the embedded Redis and the development
 * encryption key, handed to the children as REDIS_URL and SLUICE_ENCRYPTION_KEY. It replaces a
 * child that dies, forwards shutdown, and answers the children's /metrics with the sum over all
 * of them. It serves no traffic itself.
 */
export async function startPrimary(config: SluiceConfig, logger: Logger): Promise<Primary> {
  let embedded: EmbeddedRedis | undefined;
  if (!config.redisUrl) embedded = await startEmbeddedRedis({ dataDir: config.dataDir, searchPath: config.searchPath, logger });
  const encryptionKey = resolveEncryptionKey(config.encryptionKey, config.dataDir, logger);
  const env = { REDIS_URL: config.redisUrl ?? embedded!.url, SLUICE_ENCRYPTION_KEY: encryptionKey.toString('base64') };
  const aggregator = new AggregatorRegistry();
  let stopping = false;

  const fork = (): Worker => {
    const child = cluster.fork(env);
    child.on('message', (message: MetricsRequest) => {
      if (message?.type !== METRICS_REQUEST) return;
      aggregator.clusterMetrics().then(
        (text) => child.send({ type: METRICS_RESPONSE, id: message.id, text } satisfies MetricsResponse),
        (err: Error) => child.send({ type: METRICS_RESPONSE, id: message.id, error: err.message } satisfies MetricsResponse),
      );
    });
    return child;
  };
  cluster.on('exit', (child, code, signal) => {
    if (stopping) return;
    logger.error({ pid: child.process.pid, code, signal }, 'a Sluice process exited; starting another');
    setTimeout(() => {
      if (!stopping) fork();
    }, RESPAWN_DELAY_MS).unref();
  });
  for (let i = 0; i < config.processes; i++) fork();
  logger.info({ processes: config.processes, role: config.role }, 'started processes');

  return {
    stop: async () => {
      stopping = true;
      const children = Object.values(cluster.workers ?? {}).filter((c): c is Worker => c !== undefined);
      await Promise.all(
        children.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.isDead()) return resolve();
              const kill = setTimeout(() => child.process.kill('SIGKILL'), CHILD_STOP_BOUND_MS);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.process.kill('SIGTERM');
            }),
        ),
      );
      await embedded?.stop();
    },
  };
}

/**
 * In a child of a multi-process server: /metrics answers with the sum over every process,
 * which the primary collects (prom-client's cluster aggregation over this registry).
 */
export function clusterMetricsText(registry: Registry): () => Promise<string> {
  AggregatorRegistry.setRegistries([registry]);
  // Constructing one registers prom-client's listener that answers the primary's collection.
  new AggregatorRegistry();
  let next = 0;
  const pending = new Map<number, (response: MetricsResponse) => void>();
  process.on('message', (message: MetricsResponse) => {
    if (message?.type !== METRICS_RESPONSE) return;
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = ++next;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error('the primary did not answer with metrics'));
      }, 5000);
      pending.set(id, (response) => {
        clearTimeout(timer);
        if (response.text !== undefined) resolve(response.text);
        else reject(new Error(response.error ?? 'metrics aggregation failed'));
      });
      process.send!({ type: METRICS_REQUEST, id } satisfies MetricsRequest);
    });
}
