import { type TestSluice, api, pollUntilDone, startTestSluice } from '../support/harness';
import { TestTarget, closedPort } from '../support/target';

// DESIGN §5: what the worker does with each kind of target failure.
describe('dispatch retries and failures', () => {
  let sluice: TestSluice;
  let target: TestTarget;
  let pid: string;
  let apiKey: string;

  beforeAll(async () => {
    target = await new TestTarget().start();
    sluice = await startTestSluice('retries', { SLUICE_DISPATCH_ATTEMPTS: '3', SLUICE_DISPATCH_BACKOFF_MS: '20' });
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: {
        name: 'r',
        workflows: [
          { workflowId: 'flaky', target: { url: `${target.url}/flaky` } },
          { workflowId: 'gone', target: { url: `${target.url}/gone` } },
          { workflowId: 'slow', target: { url: `${target.url}/slow`, timeoutMs: 200 } },
          { workflowId: 'down', target: { url: `http://127.0.0.1:${await closedPort()}/down` } },
          { workflowId: 'text', target: { url: `${target.url}/text` } },
          { workflowId: 'throttled', target: { url: `${target.url}/throttled` } },
        ],
      },
    });
    pid = created.body.processInstanceId as string;
    apiKey = created.body.apiKey as string;
    target.responder = (req) => {
      // /flaky fails the first attempt of each run, then answers.
      const executionId = (req.json.executionMetadata as { executionId?: string } | undefined)?.executionId;
      const attemptsOfRun = target.received.filter((r) => r.headers['idempotency-key'] === executionId).length;
      if (req.url === '/flaky') return attemptsOfRun === 1 ? { status: 503 } : { status: 200, body: { answer: 42 } };
      if (req.url === '/throttled') return attemptsOfRun === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200, body: {} };
      if (req.url === '/gone') return { status: 404, body: { error: 'no' } };
      if (req.url === '/slow') return { status: 200, body: {}, delayMs: 1000 };
      return { status: 200, body: { ok: true } };
    };
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  const run = async (wid: string, payload: unknown = { x: 1 }) => {
    const res = await api(sluice.url, 'POST', `/webhook/${pid}/${wid}`, { headers: { 'X-API-Key': apiKey }, body: { payload } });
    expect(res.status).toBe(202);
    return pollUntilDone(sluice.url, pid, res.body.executionId as string, apiKey);
  };

  it('retries a 503 and succeeds on the next attempt, with the same Idempotency-Key', async () => {
    const execution = await run('flaky');
    expect(execution).toMatchObject({ status: 'success', resultData: { answer: 42 }, attempts: 2 });
    const keys = target.received.filter((r) => r.url === '/flaky').map((r) => r.headers['idempotency-key']).filter((k) => k === execution.executionId);
    expect(keys).toEqual([execution.executionId, execution.executionId]);
  });

  it("waits out a 429's Retry-After before the next attempt", async () => {
    const execution = await run('throttled');
    expect(execution).toMatchObject({ status: 'success', attempts: 2 });
    const [first, second] = target.received.filter((r) => r.headers['idempotency-key'] === execution.executionId);
    // Backoff alone would retry within ~20 ms here; Retry-After: 1 sets the wait.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('fails a 404 at once, as an external_api_error', async () => {
    const execution = await run('gone');
    expect(execution).toMatchObject({
      status: 'failed',
      attempts: 1,
      errorDetails: { type: 'external_api_error', code: 'HTTP_404' },
    });
    expect(target.received.filter((r) => r.url === '/gone')).toHaveLength(1);
  });

  it('fails a target that never answers in time as timeout, after every attempt', async () => {
    const execution = await run('slow');
    expect(execution).toMatchObject({ status: 'failed', attempts: 3, errorDetails: { type: 'timeout' } });
  });

  it('retries an unreachable target and fails it with the network error', async () => {
    const execution = await run('down');
    expect(execution).toMatchObject({ status: 'failed', attempts: 3, errorDetails: { type: 'external_api_error', code: 'ECONNREFUSED' } });
  });

  it('shows each attempt in the admin execution view', async () => {
    const execution = await run('flaky');
    const detail = await api(sluice.url, 'GET', `/v1/instances/${pid}/executions/${execution.executionId}`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
    });
    expect(detail.body.execution.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, statusCode: 503 }),
      expect.objectContaining({ attempt: 2, statusCode: 200 }),
    ]);
  });

  it('sends a non-object payload under `payload` and text bodies with their content type', async () => {
    await run('text', [1, 2, 3]);
    const arrayDispatch = target.received.filter((r) => r.url === '/text').at(-1)!;
    expect(arrayDispatch.json.payload).toEqual([1, 2, 3]);

    const res = await api(sluice.url, 'POST', `/webhook/${pid}/text?api_key=${apiKey}`, {
      headers: { 'content-type': 'text/plain' },
      raw: 'temp=21.5',
    });
    await pollUntilDone(sluice.url, pid, res.body.executionId as string, apiKey);
    const textDispatch = target.received.filter((r) => r.url === '/text').at(-1)!;
    expect(textDispatch.json).toMatchObject({ contentType: 'text/plain', text: 'temp=21.5' });
  });
});
