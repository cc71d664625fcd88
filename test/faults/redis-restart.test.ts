import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@sluice/observability';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../apps/server/src/embedded-redis';
import { type TestSluice, api, pollUntilDone, startTestSluice } from '../support/harness';
import { TestTarget } from '../support/target';

// DESIGN §8: no lost run when Redis (with AOF) is killed. Runs acked before the kill (and
// past the everysec fsync) are dispatched once Redis is back.
describe('Redis SIGKILLed with acked runs queued', () => {
  let dataDir: string;
  let redis: EmbeddedRedis;
  let target: TestTarget;
  let ingress: TestSluice;
  let worker: TestSluice | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-aof-'));
    redis = await startEmbeddedRedis({ dataDir, searchPath: process.env.PATH ?? '', logger: createLogger({ level: 'silent' }) });
    target = await new TestTarget().start();
  });
  afterAll(async () => {
    await worker?.stop();
    await ingress?.stop();
    await redis.stop();
    await target.stop();
  });

  it('dispatches every acked run after Redis restarts from its AOF', async () => {
    const port = Number(new URL(redis.url).port);
    ingress = await startTestSluice('aof', { REDIS_URL: redis.url, SLUICE_ROLE: 'ingress' });
    const created = await api(ingress.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': ingress.orgKey },
      body: { name: 'aof', workflows: [{ workflowId: 'w', target: { url: `${target.url}/aof` } }] },
    });
    const pid = created.body.processInstanceId as string;
    const apiKey = created.body.apiKey as string;
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await api(ingress.url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': apiKey }, body: { i } });
      expect(res.status).toBe(202);
      ids.push(res.body.executionId as string);
    }
    await new Promise((r) => setTimeout(r, 1500)); // past appendfsync everysec

    const redisPid = Number(readFileSync(join(dataDir, 'redis', 'redis.pid'), 'utf8'));
    process.kill(redisPid, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    redis = await startEmbeddedRedis({ dataDir, searchPath: process.env.PATH ?? '', logger: createLogger({ level: 'silent' }), preferPort: port });
    expect(redis.url).toBe(`redis://127.0.0.1:${port}`);

    worker = await startTestSluice('aof-worker', {
      REDIS_URL: redis.url,
      SLUICE_ROLE: 'worker',
      SLUICE_REDIS_PREFIX: ingress.prefix,
      SLUICE_ENCRYPTION_KEY: ingress.encryptionKey,
    });
    for (const id of ids) expect((await pollUntilDone(ingress.url, pid, id, apiKey, 20_000)).status).toBe('success');
    expect(new Set(target.received.map((r) => r.headers['idempotency-key'])).size).toBe(25);
  }, 60_000);
});
