// npm run bench — loads (a) bare node:http, (b) the naive express+svix+SET NX+Queue.add
// pipeline and (c) Sluice's ingress, alternating, with pre-signed Standard Webhooks requests
// (unique webhook-id each), then prints req/s, latency, non-2xx, ingress RSS and the ratios
// c/a and c/b, and checks queued runs == 2xx answers. Scenario 2 runs SLUICE_ROLE=all against a
// loopback target and reports sustained end-to-end runs/s. Knobs: BENCH_ROUNDS (3),
// BENCH_DURATION_SEC (10), BENCH_CONNECTIONS (50), BENCH_E2E_SEC (60), BENCH_LOG_LEVEL (info).
import { spawn, execFileSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const E2E_SEC = Number(process.env.BENCH_E2E_SEC ?? 60);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const root = new URL('..', import.meta.url).pathname;
const children = [];

function start(cmd, args, env) {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const ready = new Promise((resolve, reject) => {
    const onData = (chunk) => {
      out += chunk;
      const port = /LISTENING (\d+)/.exec(out)?.[1] ?? /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(out)?.[1];
      if (port) resolve(Number(port));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${out.slice(-1000)}`)));
  });
  return { child, ready };
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

/** dist/server.js on a chosen port, ready once /readyz answers (whatever LOG_LEVEL prints). */
async function startSluice(env) {
  const port = await freePort();
  const proc = start(process.execPath, ['dist/server.js'], { ...env, PORT: String(port) });
  proc.ready.catch(() => undefined);
  for (let i = 0; ; i++) {
    if (proc.child.exitCode !== null) await proc.ready;
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return { child: proc.child, ready: Promise.resolve(port) };
    } catch {
      /* not listening yet */
    }
    if (i > 200) throw new Error('sluice did not become ready');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
process.on('exit', stopAll);

async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-bench-'));
  const port = 20000 + Math.floor(Math.random() * 20000);
  start('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction']);
  for (let i = 0; ; i++) {
    try {
      if (execFileSync('redis-cli', ['-p', String(port), 'ping']).toString().includes('PONG')) break;
    } catch {
      /* not up yet */
    }
    if (i > 100) throw new Error('bench redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `redis://127.0.0.1:${port}`, redis: new Redis({ port }) };
}

const BODY = JSON.stringify({ type: 'order.paid', data: { id: 'ord_1', items: Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, qty: i, price: 1999 })), note: 'x'.repeat(300) } });

/** Signed Standard Webhooks requests, each with its own webhook-id, made before the load. */
function signedRequests(secret, count) {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const ts = String(Math.floor(Date.now() / 1000));
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const sig = createHmac('sha256', key).update(`${id}.${ts}.${BODY}`).digest('base64');
    out[i] = { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${sig}` };
  }
  return out;
}

function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function load(port, path, headersList, seconds, amount) {
  let next = 0;
  let peakRss = 0;
  return { run: async (pid) => {
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 250);
    const result = await autocannon({
      url: `http://127.0.0.1:${port}`,
      connections: CONNECTIONS,
      ...(amount ? { amount } : { duration: seconds }),
      requests: [{
        method: 'POST',
        path,
        setupRequest: (req) => ({ ...req, headers: headersList[next++ % headersList.length], body: BODY }),
      }],
    });
    clearInterval(sampler);
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts, ok: result['2xx'], sent: next, peakRss };
  } };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs) => `${Math.round(Math.min(...xs))}–${Math.round(Math.max(...xs))}`;

