import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { TestTarget } from '../support/target';

// Issue 4: one slow target does not hold up runs for other targets.
describe('a slow target cannot take every worker slot', () => {
  let sluice: TestSluice;
  let slow: TestTarget;
  let fast: TestTarget;

  beforeAll(async () => {
    slow = await new TestTarget().start();
    slow.responder = () => ({ status: 200, body: {}, delayMs: 4000 });
    fast = await new TestTarget().start();
    sluice = await startTestSluice('fairness', { SLUICE_WORKER_CONCURRENCY: '4' });
  });
  afterAll(async () => {
    await sluice.stop();
    await slow.stop();
    await fast.stop();
  });

  it('keeps runs for other targets flowing while a slow one has a backlog', async () => {
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: {
        name: 'f',
        workflows: [
          { workflowId: 'slow', target: { url: `${slow.url}/s`, timeoutMs: 10_000 } },
          { workflowId: 'fast', target: { url: `${fast.url}/f` } },
        ],
      },
    });
    const pid = created.body.processInstanceId as string;
    const apiKey = created.body.apiKey as string;
    const trigger = (wid: string) =>
      api(sluice.url, 'POST', `/webhook/${pid}/${wid}`, { headers: { 'X-API-Key': apiKey }, body: {} }).then((r) => r.body.executionId as string);

    await Promise.all(Array.from({ length: 10 }, () => trigger('slow')));
    await waitFor(async () => (slow.received.length >= 2 ? true : undefined));
    const fastRuns = await Promise.all(Array.from({ length: 3 }, () => trigger('fast')));
    for (const id of fastRuns) expect((await pollUntilDone(sluice.url, pid, id, apiKey, 3000)).status).toBe('success');
    // Half of the 4 slots per origin: the slow target never had more than 2 requests open.
    expect(slow.received.length).toBeLessThanOrEqual(2);
  });
});
