// npm run bench — issue 5's benchmark. Loads, alternating round by round:
//   (a) a bare node:http server answering 200 {},
//   (b) the naive pipeline (express + svix verify + ioredis SET NX EX + Queue.add),
//   (t) for reference, a tuned probe doing the least an ingress can do on BullMQ (bench/tuned-probe.mjs),
//   (c1) Sluice's ingress as one process, and (c) Sluice's ingress with SLUICE_PROCESSES=auto,
// with wrk replaying pre-signed Standard Webhooks requests (a unique webhook-id each), then
// prints req/s (median, spread), p50/p99, non-2xx, peak RSS and the ratios c/a and c/b, and
// checks that queued runs == 2xx answers for a fixed number of requests. Scenario 2
// (bench/end-to-end.mjs) runs SLUICE_ROLE=all against a loopback target at a fixed offered rate
// and reports sustained end-to-end runs/s (trigger → dispatched → success).
// Knobs: BENCH_ROUNDS (3), BENCH_DURATION_SEC (10), BENCH_CONNECTIONS (50), BENCH_E2E_SEC (60),
// BENCH_E2E_RATE (3000 req/s offered), BENCH_E2E_PROCESSES (auto), BENCH_LOG_LEVEL (info),
// BENCH_PROFILE=1 (CPU profiles of the single-process ingress into bench/profiles/).
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { endToEnd } from './end-to-end.mjs';
import { createEndpoint, processTree, root, rssMb, sleep, start, startRedis, startSluice, stopAll, work } from './harness.mjs';
import { BODY, signedHeaders, writeSignedRequestsFile } from './signed-requests.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const E2E_SEC = Number(process.env.BENCH_E2E_SEC ?? 60);
const LOG_LEVEL = process.env.BENCH_LOG_LEVEL ?? 'info';
const PROFILE = process.env.BENCH_PROFILE === '1';
const WRK_THREADS = 2;

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
  const probe = start(process.execPath, ['bench/tuned-probe.mjs'], { REDIS_URL: redisUrl, BENCH_SECRET: secret });
  if (PROFILE) mkdirSync(join(root, 'bench/profiles'), { recursive: true });
  const c1Env = sluiceEnv('bench1', '1');
  const c1 = await startSluice(c1Env, PROFILE ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : []);
  const cnEnv = sluiceEnv('benchn', 'auto');
  const cn = await startSluice(cnEnv);
  const [barePort, naivePort, probePort] = await Promise.all([bare.ready, naive.ready, probe.ready]);
  const c1Pid = await createEndpoint(c1.port, c1Env.SLUICE_BOOTSTRAP_ORG_KEY, secret, 'http://127.0.0.1:9/unused');
  const cnPid = await createEndpoint(cn.port, cnEnv.SLUICE_BOOTSTRAP_ORG_KEY, secret, 'http://127.0.0.1:9/unused');

  const targets = [
    { key: 'a', name: 'a  bare node:http, 200 {}', port: barePort, pid: bare.child.pid, path: '/webhook/p/w' },
    { key: 'b', name: 'b  naive: express + svix + SET NX + Queue.add', port: naivePort, pid: naive.child.pid, path: '/webhook/p/w', queue: { name: 'naive', prefix: 'naive' } },
    // Not a baseline: the least an ingress can do on BullMQ, to show how close c comes to it.
    { key: 't', name: 't  tuned probe: node:http + HMAC + Queue.add (the ceiling on BullMQ)', port: probePort, pid: probe.child.pid, path: '/webhook/p/w', queue: { name: 'tuned', prefix: 'tuned' } },
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
  console.log(`ceiling on BullMQ: t/a = ${ratio('t', 'a')}   t/b = ${ratio('t', 'b')}   c/t = ${ratio('c', 't')}`);
  for (const c of checks) {
    console.log(`queued runs == 2xx answers (${CHECK} requests): ${c.key} ${c.queued} == ${c.twoXx}${c.other ? `, ${c.other} other answers` : ''} ${c.ok ? 'OK' : 'MISMATCH'}`);
  }

  c1.child.kill('SIGTERM');
  cn.child.kill('SIGTERM');
  naive.child.kill('SIGTERM');
  probe.child.kill('SIGTERM');
  if (E2E_SEC > 0) await endToEnd(redisUrl, redis, secret, encryptionKey);
  redis.disconnect();
  if (PROFILE) await sleep(1500); // the profiled ingress writes its profile on SIGTERM
  stopAll();
  process.exit(checks.every((c) => c.ok) ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