async function main() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  const { url: redisUrl, redis } = await startRedis();
  const orgKey = `cko_${randomBytes(32).toString('base64url')}`;
  const secret = `whsec_${randomBytes(32).toString('base64')}`;

  const bare = start(process.execPath, ['bench/bare-server.mjs'], {});
  const naive = start(process.execPath, ['bench/naive-server.mjs'], { REDIS_URL: redisUrl, BENCH_SECRET: secret });
  const sluiceEnv = {
    REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: 'bench', SLUICE_ROLE: 'ingress', PORT: '0', HOST: '127.0.0.1',
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), SLUICE_BOOTSTRAP_ORG_KEY: orgKey, LOG_LEVEL, NODE_ENV: 'production',
  };
  const sluice = await startSluice(sluiceEnv);
  const [barePort, naivePort, sluicePort] = await Promise.all([bare.ready, naive.ready, sluice.ready]);

  const admin = { 'X-Process-Manager-Key': orgKey, 'content-type': 'application/json' };
  const created = await (await fetch(`http://127.0.0.1:${sluicePort}/v1/instances`, {
    method: 'POST', headers: admin,
    body: JSON.stringify({ name: 'bench', workflows: [{ workflowId: 'w', target: { url: 'http://127.0.0.1:9/unused' } }] }),
  })).json();
  const pid = created.processInstanceId;
  await fetch(`http://127.0.0.1:${sluicePort}/v1/instances/${pid}/workflows/w/signing-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ secret }) });

  const targets = [
    { name: 'a bare node:http', port: barePort, pid: bare.child.pid, path: '/webhook/p/w' },
    { name: 'b naive express+svix+SET NX+Queue.add', port: naivePort, pid: naive.child.pid, path: '/webhook/p/w' },
    { name: 'c sluice ingress', port: sluicePort, pid: sluice.child.pid, path: `/webhook/${pid}/w` },
  ];
  const results = Object.fromEntries(targets.map((t) => [t.name, []]));
  // Warm-up so JIT and connections are hot before measuring.
  for (const t of targets) await (await load(t.port, t.path, signedRequests(secret, 20000), 2)).run(t.pid);
  const sluiceQueue = new Queue('dispatch', { connection: redis, prefix: 'bench:bull' });
  const naiveQueue = new Queue('naive', { connection: redis, prefix: 'naive' });
  const waiting = async () => ({ c: (await sluiceQueue.getJobCounts('wait')).wait, b: (await naiveQueue.getJobCounts('wait')).wait });

  for (let round = 1; round <= ROUNDS; round++) {
    for (const t of targets) {
      const requests = signedRequests(secret, Math.max(50000, DURATION * 40000));
      const r = await (await load(t.port, t.path, requests, DURATION)).run(t.pid);
      results[t.name].push(r);
      process.stderr.write(`round ${round} ${t.name}: ${Math.round(r.rps)} req/s p99 ${r.p99} ms non2xx ${r.non2xx}\n`);
    }
  }

  // Correctness: a fixed number of requests (so none is cut off mid-flight by the timer) must
  // leave exactly one queued run per 2xx, none lost, none doubled.
  const CHECK = 5000;
  await new Promise((r) => setTimeout(r, 1500)); // requests cut off by the last timed round land first
  const before = await waiting();
  const checkB = await (await load(targets[1].port, targets[1].path, signedRequests(secret, CHECK), 0, CHECK)).run(targets[1].pid);
  const checkC = await (await load(targets[2].port, targets[2].path, signedRequests(secret, CHECK), 0, CHECK)).run(targets[2].pid);
  const after = await waiting();
  const queued = { c: after.c - before.c, b: after.b - before.b };
  const ok = { c: checkC.ok, b: checkB.ok };

  const row = (name) => {
    const rs = results[name];
    return { name, rps: median(rs.map((r) => r.rps)), spread: spread(rs.map((r) => r.rps)), p50: median(rs.map((r) => r.p50)), p99: median(rs.map((r) => r.p99)), non2xx: rs.reduce((n, r) => n + r.non2xx + r.errors, 0), rss: Math.max(...rs.map((r) => r.peakRss)) };
  };
  const rows = targets.map((t) => row(t.name));
  console.log(`\nMachine: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}; ${CONNECTIONS} connections, ${ROUNDS} rounds × ${DURATION} s, body ${BODY.length} B, LOG_LEVEL=${LOG_LEVEL}\n`);
  console.log('| server | req/s (median) | spread | p50 ms | p99 ms | non-2xx+errors | peak RSS MB |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${Math.round(r.rps)} | ${r.spread} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.rss.toFixed(0)} |`);
  console.log(`\nc/a = ${(rows[2].rps / rows[0].rps).toFixed(3)}   c/b = ${(rows[2].rps / rows[1].rps).toFixed(3)}`);
  console.log(`queued runs == 2xx answers (${CHECK} requests each): sluice ${queued.c} == ${ok.c} ${queued.c === ok.c ? 'OK' : 'MISMATCH'}; naive ${queued.b} == ${ok.b} ${queued.b === ok.b ? 'OK' : 'MISMATCH'}`);
  await sluiceQueue.close();
  await naiveQueue.close();

  if (E2E_SEC > 0) await endToEnd(redisUrl, redis, secret);
  stopAll();
  redis.disconnect();
  process.exit(0);
}

