import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { api, pollUntilDone, waitFor } from '../support/harness';
import { type ServerProcess, startServerProcess, stopAll } from '../support/processes';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';
import { TestTarget } from '../support/target';

function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)]).toString().split('\n').map(Number).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

const metricValue = (text: string, line: RegExp) => Number(line.exec(text)?.[1] ?? NaN);

// SLUICE_PROCESSES: several processes share the port (issue 5: use every core).
describe('SLUICE_PROCESSES=2', () => {
  const prefix = uniquePrefix('processes');
  const orgKey = generateKey('org');
  const target = new TestTarget();
  let server: ServerProcess;
  let url: string;

  beforeAll(async () => {
    await target.start();
    server = startServerProcess({
      REDIS_URL: testRedisUrl(),
      SLUICE_REDIS_PREFIX: prefix,
      SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
      SLUICE_ROLE: 'all',
      SLUICE_PROCESSES: '2',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    url = (await server.ready).url!;
    await waitFor(async () => (server.output.join('').split('"msg":"worker started"').length - 1 >= 2 ? true : undefined));
  }, 30_000);

  afterAll(async () => {
    await stopAll([server]);
    await target.stop();
    const redis = new Redis(testRedisUrl());
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('runs two children that serve one port, and sums their metrics', async () => {
    expect(childrenOf(server.child.pid!)).toHaveLength(2);
    const created = await api(url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': orgKey },
      body: { name: 'p', workflows: [{ workflowId: 'w', target: { url: `${target.url}/hook` } }] },
    });
    expect(created.status).toBe(201);
    const pid = created.body.processInstanceId as string;
    const key = created.body.apiKey as string;
    const ids = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await api(url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': key, Connection: 'close' }, body: { i } });
        expect(res.status).toBe(202);
        return res.body.executionId as string;
      }),
    );
    for (const id of ids) expect((await pollUntilDone(url, pid, id, key)).status).toBe('success');
    expect(target.received).toHaveLength(40);
    // Whichever child answers /metrics, it reports the sum over both.
    for (let i = 0; i < 4; i++) {
      const text = await (await fetch(`${url}/metrics`, { headers: { Connection: 'close' } })).text();
      expect(metricValue(text, /^sluice_ingests_total\{auth_method="api_key_header",outcome="accepted"\} (\d+)$/m)).toBe(40);
    }
  });

  it('replaces a child that dies, and keeps serving meanwhile', async () => {
    const [victim, survivor] = childrenOf(server.child.pid!);
    process.kill(victim!, 'SIGKILL');
    const healthy = await waitFor(async () => {
      const res = await fetch(`${url}/healthz`, { headers: { Connection: 'close' }, signal: AbortSignal.timeout(1000) }).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    }, 5000);
    expect(healthy).toBe(true);
    await waitFor(async () => {
      const now = childrenOf(server.child.pid!);
      return now.length === 2 && !now.includes(victim!) && now.includes(survivor!) ? true : undefined;
    }, 20_000);
  }, 30_000);

  it('stops every child on SIGTERM and exits 0', async () => {
    const children = childrenOf(server.child.pid!);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    for (const child of children) expect(() => process.kill(child, 0)).toThrow();
  });
});
