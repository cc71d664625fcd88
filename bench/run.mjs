// npm run bench — issue 5's benchmark. Loads, alternating round by round:
//   (a) a bare node:http server answering 200 {},
//   (b) the naive pipeline (express + svix verify + ioredis SET NX EX + Queue.add),
//   (c1) Sluice's ingress as one process, and (c) Sluice's ingress with SLUICE_PROCESSES=auto,
// with wrk replaying pre-signed Standard Webhooks requests (a unique webhook-id each), then
// prints req/s (median, spread), p50/p99, non-2xx, peak RSS and the ratios c/a and c/b, and
// checks that queued runs == 2xx answers for a fixed number of requests. Scenario 2 runs
// SLUICE_ROLE=all against a loopback target at a fixed offered rate and reports sustained
// end-to-end runs/s (trigger → dispatched → success).
// Knobs: BENCH_ROUNDS (3), BENCH_DURATION_SEC (10), BENCH_CONNECTIONS (50), BENCH_E2E_SEC (60),
// BENCH_E2E_RATE (3000 req/s offered), BENCH_E2E_PROCESSES (auto), BENCH_LOG_LEVEL (info), BENCH_PROFILE=1 (CPU profiles of
// the single-process ingress into bench/profiles/).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { BODY, signedHeaders, writeSignedRequestsFile } from './signed-requests.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const E2E_SEC = Number(process.env.BENCH_E2E_SEC ?? 60);
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 3000);
const E2E_PROCESSES = process.env.BENCH_E2E_PROCESSES ?? 'auto';
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const PROFILE = process.env.BENCH_PROFILE === '1';
const WRK_THREADS = 2;
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
const children = [];

