import { type TestSluice, api, startTestSluice } from '../support/harness';

// Issue 6: bull-board at /admin/queues, only for an org key with instances:read or the configured pair.
describe('queue dashboard', () => {
  let sluice: TestSluice;
  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  beforeAll(async () => {
    sluice = await startTestSluice('dashboard', { SLUICE_DASHBOARD_USER: 'ops', SLUICE_DASHBOARD_PASSWORD: 'a-long-dashboard-password' });
  });
  afterAll(() => sluice.stop());

  it('refuses anonymous requests with a basic-auth challenge', async () => {
    const res = await api(sluice.url, 'GET', '/admin/queues');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm="Sluice queues"/);
    expect(res.body.code).toBe('MISSING_CREDENTIALS');
    const api401 = await api(sluice.url, 'GET', '/admin/queues/api/queues');
    expect(api401.status).toBe(401);
  });

  it('refuses a wrong password and an org key without instances:read', async () => {
    expect((await api(sluice.url, 'GET', '/admin/queues', { headers: { authorization: basic('ops', 'wrong-password-wrong') } })).status).toBe(401);
    const narrow = await api(sluice.url, 'POST', '/v1/org-keys', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 'trigger-only', scopes: ['workflows:trigger'] },
    });
    const res = await api(sluice.url, 'GET', '/admin/queues', { headers: { 'X-Process-Manager-Key': narrow.body.apiKey as string } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('MISSING_SCOPE');
  });

  it('serves the dashboard and its API to an org key (header or basic password) and to the configured pair', async () => {
    for (const headers of <Array<Record<string, string>>>[
      { 'X-Process-Manager-Key': sluice.orgKey },
      { authorization: basic('anyone', sluice.orgKey) },
      { authorization: basic('ops', 'a-long-dashboard-password') },
    ]) {
      const page = await fetch(`${sluice.url}/admin/queues`, { headers });
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<html/i);
      const queues = await api(sluice.url, 'GET', '/admin/queues/api/queues', { headers });
      expect(queues.status).toBe(200);
      expect(JSON.stringify(queues.body)).toContain('dispatch');
    }
  });
});
