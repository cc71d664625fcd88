import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { loadConfig } from '@sluice/config';
import { createLogger } from '@sluice/observability';
import { inspectRedis } from '@sluice/redis';
import { StartupError, startSluice } from '../../apps/server/src/start';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A throwaway redis-server with the given settings (never the shared one). */
async function startRedis(args: string[]): Promise<{ redis: Redis; child: ChildProcess }> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sluice-safety-'));
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { stdio: 'ignore' });
  const redis = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n > 50 ? null : 100) });
  await redis.ping();
  return { redis, child };
}

// DESIGN §4: evicting policies stop a production start; no persistence is a loud warning.
describe('inspectRedis', () => {
  const started: Array<{ redis: Redis; child: ChildProcess }> = [];
  afterEach(() => {
    for (const s of started.splice(0)) {
      s.redis.disconnect();
      s.child.kill('SIGKILL');
    }
  });

  it('flags allkeys-lru as fatal and no persistence as a warning', async () => {
    const s = await startRedis(['--maxmemory-policy', 'allkeys-lru', '--save', '', '--appendonly', 'no']);
    started.push(s);
    const report = await inspectRedis(s.redis);
    expect(report.maxmemoryPolicy).toBe('allkeys-lru');
    expect(report.fatal).toEqual([expect.stringContaining('maxmemory-policy')]);
    expect(report.warnings).toEqual([expect.stringMatching(/no persistence[\s\S]*appendonly yes/)]);
  });

  it('passes noeviction with AOF without a word', async () => {
    const s = await startRedis(['--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--save', '']);
    started.push(s);
    const report = await inspectRedis(s.redis);
    expect(report).toMatchObject({ maxmemoryPolicy: 'noeviction', aof: true, fatal: [], warnings: [] });
  });

  it('counts RDB snapshots as persistence', async () => {
    const s = await startRedis(['--maxmemory-policy', 'noeviction', '--appendonly', 'no', '--save', '900 1']);
    started.push(s);
    const report = await inspectRedis(s.redis);
    expect(report.rdb).toBe(true);
    expect(report.warnings).toEqual([]);
  });

  it('stops a production start on an evicting Redis, naming the setting; development warns and starts', async () => {
    const s = await startRedis(['--maxmemory-policy', 'allkeys-lru', '--save', '', '--appendonly', 'no']);
    started.push(s);
    const url = `redis://127.0.0.1:${s.redis.options.port}`;
    const env = {
      REDIS_URL: url,
      SLUICE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      SLUICE_BOOTSTRAP_ORG_KEY: generateKey('org'),
      PORT: '0',
      HOST: '127.0.0.1',
      SLUICE_ROLE: 'ingress',
    };
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } as never });
    await expect(startSluice(loadConfig({ ...env, NODE_ENV: 'production' }), logger, () => {})).rejects.toThrow(StartupError);
    await expect(startSluice(loadConfig({ ...env, NODE_ENV: 'production' }), logger, () => {})).rejects.toThrow(/maxmemory-policy/);

    const running = await startSluice(loadConfig(env), logger, () => {});
    await running.stop();
    const warnings = lines.join('');
    expect(warnings).toMatch(/allkeys-lru.*stops a production start/);
    expect(warnings).toMatch(/no persistence/);
  });
});
