import { spawn } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Logger } from '@sluice/observability';

export interface EmbeddedRedis {
  url: string;
  kind: 'redis-server' | 'testcontainers' | 'reused';
  /** Stops what this call started; a no-op for 'reused' (an earlier process owns that Redis). */
  stop(): Promise<void>;
}

export class EmbeddedRedisUnavailableError extends Error {
  /** `reasons` say why each way was ruled out, so the fix can be picked without guessing. */
  constructor(readonly reasons: string[] = []) {
    super(
      [
        'No Redis to use: REDIS_URL is not set and no embedded Redis could be started:',
        ...reasons.map((r) => `  - ${r}`),
        'Any one of these fixes it:',
        '  - point Sluice at a Redis: REDIS_URL=redis://host:6379',
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
  /** The PATH to look for `redis-server` on (SluiceConfig.searchPath: only libs/config reads the environment). */
  searchPath: string;
  /** Default: `redis-server` found on searchPath. */
  redisServerPath?: string;
  /** Decides whether to try testcontainers at all. Default: try, and treat "no runtime" as no. */
  dockerProbe?: () => Promise<boolean>;
}

const READY_BOUND_MS = 10_000;
const STOP_BOUND_MS = 5_000;
const LOCK_BOUND_MS = 20_000;

/**
 * The development default when REDIS_URL is unset (README, DESIGN §7): reuse the embedded Redis
 * an earlier process of this data dir started, else a redis-server child with AOF on and
 * noeviction (DESIGN §4), else a testcontainers Redis, else an error naming the ways out.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const dir = resolve(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700); // mode applies only on creation; the AOF holds keys' hashes and webhook bodies
  const redis = (await reuse(dir)) ?? (await startNew(dir, options));
  const where = redis.kind === 'testcontainers' ? {} : { dir };
  options.logger.info({ kind: redis.kind, url: redis.url, ...where }, 'embedded Redis ready (REDIS_URL is not set)');
  return redis;
}

async function startNew(dir: string, options: EmbeddedRedisOptions): Promise<EmbeddedRedis> {
  const binary = options.redisServerPath ?? findOnPath('redis-server', options.searchPath);
  if (binary && isExecutable(binary)) {
    // Two `npm start`s of one data dir (ingress + worker) may race here; two redis-servers on
    // one AOF directory would corrupt it, so the check-then-spawn runs under a lock file.
    try {
      return await withStartLock(dir, async () => (await reuse(dir)) ?? spawnRedis(binary, dir, options.preferPort));
    } catch (err) {
      // An installed but failing redis-server is reported, not papered over with a container.
      throw new EmbeddedRedisUnavailableError([`redis-server: ${(err as Error).message}`]);
    }
  }
  const reasons = [binary ? `redis-server: ${binary} is not an executable file` : 'redis-server: not found on PATH'];
  const container = await startContainer(options.dockerProbe, reasons);
  if (container) return container;
  throw new EmbeddedRedisUnavailableError(reasons);
}

/** The URL of a Redis on 127.0.0.1:`port` that answers and reports `dir` as its data dir. */
async function probe(port: number, dir?: string): Promise<string | undefined> {
  const client = new Redis({
    port, host: '127.0.0.1', lazyConnect: true, connectTimeout: 500, commandTimeout: 1000,
    maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false,
  });
  client.on('error', () => {}); // failures surface as rejected commands below
  try {
    await client.connect();
    if ((await client.ping()) !== 'PONG') return undefined;
    if (dir !== undefined) {
      const [, running] = (await client.config('GET', 'dir')) as string[];
      // Redis reports getcwd(), which resolves symlinks (macOS /tmp → /private/tmp).
      if (running !== realpathSync(dir)) return undefined;
    }
    return `redis://127.0.0.1:${port}`;
  } catch {
    return undefined;
  } finally {
    // On an already-ended client, disconnect() would arm ioredis' 2 s close timer for nothing.
    if (client.status !== 'end') client.disconnect();
  }
}

/** The Redis an earlier process started for this dir; stop() is a no-op, that process owns it. */
async function reuse(dir: string): Promise<EmbeddedRedis | undefined> {
  const portFile = join(dir, 'redis.port');
  const port = existsSync(portFile) ? Number(readFileSync(portFile, 'utf8').trim()) : NaN;
  // The dir check keeps us off some other Redis that later took a stale port.
  const url = Number.isInteger(port) && port > 0 ? await probe(port, dir) : undefined;
  return url ? { url, kind: 'reused', stop: async () => {} } : undefined;
}

function findOnPath(name: string, searchPath: string): string | undefined {
  for (const entry of searchPath.split(delimiter)) {
    if (entry && isExecutable(join(entry, name))) return join(entry, name);
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function withStartLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(dir, 'start.lock');
  const deadline = Date.now() + LOCK_BOUND_MS;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: number;
      try {
        holder = Number(readFileSync(lock, 'utf8').trim() || NaN);
      } catch {
        continue; // released between our attempt and the read
      }
      // A lock left by a crashed start would otherwise block every later start.
      if (Number.isInteger(holder) && !isAlive(holder)) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`another start (pid ${holder}) holds ${lock}; remove it if stale`);
      else await sleep(100);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
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
  const port = (prefer ? await tryListen(prefer) : undefined) ?? (await tryListen(0));
  if (!port) throw new Error('no free port on 127.0.0.1 for the embedded Redis');
  return port;
}

async function spawnRedis(binary: string, dir: string, preferPort?: number): Promise<EmbeddedRedis> {
  const logFile = join(dir, 'redis.log');
  // The free port is only reserved until we close it: retry if another process wins it.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort(attempt === 1 ? preferPort : undefined);
    const logStart = existsSync(logFile) ? statSync(logFile).size : 0; // this attempt's lines only
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '',
      '--maxmemory-policy', 'noeviction', '--protected-mode', 'yes',
      '--logfile', logFile, '--pidfile', join(dir, 'redis.pid'),
    ];
    // Own process group: a terminal Ctrl-C reaches node, which drains and then stops Redis,
    // instead of Redis dying under the drain. stderr only carries errors from before the logfile opens.
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    const exited = new Promise<string>((done) => {
      child.on('error', (err) => done(`could not run ${binary}: ${err.message}`));
      child.once('exit', (code, signal) => done(`redis-server exited (${signal ?? `code ${code}`})`));
    });
    let early: string | undefined;
    void exited.then((why) => (early = why));
    // Not daemonized, so it must not outlive us: SIGTERM lets it fsync the AOF on its own.
    const killOnExit = () => child.kill('SIGTERM');
    process.on('exit', killOnExit);

    const deadline = Date.now() + READY_BOUND_MS;
    let url: string | undefined;
    while (!early && !(url = await probe(port)) && Date.now() < deadline) await sleep(50);
    if (url && !early) {
      writeFileSync(join(dir, 'redis.port'), `${port}\n`, { mode: 0o600 });
      child.unref(); // the caller's servers, not Redis, decide when this process may exit
      child.stderr?.destroy();
      const stop = async () => {
        process.removeListener('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM'); // redis fsyncs the AOF and exits
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_BOUND_MS);
        await exited;
        clearTimeout(timer);
      };
      return { url, kind: 'redis-server', stop };
    }
    process.removeListener('exit', killOnExit);
    const log = readTail(logFile, logStart);
    if (!early) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer PING within ${READY_BOUND_MS} ms; ${logFile}: ${log}`);
    }
    if (attempt < 3 && /address already in use/i.test(log)) continue;
    throw new Error(`${early}; ${logFile}: ${log}${stderr.trim() ? `; stderr: ${stderr.trim()}` : ''}`);
  }
}

async function startContainer(dockerProbe: (() => Promise<boolean>) | undefined, reasons: string[]): Promise<EmbeddedRedis | undefined> {
  if (dockerProbe && !(await dockerProbe())) {
    reasons.push('docker: no engine reachable');
    return undefined;
  }
  try {
    // Lazy: testcontainers costs ~1 s to load, paid only on this path.
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine')
      .withCommand(['redis-server', '--appendonly', 'yes', '--maxmemory-policy', 'noeviction'])
      .withExposedPorts(6379)
      .start();
    return {
      url: `redis://${container.getHost()}:${container.getMappedPort(6379)}`,
      kind: 'testcontainers',
      // No exit hook needed: testcontainers' reaper removes the container when we exit.
      stop: () => container.stop().then(() => undefined),
    };
  } catch (err) {
    // "Could not find a working container runtime strategy" when no engine runs; an engine that
    // answers but cannot pull or start the image is reported too, so that is not misread.
    reasons.push(`docker: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function readTail(file: string, from: number): string {
  try {
    const lines = readFileSync(file).subarray(from).toString('utf8').trim().split('\n');
    return lines.slice(-5).join(' | ') || '(empty)';
  } catch {
    return '(no log)';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
