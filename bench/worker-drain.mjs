// npm run bench:worker — one worker process (SLUICE_ROLE=worker) draining a queue that an
// ingress filled with BENCH_DRAIN_RUNS (20,000) signed triggers, against a loopback target.
// Prints runs/s (start-up included), CPU per run of the worker, of Redis and of the target,
// write/read syscalls per run of the worker, and Redis's time per run by command
// (INFO commandstats; scripts count as EVALSHA, with the commands they run also listed).
// It is where the end-to-end cost per run is taken apart (docs/performance.md).
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { cpuMs, createEndpoint, root, sleep, start, startRedis, startSluice, stopAll } from './harness.mjs';
import { BODY, signedHeaders } from './signed-requests.mjs';

const RUNS = Number(process.env.BENCH_DRAIN_RUNS ?? 20_000);

function redisPid(port) {
  return Number(/process_id:(\d+)/.exec(execFileSync('redis-cli', ['-p', String(port), 'info', 'server']).toString())[1]);
}

function commandStats(info) {
  return info
    .split('\n')
    .map((line) => /^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/.exec(line))
    .filter(Boolean)
    .map(([, name, calls, usec]) => ({ name, calls: Number(calls), usec: Number(usec) }))
    .sort((a, b) => b.usec - a.usec);
}

function syscalls(pid) {
  const io = Object.fromEntries(readFileSync(`/proc/${pid}/io`, 'utf8').trim().split('\n').map((line) => line.split(': ')));
  return { reads: Number(io.syscr), writes: Number(io.syscw) };
}

async function main() {
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  const { url: redisUrl, redis } = await startRedis();
  const redisPort = Number(new URL(redisUrl).port);
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const orgKey = `cko_${randomBytes(32).toString('base64url')}`;
  const env = { REDIS_URL: redisUrl, SLUICE_REDIS_PREFIX: 'drain', SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'), SLUICE_BOOTSTRAP_ORG_KEY: orgKey };

  const target = start(process.execPath, ['bench/bare-server.mjs']);
  const ingress = await startSluice({ ...env, SLUICE_ROLE: 'ingress' });
  const targetPort = await target.ready;
  const pid = await createEndpoint(ingress.port, orgKey, secret, `http://127.0.0.1:${targetPort}/hook`);
  const headers = signedHeaders(secret, RUNS);
  let next = 0;
  const fill = await autocannon({
    url: `http://127.0.0.1:${ingress.port}`, connections: 50, amount: RUNS,
    requests: [{ method: 'POST', path: `/webhook/${pid}/w`, setupRequest: (req) => ({ ...req, headers: headers[next++], body: BODY }) }],
  });
  ingress.child.kill('SIGTERM');
  const queue = new Queue('dispatch', { connection: redis, prefix: 'drain:bull' });
  const queued = (await queue.getJobCounts('wait')).wait;
  if (queued !== fill['2xx']) throw new Error(`queued ${queued} runs for ${fill['2xx']} accepted triggers`);

  await redis.config('RESETSTAT');
  const redisProcess = redisPid(redisPort);
  const [redisBefore, targetBefore] = [cpuMs(redisProcess), cpuMs(target.child.pid)];
  const started = Date.now();
  const worker = await startSluice({ ...env, SLUICE_ROLE: 'worker' }, [], '/healthz');
  let counts;
  for (;;) {
    counts = await queue.getJobCounts('completed', 'failed');
    if (counts.completed + counts.failed >= queued) break;
    await sleep(100);
  }
  const seconds = (Date.now() - started) / 1000;
  const perRun = (ms) => ((ms * 1000) / queued).toFixed(0);
  const calls = syscalls(worker.child.pid);
  console.log(`\nOne worker (SLUICE_WORKER_CONCURRENCY default), loopback target, ${queued} queued runs:`);
  console.log(`  drained in ${seconds.toFixed(1)} s (start-up included): ${Math.round(queued / seconds)} runs/s; ${counts.failed} failed`);
  console.log(`  CPU per run: worker ${perRun(cpuMs(worker.child.pid))} µs, redis ${perRun(cpuMs(redisProcess) - redisBefore)} µs, target ${perRun(cpuMs(target.child.pid) - targetBefore)} µs`);
  console.log(`  worker syscalls per run: ${(calls.writes / queued).toFixed(2)} writes, ${(calls.reads / queued).toFixed(2)} reads`);
  console.log('  redis time per run by command (scripts include the commands they run):');
  for (const { name, calls: n, usec } of commandStats(await redis.info('commandstats')).slice(0, 8)) {
    console.log(`    ${name.padEnd(10)} ${(n / queued).toFixed(2)} calls/run  ${(usec / queued).toFixed(1)} µs/run  ${(usec / n).toFixed(1)} µs/call`);
  }
  worker.child.kill('SIGTERM');
  await queue.close();
  redis.disconnect();
  stopAll();
  process.exit(counts.failed === 0 ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  stopAll();
  process.exit(1);
});
