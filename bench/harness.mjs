// Process plumbing shared by the bench scenarios: servers under test, a private redis-server,
// RSS over a process tree, and the Sluice endpoint every scenario loads.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

export const root = new URL('..', import.meta.url).pathname;
export const work = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const children = [];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A child process that prints "LISTENING <port>" once it serves (the bench's own servers). */
export function start(cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const ready = new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const port = /LISTENING (\d+)/.exec(out)?.[1];
      if (port) resolve(Number(port));
    });
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-1000)}`)));
  });
  ready.catch(() => undefined);
  return { child, ready, output: () => out };
}

async function freePort() {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** dist/server.js on a chosen port, ready once readyPath answers (a worker-only process has /healthz). */
export async function startSluice(env, nodeArgs = [], readyPath = '/readyz') {
  const port = await freePort();
  // As `npm start` and the image run it (a smaller young generation: see docs/performance.md).
  const proc = start(process.execPath, ['--max-semi-space-size=4', ...nodeArgs, 'dist/server.js'], { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL, NODE_ENV: 'production' });
  for (let i = 0; ; i++) {
    if (proc.child.exitCode !== null) throw new Error(`sluice exited: ${proc.output().slice(-1000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}${readyPath}`)).ok) return { ...proc, port };
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error('sluice did not become ready');
    await sleep(100);
  }
}

export function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', stopAll);

export async function startRedis() {
  const port = await freePort();
  // AOF on as in production; automatic rewrites off so one does not land in a single round.
  start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', work, '--appendonly', 'yes', '--appendfsync', 'everysec',
    '--auto-aof-rewrite-percentage', '0', '--save', '', '--maxmemory-policy', 'noeviction']);
  for (let i = 0; ; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping']).toString().includes('PONG')) break;
    } catch {
      /* not up yet */
    }
    if (i > 100) throw new Error('bench redis-server did not start');
    await sleep(100);
  }
  return { url: `redis://127.0.0.1:${port}`, redis: new Redis({ port }) };
}

/** A process and its children (SLUICE_PROCESSES > 1): peak RSS is their sum. */
export function processTree(pid) {
  try {
    return [pid, ...execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().split('\n').map(Number).filter((n) => n > 0)];
  } catch {
    return [pid];
  }
}
export function rssMb(pids) {
  let kb = 0;
  for (const pid of pids) {
    try {
      kb += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    } catch {
      /* gone */
    }
  }
  return kb / 1024;
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks are 10 ms here). */
export function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

export async function createEndpoint(port, orgKey, secret, targetUrl) {
  const admin = { 'X-Process-Manager-Key': orgKey, 'content-type': 'application/json' };
  const created = await (await fetch(`http://127.0.0.1:${port}/v1/instances`, {
    method: 'POST', headers: admin,
    body: JSON.stringify({ name: 'bench', workflows: [{ workflowId: 'w', target: { url: targetUrl } }] }),
  })).json();
  const pid = created.processInstanceId;
  const added = await fetch(`http://127.0.0.1:${port}/v1/instances/${pid}/workflows/w/signing-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ secret }) });
  if (!added.ok) throw new Error(`could not add the signing secret: ${added.status}`);
  return pid;
}

