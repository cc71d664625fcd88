// Scenario 2 of npm run bench: SLUICE_ROLE=all against a loopback target at a fixed offered rate.
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { createEndpoint, processTree, rssMb, sleep, start, startSluice } from './harness.mjs';
import { BODY, signedHeaders } from './signed-requests.mjs';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const E2E_SEC = Number(process.env.BENCH_E2E_SEC ?? 60);
const E2E_RATE = Number(process.env.BENCH_E2E_RATE ?? 3000);
const E2E_PROCESSES = process.env.BENCH_E2E_PROCESSES ?? 'auto';

/**
 * Scenario 2: SLUICE_ROLE=all (SLUICE_PROCESSES=auto) with a loopback target, E2E_RATE requests
 * per second offered for E2E_SEC; reports runs/s that reached success while the load ran, the
 * backlog it left, and whether every accepted run reached success.
 */
export async function endToEnd(redisUrl, redis, secret, encryptionKey) {
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