function start(cmd, args, env = {}) {
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

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** dist/server.js on a chosen port, ready once /readyz answers. */
async function startSluice(env, nodeArgs = []) {
  const port = await freePort();
  // As `npm start` and the image run it (a smaller young generation: see docs/performance.md).
  const proc = start(process.execPath, ['--max-semi-space-size=4', ...nodeArgs, 'dist/server.js'], { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL, NODE_ENV: 'production' });
  for (let i = 0; ; i++) {
    if (proc.child.exitCode !== null) throw new Error(`sluice exited: ${proc.output().slice(-1000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { ...proc, port };
    } catch {
      /* not listening yet */
    }
    if (i > 300) throw new Error('sluice did not become ready');
    await sleep(100);
  }
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
}
process.on('exit', stopAll);

async function startRedis() {
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
function processTree(pid) {
  try {
    return [pid, ...execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().split('\n').map(Number).filter((n) => n > 0)];
  } catch {
    return [pid];
  }
}
function rssMb(pids) {
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

/** One timed wrk run; wrk runs in its own process so it does not share the server's event loop. */
async function wrk(port, path, requestsFile, seconds, pid) {
  const pids = processTree(pid);
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pids))), 250);
  const proc = spawn('wrk', [`-t${WRK_THREADS}`, `-c${CONNECTIONS}`, `-d${seconds}s`, '--latency', '-s', 'bench/signed-requests.lua', `http://127.0.0.1:${port}`, '--', path, String(WRK_THREADS)], {
    cwd: root, env: { ...process.env, BENCH_REQUESTS_FILE: requestsFile }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  proc.stderr.on('data', (c) => (out += c));
  const code = await new Promise((r) => proc.once('exit', r));
  clearInterval(sampler);
  const line = out.trim().split('\n').at(-1);
  if (code !== 0 || !line?.startsWith('{')) throw new Error(`wrk failed (${code}): ${out.slice(-500)}`);
  const r = JSON.parse(line);
  const errors = r.connectErrors + r.readErrors + r.writeErrors + r.timeouts;
  return { rps: r.requests / (r.durationUs / 1e6), p50: r.p50Us / 1000, p99: r.p99Us / 1000, non2xx: r.non2xx + errors, peakRss };
}

/** A fixed number of requests (none cut off by a timer), for the nothing-lost check. */
async function fixedCount(port, path, secret, count) {
  const headers = signedHeaders(secret, count);
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`, connections: CONNECTIONS, amount: count,
    requests: [{ method: 'POST', path, setupRequest: (req) => ({ ...req, headers: headers[next++], body: BODY }) }],
  });
  return { twoXx: result['2xx'], other: result.non2xx + result.errors + result.timeouts };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

async function createEndpoint(port, orgKey, secret, targetUrl) {
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

async function main() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk --version exits 1 after printing; only a missing binary is a problem.
    if (err.code === 'ENOENT') throw new Error('npm run bench needs wrk as its load generator: apt-get install wrk');
  }
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  const { url: redisUrl, redis } = await startRedis();
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const encryptionKey = randomBytes(32).toString('base64');
  const sluiceEnv = (prefix, processes) => ({
    REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: prefix, SLUICE_ROLE: 'ingress', SLUICE_PROCESSES: processes,
    SLUICE_ENCRYPTION_KEY: encryptionKey, SLUICE_BOOTSTRAP_ORG_KEY: `cko_${randomBytes(32).toString('base64url')}`,
  });

  const bare = start(process.execPath, ['bench/bare-server.mjs']);
  const naive = start(process.execPath, ['bench/naive-server.mjs'], { REDIS_URL: redisUrl, BENCH_SECRET: secret });
  if (PROFILE) mkdirSync(join(root, 'bench/profiles'), { recursive: true });
  const c1Env = sluiceEnv('bench1', '1');
  const c1 = await startSluice(c1Env, PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : []);
  const cnEnv = sluiceEnv('benchn', 'auto');
  const cn = await startSluice(cnEnv);
  const [barePort, naivePort] = await Promise.all([bare.ready, naive.ready]);
  const c1Pid = await createEndpoint(c1.port, c1Env.SLUICE_BOOTSTRAP_ORG_KEY, secret, 'http://127.0.0.1:9/unused');
  const cnPid = await createEndpoint(cn.port, cnEnv.SLUICE_BOOTSTRAP_ORG_KEY, secret, 'http://127.0.0.1:9/unused');

  const targets = [
    { key: 'a', name: 'a  bare node:http, 200 {}', port: barePort, pid: bare.child.pid, path: '/webhook/p/w' },
    { key: 'b', name: 'b  naive: express + svix + SET NX + Queue.add', port: naivePort, pid: naive.child.pid, path: '/webhook/p/w', queue: { name: 'naive', prefix: 'naive' } },
    { key: 'c1', name: 'c1 sluice ingress, 1 process', port: c1.port, pid: c1.child.pid, path: `/webhook/${c1Pid}/w`, queue: { name: 'dispatch', prefix: 'bench1:bull' } },
    { key: 'c', name: `c  sluice ingress, SLUICE_PROCESSES=auto (${availableParallelism()})`, port: cn.port, pid: cn.child.pid, path: `/webhook/${cnPid}/w`, queue: { name: 'dispatch', prefix: 'benchn:bull' } },
  ];
  const results = Object.fromEntries(targets.map((t) => [t.key, []]));
  const requestsFile = join(work, 'requests.txt');
  // Enough unique ids for the fastest server (a) at well above this machine's rate.
  const linesPerRound = Math.max(200_000, DURATION * 80_000);

  process.stderr.write('warm-up\n');
  writeSignedRequestsFile(requestsFile, secret, 100_000);
  for (const t of targets) await wrk(t.port, t.path, requestsFile, 2, t.pid);
  for (let round = 1; round <= ROUNDS; round++) {
    // A fresh file each round: ids are never repeated against the same endpoint.
    writeSignedRequestsFile(requestsFile, secret, linesPerRound);
    for (const t of targets) {
      const r = await wrk(t.port, t.path, requestsFile, DURATION, t.pid);
      results[t.key].push(r);
      process.stderr.write(`round ${round} ${t.key}: ${Math.round(r.rps)} req/s p99 ${r.p99.toFixed(1)} ms non-2xx ${r.non2xx}\n`);
    }
  }

  // Nothing lost, nothing doubled: a fixed number of requests must leave one queued run per 2xx.
  const CHECK = 5000;
  await sleep(1000);
  const checks = [];
  for (const t of targets.filter((x) => x.queue)) {
    const queue = new Queue(t.queue.name, { connection: redis, prefix: t.queue.prefix });
    const before = (await queue.getJobCounts('wait')).wait;
    const answered = await fixedCount(t.port, t.path, secret, CHECK);
    await sleep(200);
    const queued = (await queue.getJobCounts('wait')).wait - before;
    checks.push({ key: t.key, queued, ...answered, ok: queued === answered.twoXx && answered.other === 0 });
    await queue.close();
  }

  const row = (t) => {
    const rs = results[t.key];
    return { ...t, rps: median(rs.map((r) => r.rps)), spread: spread(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)),
      non2xx: rs.reduce((n, r) => n + r.non2xx, 0), rss: Math.max(...rs.map((r) => r.peakRss)) };
  };
  const rows = Object.fromEntries(targets.map((t) => [t.key, row(t)]));
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, redis-server on the same machine (AOF everysec)`);
  console.log(`Load: wrk, ${WRK_THREADS} threads, ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION} s per server, alternating; body ${BODY.length} B; LOG_LEVEL=${LOG_LEVEL}\n`);
  console.log('| server | req/s (median) | spread | p50 ms | p99 ms | non-2xx + errors | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of Object.values(rows)) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.spread} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.non2xx} | ${r.rss.toFixed(0)} |`);
  const ratio = (x, y) => (rows[x].rps / rows[y].rps).toFixed(3);
  console.log(`\nc/a = ${ratio('c', 'a')}   c/b = ${ratio('c', 'b')}   (one process: c1/a = ${ratio('c1', 'a')}, c1/b = ${ratio('c1', 'b')}; processes pay: c/c1 = ${ratio('c', 'c1')})`);
  for (const c of checks) {
    console.log(`queued runs == 2xx answers (${CHECK} requests): ${c.key} ${c.queued} == ${c.twoXx}${c.other ? `, ${c.other} other answers` : ''} ${c.ok ? 'OK' : 'MISMATCH'}`);
  }

  c1.child.kill('SIGTERM');
  cn.child.kill('SIGTERM');
  naive.child.kill('SIGTERM');
  if (E2E_SEC > 0) await endToEnd(redisUrl, redis, secret, encryptionKey);
  redis.disconnect();
  if (PROFILE) await sleep(1500); // the profiled ingress writes its profile on SIGTERM
  stopAll();
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

/**
 * Scenario 2: SLUICE_ROLE=all (SLUICE_PROCESSES=auto) with a loopback target, E2E_RATE requests
 * per second offered for E2E_SEC; reports runs/s that reached success while the load ran, the
 * backlog it left, and whether every accepted run reached success.
 */
async function endToEnd(redisUrl, redis, secret, encryptionKey) {
  const target = start(process.execPath, ['bench/bare-server.mjs']);
  const orgKey = `cko_${randomBytes(32).toString('base64url')}`;
  const all = await startSluice({
    REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: 'bench-e2e', SLUICE_ROLE: 'all', SLUICE_PROCESSES: E2E_PROCESSES,
    SLUICE_ENCRYPTION_KEY: encryptionKey, SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
  });
  const targetPort = await target.ready;
  const pid = await createEndpoint(all.port, orgKey, secret, `http://127.0.0.1:${targetPort}/hook`);
  const queue = new Queue('dispatch', { connection: redis, prefix: 'bench-e2e:bull' });
  const headers = signedHeaders(secret, Math.ceil(E2E_SEC * E2E_RATE * 1.05));
  let next = 0;
  let peakRss = 0;
  const pids = processTree(all.child.pid);
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pids))), 500);
  process.stderr.write(`end to end: ${E2E_RATE} req/s offered for ${E2E_SEC} s\n`);
  const started = Date.now();
  const load = await autocannon({
    url: `http://127.0.0.1:${all.port}`, connections: CONNECTIONS, duration: E2E_SEC, overallRate: E2E_RATE,
    requests: [{ method: 'POST', path: `/webhook/${pid}/w`, setupRequest: (req) => ({ ...req, headers: headers[next++ % headers.length], body: BODY }) }],
  });
  const loadSeconds = (Date.now() - started) / 1000;
  const atLoadEnd = await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed');
  await sleep(1000); // requests cut off by the timer land
  const total = async () => {
    const c = await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    return { ...c, all: Object.values(c).reduce((a, b) => a + b, 0) };
  };
  let counts = await total();
  const deadline = Date.now() + 300_000;
  while (counts.completed + counts.failed < counts.all && Date.now() < deadline) {
    await sleep(500);
    counts = await total();
  }
  clearInterval(sampler);
  const drainSeconds = (Date.now() - started) / 1000 - loadSeconds;
  const backlog = atLoadEnd.wait + atLoadEnd.active + atLoadEnd.delayed;
  console.log(`\nEnd to end (SLUICE_ROLE=all, SLUICE_PROCESSES=${E2E_PROCESSES}, loopback target, ${E2E_RATE} req/s offered for ${E2E_SEC} s):`);
  console.log(`  accepted ${counts.all} (${load['2xx']} 2xx, ${load.non2xx + load.errors + load.timeouts} other) at ${Math.round(load.requests.average)} req/s, trigger p99 ${load.latency.p99} ms`);
  console.log(`  runs/s reaching success while loaded: ${Math.round(atLoadEnd.completed / loadSeconds)}; backlog at load end ${backlog}, drained ${drainSeconds.toFixed(1)} s later`);
  console.log(`  ${counts.completed} success, ${counts.failed} failed${counts.completed === counts.all ? ': every accepted run reached success' : '  (NOT every accepted run reached success)'}; peak RSS ${peakRss.toFixed(0)} MB`);
  await queue.close();
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
