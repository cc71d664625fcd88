import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '@sluice/observability';
import { type EmbeddedRedis, EmbeddedRedisUnavailableError, startEmbeddedRedis } from './embedded-redis';

// Real redis-server processes (the machine has one on PATH); never the shared Redis on 6379.
jest.setTimeout(30_000);

const logger = createLogger({ level: 'silent' });
const noDocker = async () => false;

describe('startEmbeddedRedis', () => {
  let dataDir: string;
  const started: EmbeddedRedis[] = [];
  const clients: Redis[] = [];

  const start = async (options: Partial<Parameters<typeof startEmbeddedRedis>[0]> = {}) => {
    const redis = await startEmbeddedRedis({ dataDir, logger, dockerProbe: noDocker, searchPath: process.env.PATH ?? '', ...options });
    started.push(redis);
    return redis;
  };
  const connect = (url: string) => {
    // No reconnects: a client of a stopped Redis should end, not retry into the next test.
    const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    client.on('error', () => {});
    clients.push(client);
    return client;
  };

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-embedded-redis-'));
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map(async (c) => (c.status === 'ready' ? c.quit() : undefined)));
    // Newest first: a 'reused' handle is a no-op, its owner stops the process.
    for (const redis of started.splice(0).reverse()) await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts a loopback redis-server with AOF on, noeviction, and its data under <dataDir>/redis', async () => {
    const lines: string[] = [];
    const redis = await start({ logger: createLogger({ level: 'info', destination: { write: (l: string) => lines.push(l) } }) });
    expect(redis.kind).toBe('redis-server');
    expect(redis.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);

    const client = connect(redis.url);
    expect(await client.ping()).toBe('PONG');
    expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
    expect(await client.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
    expect(await client.config('GET', 'save')).toEqual(['save', '']);
    expect(await client.config('GET', 'dir')).toEqual(['dir', realpathSync(join(dataDir, 'redis'))]);
    expect(statSync(join(dataDir, 'redis')).mode & 0o777).toBe(0o700);

    expect(lines.map((l) => JSON.parse(l))).toContainEqual(expect.objectContaining({ level: 'info', kind: 'redis-server', url: redis.url }));
  });

  it('honours preferPort when it is free', async () => {
    const probe = await start();
    const port = Number(new URL(probe.url).port);
    await probe.stop();
    rmSync(join(dataDir, 'redis', 'redis.port'));

    const redis = await start({ preferPort: port });
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);
  });

  it('reuses the Redis an earlier start left for the same data dir, and does not stop it', async () => {
    const first = await start();
    const second = await start();
    expect(second).toMatchObject({ kind: 'reused', url: first.url });

    await second.stop();
    expect(await connect(first.url).ping()).toBe('PONG');
  });

  it('lets two concurrent starts of one data dir share one redis-server', async () => {
    const both = await Promise.all([start(), start()]);
    expect(both.map((r) => r.kind).sort()).toEqual(['redis-server', 'reused']);
    expect(both[0]!.url).toBe(both[1]!.url);
  });

  it('is not blocked by a start lock a crashed process left behind', async () => {
    mkdirSync(join(dataDir, 'redis'), { recursive: true });
    const dead = spawnSync('true').pid; // exited and reaped: nobody holds this pid now
    writeFileSync(join(dataDir, 'redis', 'start.lock'), String(dead));

    expect((await start()).kind).toBe('redis-server');
    expect(existsSync(join(dataDir, 'redis', 'start.lock'))).toBe(false);
  });

  it('does not reuse a Redis whose dir is another data dir', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'sluice-embedded-redis-other-'));
    try {
      const other = await startEmbeddedRedis({ dataDir: otherDir, logger, dockerProbe: noDocker, searchPath: process.env.PATH ?? '' });
      started.push(other);
      // A stale port file now pointing at somebody else's Redis.
      mkdirSync(join(dataDir, 'redis'), { recursive: true });
      writeFileSync(join(dataDir, 'redis', 'redis.port'), new URL(other.url).port);

      const redis = await start();
      expect(redis.kind).toBe('redis-server');
      expect(redis.url).not.toBe(other.url);
    } finally {
      for (const redis of started.splice(0).reverse()) await redis.stop();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });

  it('keeps data across stop and start (AOF, fsynced on SIGTERM)', async () => {
    const first = await start();
    await connect(first.url).set('sluice:embedded:probe', 'kept');
    await first.stop();
    const gone = new Redis(first.url, { lazyConnect: true, retryStrategy: () => null });
    gone.on('error', () => {});
    await expect(gone.connect()).rejects.toThrow();

    const again = await start();
    expect(again.kind).toBe('redis-server');
    expect(await connect(again.url).get('sluice:embedded:probe')).toBe('kept');
  });

  it('reports a redis-server that exits at start, with what it said', async () => {
    const fake = join(dataDir, 'fake-redis-server');
    writeFileSync(fake, '#!/bin/sh\necho "bad config line" >&2\nexit 3\n');
    chmodSync(fake, 0o755);

    const failure = start({ redisServerPath: fake });
    await expect(failure).rejects.toThrow(EmbeddedRedisUnavailableError);
    await expect(failure).rejects.toThrow(/code 3.*bad config line/s);
  });

  it('names the three ways out when there is no redis-server and no Docker engine', async () => {
    const failure = start({ redisServerPath: join(dataDir, 'no-such-redis-server') });
    await expect(failure).rejects.toThrow(EmbeddedRedisUnavailableError);
    const message = await failure.catch((err: Error) => err.message);
    expect(message).toContain('REDIS_URL=redis://host:6379');
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('brew install redis');
    expect(message).toContain('Docker engine');
    expect(message).toContain('no-such-redis-server');
  });
});
