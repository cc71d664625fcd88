import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { api } from '../support/harness';
import { type ServerProcess, startServerProcess, stopAll } from '../support/processes';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

// DESIGN §3: regenerating an instance key invalidates the old one at once on every replica.
describe('two ingress processes on one Redis', () => {
  const prefix = uniquePrefix('replicas');
  const orgKey = generateKey('org');
  const env = {
    REDIS_URL: testRedisUrl(),
    SLUICE_REDIS_PREFIX: prefix,
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
    SLUICE_ROLE: 'ingress',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const processes: ServerProcess[] = [];

  afterAll(async () => {
    await stopAll(processes);
    const redis = new Redis(testRedisUrl());
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('refuses the old key on the other replica right after regeneration', async () => {
    const a = startServerProcess(env);
    const b = startServerProcess(env);
    processes.push(a, b);
    const [{ url: urlA }, { url: urlB }] = await Promise.all([a.ready, b.ready]);

    const created = await api(urlA!, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': orgKey },
      body: { name: 'r', workflows: [{ workflowId: 'w', target: { url: 'http://127.0.0.1:9/x' } }] },
    });
    const pid = created.body.processInstanceId as string;
    const oldKey = created.body.apiKey as string;
    expect((await api(urlB!, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': oldKey }, body: {} })).status).toBe(202);

    const regen = await api(urlA!, 'POST', `/v1/instances/${pid}/api-key/regenerate`, { headers: { 'X-Process-Manager-Key': orgKey } });
    const refused = await api(urlB!, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': oldKey }, body: {} });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_API_KEY');
    const accepted = await api(urlB!, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': regen.body.apiKey as string }, body: {} });
    expect(accepted.status).toBe(202);

    // B serves the endpoint from memory (issue 5): every regeneration must still win at once.
    let current = regen.body.apiKey as string;
    for (let i = 0; i < 10; i++) {
      expect((await api(urlB!, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': current }, body: {} })).status).toBe(202);
      const next = (await api(urlA!, 'POST', `/v1/instances/${pid}/api-key/regenerate`, { headers: { 'X-Process-Manager-Key': orgKey } })).body.apiKey as string;
      expect((await api(urlB!, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': current }, body: {} })).status).toBe(401);
      current = next;
    }
  });

  it('drains on SIGTERM: readiness turns 503 and the process exits 0', async () => {
    const c = startServerProcess(env);
    processes.push(c);
    await c.ready;
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
  });
});
