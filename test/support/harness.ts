import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { loadConfig } from '@sluice/config';
import { createLogger } from '@sluice/observability';
import { type RunningSluice, startSluice } from '../../apps/server/src/start';
import { deletePrefix, testRedisUrl, uniquePrefix } from './redis';

export interface TestSluice {
  url: string;
  orgKey: string;
  prefix: string;
  encryptionKey: string;
  /** Every log line the process wrote. */
  logs: string[];
  /** A plain connection to the same Redis, for assertions. */
  redis: Redis;
  running: RunningSluice;
  stop(): Promise<void>;
}

/** The whole service in-process (createApp on port 0, real Redis, own key prefix). */
export async function startTestSluice(name: string, env: Record<string, string> = {}): Promise<TestSluice> {
  const prefix = uniquePrefix(name);
  const orgKey = generateKey('org');
  const encryptionKey = randomBytes(32).toString('base64');
  const config = loadConfig({
    REDIS_URL: testRedisUrl(),
    SLUICE_REDIS_PREFIX: prefix,
    SLUICE_ENCRYPTION_KEY: encryptionKey,
    SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'debug',
    SLUICE_DISPATCH_BACKOFF_MS: '50',
    SLUICE_DISPATCH_ATTEMPTS: '3',
    SLUICE_DISPATCH_TIMEOUT_MS: '2000',
    ...env,
  });
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level: config.logLevel, destination });
  const printed: string[] = [];
  const running = await startSluice(config, logger, (t) => printed.push(t));
  const redis = new Redis(testRedisUrl());
  return {
    url: running.url!,
    orgKey,
    prefix,
    encryptionKey,
    logs,
    redis,
    running,
    stop: async () => {
      await running.stop();
      await deletePrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

/** JSON over real HTTP. */
export async function api(
  base: string,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: unknown; raw?: string | Buffer } = {},
): Promise<{ status: number; body: Record<string, any>; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await res.text();
  let parsed: Record<string, any> = {};
  try {
    parsed = JSON.parse(text) as Record<string, any>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 10_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Polls status until terminal. */
export async function pollUntilDone(base: string, pid: string, eid: string, apiKey: string, timeoutMs = 15_000) {
  return waitFor(async () => {
    const res = await api(base, 'GET', `/status/${pid}/${eid}`, { headers: { 'X-API-Key': apiKey } });
    return res.body.execution?.status && res.body.execution.status !== 'pending' ? res.body.execution : undefined;
  }, timeoutMs);
}
