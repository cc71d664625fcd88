import { Webhook as StandardWebhook } from 'standardwebhooks';
import { Webhook as SvixWebhook } from 'svix';
import { type TestSluice, api, pollUntilDone, startTestSluice, waitFor } from '../support/harness';
import { TestTarget } from '../support/target';

// The spine as a user meets it: create an instance over the admin API, trigger it with each
// of the four Codika auth methods, watch the run reach a real target, poll it to success.
describe('spine: trigger → queue → dispatch → status', () => {
  let sluice: TestSluice;
  let target: TestTarget;
  let pid: string;
  let apiKey: string;
  let dispatchSecret: string;

  beforeAll(async () => {
    target = await new TestTarget().start();
    sluice = await startTestSluice('spine');
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: {
        name: 'demo',
        workflows: [
          { workflowId: 'hello', target: { url: `${target.url}/hook`, headers: { 'x-target-token': 'tt' } } },
          {
            workflowId: 'typed',
            target: { url: `${target.url}/typed` },
            inputSchema: { type: 'object', required: ['email'], properties: { email: { type: 'string', format: 'email' } } },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    ({ processInstanceId: pid, apiKey, dispatchSecret } = created.body as { processInstanceId: string; apiKey: string; dispatchSecret: string });
    expect(apiKey).toMatch(/^ck_/);
    expect(dispatchSecret).toMatch(/^whsec_/);
  });

  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  async function triggerAndFinish(headers: Record<string, string>, path = `/webhook/${pid}/hello`, raw?: string) {
    const body = raw ?? JSON.stringify({ payload: { greeting: 'hi', n: 1 } });
    const res = await api(sluice.url, 'POST', path, { headers: { 'content-type': 'application/json', ...headers }, raw: body });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ success: true, executionId: expect.stringMatching(/^exec_/), message: 'Execution started' });
    const execution = await pollUntilDone(sluice.url, pid, res.body.executionId as string, apiKey);
    return { executionId: res.body.executionId as string, execution };
  }

  it('runs with X-API-Key and dispatches payload fields plus executionMetadata, signed', async () => {
    const { executionId, execution } = await triggerAndFinish({ 'X-API-Key': apiKey });
    expect(execution).toMatchObject({ executionId, workflowId: 'hello', status: 'success', resultData: { ok: true }, attempts: 1 });
    expect(typeof execution.duration).toBe('number');
    const dispatched = target.received.find((r) => r.json.executionMetadata && (r.json.executionMetadata as any).executionId === executionId)!;
    expect(dispatched.json).toMatchObject({ greeting: 'hi', n: 1 });
    expect(dispatched.json.executionMetadata).toMatchObject({
      executionId,
      workflowId: 'hello',
      processInstanceId: pid,
      callbackUrl: expect.stringMatching(/\/submitWorkflowResult$/),
      errorCallbackUrl: expect.stringMatching(/\/submitWorkflowError$/),
      executionSecret: expect.stringMatching(/^exs_/),
      source: { method: 'api_key_header' },
    });
    expect(dispatched.headers['idempotency-key']).toBe(executionId);
    expect(dispatched.headers['x-target-token']).toBe('tt');
    expect(dispatched.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // Targets verify Sluice with the dispatch secret, using the Standard Webhooks library.
    expect(() => new StandardWebhook(dispatchSecret).verify(dispatched.body, dispatched.headers as Record<string, string>)).not.toThrow();
  });

  it('runs with an org key in X-Process-Manager-Key', async () => {
    const { execution } = await triggerAndFinish({ 'X-Process-Manager-Key': sluice.orgKey });
    expect(execution.status).toBe('success');
    expect(execution.source).toMatchObject({ method: 'org_key' });
  });

  it('runs with ?api_key= on the CLI alias paths', async () => {
    const { executionId, execution } = await triggerAndFinish({}, `/triggerwebhookpublic/${pid}/hello?api_key=${apiKey}`);
    expect(execution.source).toMatchObject({ method: 'api_key_query' });
    const viaAlias = await api(sluice.url, 'GET', `/getExecutionStatusPublic/${pid}/${executionId}?api_key=${apiKey}`);
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.body.execution.status).toBe('success');
  });

  it('runs with a Standard Webhooks signature from the svix library, and dedupes its retry', async () => {
    const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const added = await api(sluice.url, 'POST', `/v1/instances/${pid}/workflows/hello/signing-secrets`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { secret, label: 'clerk' },
    });
    expect(added.status).toBe(201);
    expect(JSON.stringify(added.body)).not.toContain(secret);
    const body = JSON.stringify({ type: 'user.created', data: { id: 'u1' } });
    const msgId = `msg_${Date.now()}`;
    const now = new Date();
    const signature = new SvixWebhook(secret).sign(msgId, now, body);
    const headers = { 'svix-id': msgId, 'svix-timestamp': String(Math.floor(now.getTime() / 1000)), 'svix-signature': signature };
    const { executionId, execution } = await triggerAndFinish(headers, `/webhook/${pid}/hello`, body);
    expect(execution.source).toMatchObject({ method: 'signature', scheme: 'standard-webhooks', deliveryId: msgId, secretLabel: 'clerk' });

    const retry = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'content-type': 'application/json', ...headers }, raw: body });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ success: true, executionId, duplicate: true });

    const tampered = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, {
      headers: { 'content-type': 'application/json', ...headers, 'svix-id': `${msgId}-x` },
      raw: body,
    });
    expect(tampered.status).toBe(401);
    expect(tampered.body.code).toBe('SIGNATURE_MISMATCH');
    // A failing signature decides alone, even next to a valid key.
    const withKey = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, {
      headers: { 'content-type': 'application/json', ...headers, 'svix-signature': 'v1,AAAA', 'X-API-Key': apiKey },
      raw: body,
    });
    expect(withKey.status).toBe(401);
  });

  it('dedupes on Idempotency-Key for key-authenticated triggers', async () => {
    const headers = { 'X-API-Key': apiKey, 'Idempotency-Key': `idem-${Date.now()}`, 'content-type': 'application/json' };
    const first = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers, raw: '{"a":1}' });
    const second = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers, raw: '{"a":2}' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(200);
    expect(second.body.executionId).toBe(first.body.executionId);
    expect(second.body.duplicate).toBe(true);
  });

  it('validates payloads against the workflow inputSchema', async () => {
    const bad = await api(sluice.url, 'POST', `/webhook/${pid}/typed`, {
      headers: { 'X-API-Key': apiKey },
      body: { payload: { email: 'not-an-email' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, code: 'VALIDATION_ERROR', type: 'validation_error' });
    expect(bad.body.details).toEqual([expect.objectContaining({ path: '/email' })]);
    const good = await api(sluice.url, 'POST', `/webhook/${pid}/typed`, {
      headers: { 'X-API-Key': apiKey },
      body: { payload: { email: 'a@example.com' } },
    });
    expect(good.status).toBe(202);
  });

  it('answers bad requests with their 4xx and stable code', async () => {
    const post = (path: string, headers: Record<string, string>, raw = '{}') =>
      api(sluice.url, 'POST', path, { headers: { 'content-type': 'application/json', ...headers }, raw });
    const cases: Array<[Promise<{ status: number; body: Record<string, any> }>, number, string]> = [
      [post(`/webhook/${pid}/hello`, {}), 401, 'MISSING_CREDENTIALS'],
      [post(`/webhook/${pid}/hello`, { 'X-API-Key': 'ck_' + 'x'.repeat(43) }), 401, 'INVALID_API_KEY'],
      [post(`/webhook/${pid}/hello`, { 'X-Process-Manager-Key': 'cko_' + 'x'.repeat(43) }), 401, 'INVALID_ORG_KEY'],
      [post(`/webhook/${pid}/hello?api_key=${sluice.orgKey}`, {}), 400, 'ORG_KEY_IN_QUERY'],
      [post(`/webhook/pi_unknown/hello`, { 'X-API-Key': apiKey }), 404, 'INSTANCE_NOT_FOUND'],
      [post(`/webhook/${pid}/nope`, { 'X-API-Key': apiKey }), 404, 'WORKFLOW_NOT_FOUND'],
      [post(`/webhook/${pid}/hello`, { 'X-API-Key': apiKey }, '{"broken'), 400, 'INVALID_JSON'],
      [post(`/webhook/${pid}/hello`, { 'webhook-id': 'msg_1' }), 401, 'SIGNATURE_MISSING_HEADER'],
      [post('/nowhere', {}), 404, 'ROUTE_NOT_FOUND'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
      expect(res.body).toMatchObject({ success: false, error: expect.any(String), requestId: expect.any(String) });
    }
  });

  it('refuses bodies over the limit with 413', async () => {
    const res = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, {
      headers: { 'X-API-Key': apiKey, 'content-type': 'application/json' },
      raw: JSON.stringify({ big: 'x'.repeat(1_100_000) }),
    });
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('keeps instances apart: another instance key is 403, its executions 404', async () => {
    const other = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'other', workflows: [{ workflowId: 'hello', target: { url: `${target.url}/other` } }] },
    });
    const otherKey = other.body.apiKey as string;
    const forbidden = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': otherKey }, body: {} });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('INSTANCE_FORBIDDEN');
    const mine = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': apiKey }, body: {} });
    const peek = await api(sluice.url, 'GET', `/status/${other.body.processInstanceId}/${mine.body.executionId}`, {
      headers: { 'X-API-Key': otherKey },
    });
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('EXECUTION_NOT_FOUND');
  });

  it('answers 412 for a paused instance and runs again once resumed', async () => {
    const pause = await api(sluice.url, 'PATCH', `/v1/instances/${pid}`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { active: false },
    });
    expect(pause.body.instance.active).toBe(false);
    const paused = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': apiKey }, body: {} });
    expect(paused.status).toBe(412);
    expect(paused.body.code).toBe('INSTANCE_PAUSED');
    await api(sluice.url, 'PATCH', `/v1/instances/${pid}`, { headers: { 'X-Process-Manager-Key': sluice.orgKey }, body: { active: true } });
    const resumed = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': apiKey }, body: {} });
    expect(resumed.status).toBe(202);
  });

  it('kills a regenerated instance key at once', async () => {
    const regen = await api(sluice.url, 'POST', `/v1/instances/${pid}/api-key/regenerate`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
    });
    expect(regen.status).toBe(200);
    const old = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': apiKey }, body: {} });
    expect(old.status).toBe(401);
    apiKey = regen.body.apiKey as string;
    const fresh = await api(sluice.url, 'POST', `/webhook/${pid}/hello`, { headers: { 'X-API-Key': apiKey }, body: {} });
    expect(fresh.status).toBe(202);
  });

  it('dispatches to a replaced target from the next run on (the worker caches endpoints too)', async () => {
    const first = await triggerAndFinish({ 'X-API-Key': apiKey });
    expect(target.received.some((r) => r.url === '/hook' && (r.json.executionMetadata as any)?.executionId === first.executionId)).toBe(true);
    const put = await api(sluice.url, 'PUT', `/v1/instances/${pid}/workflows/hello`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { workflowId: 'hello', target: { url: `${target.url}/moved` } },
    });
    expect(put.status).toBe(200);
    const second = await triggerAndFinish({ 'X-API-Key': apiKey });
    const moved = target.received.find((r) => (r.json.executionMetadata as any)?.executionId === second.executionId);
    expect(moved?.url).toBe('/moved');
    await api(sluice.url, 'PUT', `/v1/instances/${pid}/workflows/hello`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { workflowId: 'hello', target: { url: `${target.url}/hook`, headers: { 'x-target-token': 'tt' } } },
    });
  });

  it('lists executions with filters', async () => {
    await waitFor(async () => {
      const list = await api(sluice.url, 'GET', `/v1/instances/${pid}/executions?status=success&workflowId=hello&limit=2`, {
        headers: { 'X-Process-Manager-Key': sluice.orgKey },
      });
      return list.body.executions?.length === 2 ? list : undefined;
    });
  });

  it('writes no key, secret or api_key value to the logs', async () => {
    const logs = sluice.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secretValue of [sluice.orgKey, apiKey, dispatchSecret, sluice.encryptionKey]) {
      expect(logs).not.toContain(secretValue);
    }
    expect(logs).not.toMatch(/ck_[A-Za-z0-9_-]{43}/);
    expect(logs).not.toMatch(/cko_[A-Za-z0-9_-]{43}/);
    expect(logs).not.toMatch(/whsec_[A-Za-z0-9+/=]{20,}/);
    expect(logs).not.toMatch(/exs_[A-Za-z0-9_-]{20,}/);
  });
});
