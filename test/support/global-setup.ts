import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

/**
 * Real Redis for every integration test: REDIS_URL when given, else a Redis this run starts
 * (a redis-server from PATH, or a testcontainers Redis when a Docker engine runs). Tests
 * never flush it: each file works under its own key prefix.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    const probe = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await probe.connect();
    await probe.ping();
    probe.disconnect();
    return;
  }
  const { createLogger } = await import('@sluice/observability');
  const { startEmbeddedRedis } = await import('../../apps/server/src/embedded-redis');
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-test-redis-'));
  const embedded = await startEmbeddedRedis({ dataDir, searchPath: process.env.PATH ?? '', logger: createLogger({ level: 'silent' }) });
  process.env.REDIS_URL = embedded.url;
  (globalThis as { __sluiceTestRedis?: { stop(): Promise<void> } }).__sluiceTestRedis = embedded;
}
