import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@sluice/observability';
import { type EmbeddedRedis, startEmbeddedRedis } from '../../apps/server/src/embedded-redis';
import { type TestSluice, api, startTestSluice } from '../support/harness';

// DESIGN §4: a 2xx only after the event is in Redis; Redis down → 503 + Retry-After, fast.
describe('Redis killed under the ingress', () => {
  let redis: EmbeddedRedis;
  let sluice: TestSluice;
  let dataDir: string;
  let pid: string;
  let apiKey: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sluice-fault-'));
    redis = await startEmbeddedRedis({ dataDir, searchPath: process.env.PATH ?? '', logger: createLogger({ level: 'silent' }) });
    sluice = await startTestSluice('fault', { REDIS_URL: redis.url, SLUICE_ROLE: 'ingress', SLUICE_REDIS_TIMEOUT_MS: '500' });
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'f', workflows: [{ workflowId: 'w', target: { url: 'http://127.0.0.1:9/x' } }] },
    });
    pid = created.body.processInstanceId as string;
    apiKey = created.body.apiKey as string;
  });

  afterAll(async () => {
    await sluice.stop();
    await redis.stop();
  });

  it('answers 503 with Retry-After within 2 s while Redis is down, never a 2xx, and recovers', async () => {
    const trigger = () => api(sluice.url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': apiKey }, body: { n: 1 } });
    expect((await trigger()).status).toBe(202);

    await redis.stop();
    const started = Date.now();
    const answers = await Promise.all(Array.from({ length: 20 }, trigger));
    const elapsed = Date.now() - started;
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.body.code).toBe('REDIS_UNAVAILABLE');
      expect(answer.headers.get('retry-after')).toMatch(/^\d+$/);
    }
    // The bound the sender relies on (DESIGN §4), not a speed benchmark.
    expect(elapsed).toBeLessThan(2000);
    const ready = await api(sluice.url, 'GET', '/readyz');
    expect(ready.status).toBe(503);

    redis = await startEmbeddedRedis({ dataDir, searchPath: process.env.PATH ?? '', logger: createLogger({ level: 'silent' }), preferPort: Number(new URL(redis.url).port) });
    let recovered = 0;
    for (let i = 0; i < 50 && recovered === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      if ((await trigger()).status === 202) recovered++;
    }
    expect(recovered).toBe(1);
  });
});
