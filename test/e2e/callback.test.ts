import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { TestTarget } from '../support/target';

// DESIGN §5 callback mode, driven as the Codika n8n nodes drive it: Init reads
// body.executionMetadata, Submit Result / Report Error post back to its URLs.
describe('callback-mode runs', () => {
  let sluice: TestSluice;
  let target: TestTarget;
  let pid: string;
  let apiKey: string;

  beforeAll(async () => {
    target = await new TestTarget().start();
    target.responder = () => ({ status: 200, body: { accepted: true } });
    sluice = await startTestSluice('callback', { SLUICE_RESULT_TIMEOUT_SEC: '1' });
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'n8n', workflows: [{ workflowId: 'flow', target: { url: `${target.url}/n8n` }, resultMode: 'callback' }] },
    });
    pid = created.body.processInstanceId as string;
    apiKey = created.body.apiKey as string;
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  async function dispatched(): Promise<{ executionId: string; meta: Record<string, string> }> {
    const res = await api(sluice.url, 'POST', `/webhook/${pid}/flow`, { headers: { 'X-API-Key': apiKey }, body: { payload: { q: 1 } } });
    const executionId = res.body.executionId as string;
    const request = await waitFor(async () =>
      target.received.find((r) => (r.json.executionMetadata as { executionId?: string } | undefined)?.executionId === executionId),
    );
    return { executionId, meta: request.json.executionMetadata as Record<string, string> };
  }

  it('stays pending after dispatch and ends with the posted result', async () => {
    const { executionId, meta } = await dispatched();
    const pending = await api(sluice.url, 'GET', `/status/${pid}/${executionId}`, { headers: { 'X-API-Key': apiKey } });
    expect(pending.body.execution.status).toBe('pending');

    const forged = await api(meta.callbackUrl!, 'POST', '', {
      body: { executionId, executionSecret: 'exs_forged', resultData: { evil: true } },
    });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('INVALID_EXECUTION_SECRET');

    const ok = await api(meta.callbackUrl!, 'POST', '', {
      body: { executionId, executionSecret: meta.executionSecret, resultData: { answer: 'done' }, executionTimeMs: 12 },
    });
    expect(ok).toMatchObject({ status: 200, body: { success: true } });
    const execution = await pollUntilDone(sluice.url, pid, executionId, apiKey);
    expect(execution).toMatchObject({ status: 'success', resultData: { answer: 'done' } });

    const again = await api(meta.errorCallbackUrl!, 'POST', '', {
      body: { executionId, executionSecret: meta.executionSecret, error: { message: 'late', type: 'node_failure' } },
    });
    expect(again.status).toBe(409);
    expect((await pollUntilDone(sluice.url, pid, executionId, apiKey)).status).toBe('success');
  });

  it('ends failed with the reported error and node', async () => {
    const { executionId, meta } = await dispatched();
    const res = await api(meta.errorCallbackUrl!, 'POST', '', {
      body: { executionId, executionSecret: meta.executionSecret, error: { message: 'HTTP node broke', type: 'node_failure', failedNodeName: 'Fetch CRM' } },
    });
    expect(res.status).toBe(200);
    const execution = await pollUntilDone(sluice.url, pid, executionId, apiKey);
    expect(execution).toMatchObject({
      status: 'failed',
      errorDetails: { type: 'node_failure', message: 'HTTP node broke', failedNodeName: 'Fetch CRM' },
    });
  });

  it('ends failed with type timeout when no callback comes in time', async () => {
    const { executionId } = await dispatched();
    const execution = await pollUntilDone(sluice.url, pid, executionId, apiKey, 10_000);
    expect(execution).toMatchObject({ status: 'failed', errorDetails: { type: 'timeout', code: 'RESULT_TIMEOUT' } });
  });
});
