import { type TestSluice, api, pollUntilDone, startTestSluice } from '../support/harness';
import { TestTarget } from '../support/target';

function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

// Issue 6: counters move by the right amounts after real traffic; labels carry no secret or id.
describe('/metrics', () => {
  let sluice: TestSluice;
  let target: TestTarget;

  beforeAll(async () => {
    target = await new TestTarget().start();
    sluice = await startTestSluice('metrics');
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  it('counts ingests, requests, dispatches and runs without ids or keys in labels', async () => {
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'm', workflows: [{ workflowId: 'w', target: { url: `${target.url}/m` } }] },
    });
    const pid = created.body.processInstanceId as string;
    const apiKey = created.body.apiKey as string;
    const before = await (await fetch(`${sluice.url}/metrics`)).text();

    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await api(sluice.url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': apiKey, 'Idempotency-Key': `k${i}` }, body: {} });
      ids.push(r.body.executionId as string);
    }
    await api(sluice.url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': apiKey, 'Idempotency-Key': 'k0' }, body: {} });
    for (let i = 0; i < 2; i++) {
      await api(sluice.url, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': 'ck_' + 'z'.repeat(43) }, body: {} });
    }
    for (const id of ids) await pollUntilDone(sluice.url, pid, id, apiKey);

    const res = await fetch(`${sluice.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const after = await res.text();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    expect(delta('sluice_ingests_total', { auth_method: 'api_key_header', outcome: 'accepted' })).toBe(3);
    expect(delta('sluice_ingests_total', { auth_method: 'api_key_header', outcome: 'duplicate' })).toBe(1);
    expect(delta('sluice_ingests_total', { auth_method: 'api_key_header', outcome: 'INVALID_API_KEY' })).toBe(2);
    expect(delta('sluice_http_requests_total', { method: 'POST', route: '/webhook/:pid/:wid', status: '202' })).toBe(3);
    expect(delta('sluice_dispatch_attempts_total', { outcome: 'success' })).toBe(3);
    expect(delta('sluice_run_duration_seconds_count', { status: 'success' })).toBe(3);
    expect(after).toMatch(/^sluice_queue_waiting \d+/m);
    expect(after).toMatch(/^sluice_breaker_state\{origin="http:\/\/127\.0\.0\.1:\d+"\} 0/m);

    for (const forbidden of [pid, apiKey, sluice.orgKey, ...ids, 'ck_z']) expect(after).not.toContain(forbidden);
    expect(after).not.toMatch(/\b(pi|exec|org|key|sec)_[A-Za-z0-9]{16,}/);
  });
});