/** Scenario 2: SLUICE_ROLE=all, loopback target; sustained trigger → dispatched → success. */
async function endToEnd(redisUrl, redis, secret) {
  const target = start(process.execPath, ['bench/bare-server.mjs'], {});
  const orgKey = `cko_${randomBytes(32).toString('base64url')}`;
  const all = await startSluice({
    REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: 'bench-e2e', SLUICE_ROLE: 'all', PORT: '0', HOST: '127.0.0.1',
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), SLUICE_BOOTSTRAP_ORG_KEY: orgKey, LOG_LEVEL, NODE_ENV: 'production',
  });
  const [targetPort, port] = await Promise.all([target.ready, all.ready]);
  const admin = { 'X-Process-Manager-Key': orgKey, 'content-type': 'application/json' };
  const created = await (await fetch(`http://127.0.0.1:${port}/v1/instances`, {
    method: 'POST', headers: admin,
    body: JSON.stringify({ name: 'e2e', workflows: [{ workflowId: 'w', target: { url: `http://127.0.0.1:${targetPort}/hook` } }] }),
  })).json();
  await fetch(`http://127.0.0.1:${port}/v1/instances/${created.processInstanceId}/workflows/w/signing-secrets`, { method: 'POST', headers: admin, body: JSON.stringify({ secret }) });
  const queue = new Queue('dispatch', { connection: redis, prefix: 'bench-e2e:bull' });
  const started = Date.now();
  const r = await (await load(port, `/webhook/${created.processInstanceId}/w`, signedRequests(secret, E2E_SEC * 20000), E2E_SEC)).run(all.child.pid);
  // Let requests cut off by the timer land before counting what was accepted.
  await new Promise((res) => setTimeout(res, 1000));
  const accepted = (await queue.getJobCounts('completed', 'failed', 'wait', 'active', 'delayed'));
  const acceptedTotal = accepted.completed + accepted.failed + accepted.wait + accepted.active + accepted.delayed;
  const atLoadEnd = await queue.getJobCounts('completed', 'failed');
  let counts = atLoadEnd;
  const deadline = Date.now() + 120_000;
  while (counts.completed + counts.failed < acceptedTotal && Date.now() < deadline) {
    await new Promise((res) => setTimeout(res, 500));
    counts = await queue.getJobCounts('completed', 'failed');
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`\nEnd to end (SLUICE_ROLE=all, loopback target, ${E2E_SEC} s of load): accepted ${acceptedTotal} (${r.ok} answered 2xx before the timer) at ${Math.round(r.rps)} req/s; ` +
    `${counts.completed} success, ${counts.failed} failed; runs/s during load ${Math.round(atLoadEnd.completed / E2E_SEC)}, ` +
    `overall ${Math.round(counts.completed / seconds)} runs/s until drained; peak RSS ${r.peakRss.toFixed(0)} MB` +
    `${counts.completed === acceptedTotal ? '' : '  (NOT every accepted run reached success)'}`);
  await queue.close();
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
