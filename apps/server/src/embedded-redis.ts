import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '@sluice/observability';

export interface EmbeddedRedis {
  url: string;
  kind: 'redis-server' | 'testcontainers' | 'reused';
  stop(): Promise<void>;
}

export class EmbeddedRedisUnavailableError extends Error {
  constructor() {
    super(
      [
        'No Redis to use: REDIS_URL is not set, no redis-server is on PATH, and no Docker engine answers.',
        'Any one of these fixes it:',
        '  - point Sluice at a Redis: REDIS_URL=redis://localhost:6379',
        '  - install redis-server (apt-get install redis-server, brew install redis)',
        '  - run a Docker engine (a redis:7-alpine container is then started for you)',
      ].join('\n'),
    );
    this.name = 'EmbeddedRedisUnavailableError';
  }
}

export interface EmbeddedRedisOptions {
  dataDir: string;
  logger: Logger;
  preferPort?: number;
  /** Default: `redis-server` found on PATH. */
  redisServerPath?: string;
  /** Default: testcontainers' own engine probe. */
  dockerProbe?: () => Promise<boolean>;
  /** PATH to search (default process PATH). */
  searchPath?: string;
}

/**
 * The development default when REDIS_URL is unset (README): reuse the embedded Redis an
 * earlier process of this data dir started, else a redis-server child with AOF on and
 * noeviction, else a testcontainers Redis, else a clear error naming the ways out.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const portFile = join(dir, 'redis.port');

  const reused = await reuse(portFile, dir);
  if (reused) {
    options.logger.info({ url: reused, kind: 'reused' }, 'using the embedded Redis of this data dir');
    return { url: reused, kind: 'reused', stop: async () => {} };
  }

  const binary = options.redisServerPath ?? findOnPath('redis-server', options.searchPath);
  if (binary && existsSync(binary)) {
    const started = await spawnRedis(binary, dir, portFile, options.preferPort);
    options.logger.info({ url: started.url, kind: 'redis-server', dir }, 'started the embedded Redis (AOF on)');
    return started;
  }

  const container = await startContainer(options.dockerProbe);
  if (container) {
    options.logger.info({ url: container.url, kind: 'testcontainers' }, 'started a Redis container');
    return container;
  }
  throw new EmbeddedRedisUnavailableError();
}

async function reuse(portFile: string, dir: string): Promise<string | undefined> {
  if (!existsSync(portFile)) return undefined;
  const port = Number(readFileSync(portFile, 'utf8').trim());
  if (!Number.isInteger(port) || port <= 0) return undefined;
  const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 500 });
  probe.on('error', () => {});
  try {
    await probe.connect();
    const [, runningDir] = (await probe.config('GET', 'dir')) as string[];
    return runningDir === dir ? `redis://127.0.0.1:${port}` : undefined;
  } catch {
    return undefined;
  } finally {
    probe.disconnect();
  }
}

function findOnPath(name: string, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const entry of searchPath.split(delimiter)) {
    if (!entry) continue;
    const candidate = join(entry, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      /* keep looking */
    }
  }
  return undefined;
}

async function freePort(prefer?: number): Promise<number> {
  const tryListen = (port: number) =>
    new Promise<number | undefined>((done) => {
      const server = createServer();
      server.once('error', () => done(undefined));
      server.listen(port, '127.0.0.1', () => {
        const { port: bound } = server.address() as { port: number };
        server.close(() => done(bound));
      });
    });
  if (prefer) {
    const port = await tryListen(prefer);
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('no free port for the embedded Redis');
  return port;
}

async function spawnRedis(binary: string, dir: string, portFile: string, preferPort?: number): Promise<EmbeddedRedis> {
  const port = await freePort(preferPort);
  const logFile = join(dir, 'redis.log');
  const child: ChildProcess = spawn(
    binary,
    [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes',
      '--logfile', logFile, '--pidfile', join(dir, 'redis.pid'),
    ],
    { stdio: 'ignore' },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const url = `redis://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited) throw new Error(`redis-server exited at start: ${tail(logFile)}`);
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`redis-server did not answer within 10 s: ${tail(logFile)}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  writeFileSync(portFile, `${port}\n`);

  return {
    url,
    kind: 'redis-server',
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (exited) return;
      const gone = new Promise<void>((done) => child.once('exit', () => done()));
      child.kill('SIGTERM'); // redis fsyncs the AOF on SIGTERM
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

async function startContainer(dockerProbe?: () => Promise<boolean>): Promise<EmbeddedRedis | undefined> {
  try {
    if (dockerProbe && !(await dockerProbe())) return undefined;
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine')
      .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
      .withExposedPorts(6379)
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      kind: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  } catch {
    return undefined;
  }
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return '(no log)';
  }
}
