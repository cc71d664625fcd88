import { Webhook } from 'standardwebhooks';
import { type TestSluice, api, startTestSluice, waitFor } from '../support/harness';
import { TestTarget } from '../support/target';

// DESIGN §4: dedupe and enqueue are one atomic step, even under concurrent duplicates.
describe('dedupe under concurrency', () => {
  let sluice: TestSluice;
  let target: TestTarget;

  beforeAll(async () => {
    target = await new TestTarget().start();
    sluice = await startTestSluice('dedupe');
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  it('turns 30 simultaneous deliveries of one webhook-id into one run and one dispatch', async () => {
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'd', workflows: [{ workflowId: 'w', target: { url: `${target.url}/d` } }] },
    });
    const pid = created.body.processInstanceId as string;
    const secret = 'whsec_' + Buffer.from('dedupe-secret-0123456789abcdef!!').toString('base64');
    await api(sluice.url, 'POST', `/v1/instances/${pid}/workflows/w/signing-secrets`, {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { secret },
    });
    const body = JSON.stringify({ event: 'order.paid', id: 42 });
    const id = `msg_concurrent_${Date.now()}`;
    const now = new Date();
    const headers = {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(secret).sign(id, now, body),
    };

    const answers = await Promise.all(
      Array.from({ length: 30 }, () => api(sluice.url, 'POST', `/webhook/${pid}/w`, { headers, raw: body })),
    );
    const accepted = answers.filter((a) => a.status === 202);
    const duplicates = answers.filter((a) => a.status === 200);
    expect(accepted).toHaveLength(1);
    expect(duplicates).toHaveLength(29);
    const executionId = accepted[0]!.body.executionId as string;
    for (const d of duplicates) expect(d.body).toMatchObject({ executionId, duplicate: true });

    await waitFor(async () => (target.received.length >= 1 ? true : undefined));
    // Give any second (wrong) dispatch time to show up before counting.
    await new Promise((r) => setTimeout(r, 500));
    expect(target.received).toHaveLength(1);
    const bullJobs = await sluice.redis.keys(`${sluice.prefix}:bull:dispatch:exec_*`);
    expect(bullJobs.filter((k) => /:exec_[A-Za-z0-9]+$/.test(k))).toHaveLength(1);
  });
});
