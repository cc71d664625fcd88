import { ORG_KEY, apiError, runSluice } from './test-harness';

const env = { SLUICE_ORG_KEY: ORG_KEY };
const record = { keyId: 'key_1', organizationId: 'org_1', name: 'ci', scopes: ['workflows:trigger', 'executions:read'], hint: 'cko_abcd…', createdAt: '2030-01-01T00:00:00.000Z' };

describe('sluice key regenerate', () => {
  it('posts to the regenerate endpoint and prints the new key once', async () => {
    const r = await runSluice(['key', 'regenerate', 'pi_1'], { env, replies: [{ body: { success: true, apiKey: 'ck_brand-new' } }] });
    expect(r.code).toBe(0);
    expect(r.requests[0]).toMatchObject({ method: 'POST', path: '/v1/instances/pi_1/api-key/regenerate', body: undefined });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.stdout).toContain('  ck_brand-new\n');
    expect(r.stdout).toContain('no longer authenticates');
  });
});

describe('sluice org-key', () => {
  it('creates a key from repeated and comma-separated scopes', async () => {
    const r = await runSluice(
      ['org-key', 'create', '--name', 'ci', '--scope', 'workflows:trigger', '--scope', 'executions:read,instances:read', '--expires-at', '2031-01-01T00:00:00Z'],
      { env, replies: [{ status: 201, body: { success: true, keyId: 'key_1', apiKey: 'cko_created', key: record } }] },
    );
    expect(r.code).toBe(0);
    expect(r.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/org-keys',
      body: { name: 'ci', scopes: ['workflows:trigger', 'executions:read', 'instances:read'], expiresAt: '2031-01-01T00:00:00.000Z' },
    });
    expect(r.stdout).toContain('  cko_created\n');
    expect(r.stdout).toContain('shown only once');
  });

  it('rejects an unknown scope before sending anything', async () => {
    const r = await runSluice(['org-key', 'create', '--name', 'ci', '--scope', 'admin'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("option '--scope <scope>' argument 'admin' is invalid. Scopes are workflows:trigger");
    expect(r.requests).toHaveLength(0);
  });

  it('surfaces the 20-key limit', async () => {
    const r = await runSluice(['org-key', 'create', '--name', 'ci', '--scope', 'instances:read'], {
      env,
      replies: [apiError(429, 'MAX_API_KEYS_REACHED', 'An organization holds at most 20 active org keys')],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^MAX_API_KEYS_REACHED: An organization holds at most 20 active org keys/);
  });

  it('lists keys with their state', async () => {
    const keys = [record, { ...record, keyId: 'key_2', name: 'old', revokedAt: 'r' }, { ...record, keyId: 'key_3', name: 'past', expiresAt: '2000-01-01T00:00:00Z' }];
    const r = await runSluice(['org-key', 'list'], { env, replies: [{ body: { success: true, keys } }] });
    expect(r.requests[0]).toMatchObject({ method: 'GET', path: '/v1/org-keys' });
    expect(r.stdout).toMatch(/key_1\s+ci\s+cko_abcd…\s+active\s+workflows:trigger,executions:read/);
    expect(r.stdout).toMatch(/key_2\s+old\s+cko_abcd…\s+revoked/);
    expect(r.stdout).toMatch(/key_3\s+past\s+cko_abcd…\s+expired/);
  });

  it('updates a key with PATCH, --clear-expiry sending expiresAt null', async () => {
    const r = await runSluice(['org-key', 'update', 'key_1', '--name', 'ci2', '--scope', 'instances:read', '--clear-expiry'], {
      env,
      replies: [{ body: { success: true, key: { ...record, name: 'ci2' } } }],
    });
    expect(r.requests[0]).toMatchObject({ method: 'PATCH', path: '/v1/org-keys/key_1', body: { name: 'ci2', scopes: ['instances:read'], expiresAt: null } });
    const nothing = await runSluice(['org-key', 'update', 'key_1'], { env });
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toMatch(/^INVALID_ARGUMENT: Nothing to change/);
  });

  it('revokes a key with DELETE', async () => {
    const r = await runSluice(['org-key', 'revoke', 'key_1'], { env, replies: [{ body: { success: true, key: { ...record, revokedAt: 'now' } } }] });
    expect(r.requests[0]).toMatchObject({ method: 'DELETE', path: '/v1/org-keys/key_1' });
    expect(r.stdout).toBe('Revoked org key key_1 (ci).\n');
  });
});
