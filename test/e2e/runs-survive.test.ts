import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { api, pollUntilDone, waitFor } from '../support/harness';
import { type ServerProcess, startServerProcess, stopAll } from '../support/processes';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';
import { TestTarget } from '../support/target';

// Issue 4 with real processes: worker kills, drains, cross-worker limits, replay.
describe('runs survive workers', () => {
  const prefix = uniquePrefix('survive');
  const orgKey = generateKey('org');
  const base = {
    REDIS_URL: testRedisUrl(),
    SLUICE_REDIS_PREFIX: prefix,
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    SLUICE_WORKER_LOCK_MS: '2000',
    SLUICE_DISPATCH_BACKOFF_MS: '100',
  };
  const processes: ServerProcess[] = [];
  let target: TestTarget;
  let url: string;
  let pid: string;
  let apiKey: string;
  const inFlight = new Map<string, number>();
  let maxInFlight = 0;
  let current = 0;

  const start = (env: Record<string, string>) => {
    const p = startServerProcess({ ...base, ...env });
    processes.push(p);
    return p;
  };

  beforeAll(async () => {
    target = await new TestTarget().start();
    target.responder = (req) => {
      if (req.url === '/slow') return { status: 200, body: { ok: true }, delayMs: 3000 };
      if (req.url === '/limited') {
        current++;
        maxInFlight = Math.max(maxInFlight, current);
        setTimeout(() => current--, 300);
        return { status: 200, body: { ok: true }, delayMs: 300 };
      }
      if (req.url === '/recovering') return inFlight.get('recovered') ? { status: 200, body: { back: true } } : { status: 422 };
      return { status: 200, body: {} };
    };
    const ingress = start({ SLUICE_ROLE: 'ingress' });
    url = (await ingress.ready).url!;
    const created = await api(url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': orgKey },
      body: {
        name: 'survive',
        workflows: [
          { workflowId: 'slow', target: { url: `${target.url}/slow`, timeoutMs: 10_000 } },
          { workflowId: 'limited', target: { url: `${target.url}/limited`, maxConcurrency: 2 } },
          { workflowId: 'recovering', target: { url: `${target.url}/recovering` } },
        ],
      },
    });
    // The server announced itself only after the bootstrap key works (bootstrap runs before listen).
    expect(created.status).toBe(201);
    pid = created.body.processInstanceId as string;
    apiKey = created.body.apiKey as string;
  });

  afterAll(async () => {
    await stopAll(processes, 'SIGKILL');
    await target.stop();
    const redis = new Redis(testRedisUrl());
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const trigger = async (wid: string, n: number) =>
    Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const res = await api(url, 'POST', `/webhook/${pid}/${wid}`, { headers: { 'X-API-Key': apiKey }, body: { payload: { i } } });
        expect(res.status).toBe(202);
        return res.body.executionId as string;
      }),
    );

  it('loses no run when a worker is SIGKILLed with 20 in flight: a fresh worker finishes them all', async () => {
    const doomed = start({ SLUICE_ROLE: 'worker' });
    await doomed.ready;
    const ids = await trigger('slow', 20);
    await waitFor(async () => (target.received.filter((r) => r.url === '/slow').length >= 20 ? true : undefined), 15_000);
    doomed.child.kill('SIGKILL');
    await doomed.exited;

    const fresh = start({ SLUICE_ROLE: 'worker' });
    await fresh.ready;
    const results = await Promise.all(ids.map((id) => pollUntilDone(url, pid, id, apiKey, 40_000)));
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 'success'));
    // Every retry of a run carried the same Idempotency-Key, so the target can dedupe it.
    for (const id of ids) {
      const keys = target.received.filter((r) => r.url === '/slow' && r.headers['idempotency-key'] === id);
      expect(keys.length).toBeGreaterThanOrEqual(2);
    }
    await stopAll([fresh]);
  }, 60_000);

  it('holds target.maxConcurrency across two worker processes', async () => {
    const a = start({ SLUICE_ROLE: 'worker' });
    const b = start({ SLUICE_ROLE: 'worker' });
    await Promise.all([a.ready, b.ready]);
    const ids = await trigger('limited', 12);
    const results = await Promise.all(ids.map((id) => pollUntilDone(url, pid, id, apiKey, 30_000)));
    expect(results.every((r) => r.status === 'success')).toBe(true);
    expect(maxInFlight).toBe(2);
    await stopAll([a, b]);
  }, 45_000);

  it('drains on SIGTERM: in-flight runs finish, then the worker exits 0', async () => {
    const w = start({ SLUICE_ROLE: 'worker' });
    await w.ready;
    const before = target.received.length;
    const ids = await trigger('slow', 3);
    await waitFor(async () => (target.received.length >= before + 3 ? true : undefined), 10_000);
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    for (const id of ids) {
      const res = await api(url, 'GET', `/status/${pid}/${id}`, { headers: { 'X-API-Key': apiKey } });
      expect(res.body.execution.status).toBe('success');
    }
  }, 30_000);

  it('replays failed runs once the target recovers, linked both ways, in one call', async () => {
    const w = start({ SLUICE_ROLE: 'worker' });
    await w.ready;
    const ids = await trigger('recovering', 2);
    for (const id of ids) expect((await pollUntilDone(url, pid, id, apiKey)).status).toBe('failed');
    inFlight.set('recovered', 1);
    const replay = await api(url, 'POST', `/v1/instances/${pid}/workflows/recovering/executions/replay-failed`, {
      headers: { 'X-Process-Manager-Key': orgKey },
    });
    expect(replay.status).toBe(202);
    expect(replay.body.count).toBe(2);
    for (const { originalExecutionId, executionId } of replay.body.replayed as Array<{ originalExecutionId: string; executionId: string }>) {
      const done = await pollUntilDone(url, pid, executionId, apiKey);
      expect(done).toMatchObject({ status: 'success', replayOf: originalExecutionId, resultData: { back: true } });
      const original = await api(url, 'GET', `/v1/instances/${pid}/executions/${originalExecutionId}`, { headers: { 'X-Process-Manager-Key': orgKey } });
      expect(original.body.execution.replays).toEqual([executionId]);
    }
    const again = await api(url, 'POST', `/v1/instances/${pid}/workflows/recovering/executions/replay-failed`, {
      headers: { 'X-Process-Manager-Key': orgKey },
    });
    expect(again.body.count).toBe(0);
    await stopAll([w]);
  }, 30_000);
});
