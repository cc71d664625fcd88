import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { TestTarget, closedPort } from '../support/target';

// DESIGN §5: one breaker per target origin; an open breaker delays runs without using attempts.
describe('circuit breakers', () => {
  let sluice: TestSluice;
  let target: TestTarget;

  beforeAll(async () => {
    target = await new TestTarget().start();
    sluice = await startTestSluice('breakers', { SLUICE_DISPATCH_ATTEMPTS: '8', SLUICE_DISPATCH_BACKOFF_MS: '20' });
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  it('opens for a dead target while a healthy target keeps flowing, and spends no attempts while open', async () => {
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: {
        name: 'b',
        workflows: [
          { workflowId: 'dead', target: { url: `http://127.0.0.1:${await closedPort()}/x` } },
          { workflowId: 'alive', target: { url: `${target.url}/alive` } },
        ],
      },
    });
    const pid = created.body.processInstanceId as string;
    const apiKey = created.body.apiKey as string;
    const trigger = (wid: string) =>
      api(sluice.url, 'POST', `/webhook/${pid}/${wid}`, { headers: { 'X-API-Key': apiKey }, body: {} }).then((r) => r.body.executionId as string);

    const dead = await Promise.all(Array.from({ length: 12 }, () => trigger('dead')));
    await waitFor(async () => (sluice.logs.join('').includes('circuit breaker opened') ? true : undefined), 10_000);

    const alive = await Promise.all(Array.from({ length: 5 }, () => trigger('alive')));
    for (const id of alive) expect((await pollUntilDone(sluice.url, pid, id, apiKey, 5000)).status).toBe('success');

    // The dead target's runs wait for the breaker: still pending, attempts left.
    for (const id of dead) {
      const res = await api(sluice.url, 'GET', `/status/${pid}/${id}`, { headers: { 'X-API-Key': apiKey } });
      expect(res.body.execution.status).toBe('pending');
      expect(res.body.execution.attempts).toBeLessThan(8);
    }
    expect(sluice.logs.join('')).toMatch(/"origin":"http:\/\/127\.0\.0\.1:\d+".*circuit breaker opened/);
  });
});
