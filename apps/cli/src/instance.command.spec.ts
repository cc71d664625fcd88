import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORG_KEY, runSluice } from './test-harness';

const env = { SLUICE_ORG_KEY: ORG_KEY };
const created = {
  success: true,
  processInstanceId: 'pi_abc',
  apiKey: 'ck_new-instance-key',
  dispatchSecret: 'whsec_dispatch',
  instance: { processInstanceId: 'pi_abc', organizationId: 'org_1', name: 'demo', active: true, apiKeyHint: 'ck_new-…', createdAt: 't', updatedAt: 't' },
  workflows: [
    { workflowId: 'hello', target: { url: 'https://a.example/hook' }, resultMode: 'callback' },
    { workflowId: 'bye', target: { url: 'https://b.example/x=y' }, resultMode: 'callback' },
  ],
};

describe('sluice instance create', () => {
  it('posts the name and workflows and prints the once-only credentials and a trigger example', async () => {
    const r = await runSluice(
      ['instance', 'create', '--name', 'demo', '--workflow', 'hello=https://a.example/hook', '--workflow', 'bye=https://b.example/x=y', '--callback'],
      { env, replies: [{ status: 201, body: created }] },
    );
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/v1/instances');
    expect(req!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({
      name: 'demo',
      workflows: [
        { workflowId: 'hello', target: { url: 'https://a.example/hook' }, resultMode: 'callback' },
        { workflowId: 'bye', target: { url: 'https://b.example/x=y' }, resultMode: 'callback' },
      ],
    });
    expect(r.stdout).toContain('pi_abc');
    expect(r.stdout).toMatch(/apiKey:\s+ck_new-instance-key/);
    expect(r.stdout).toMatch(/dispatchSecret:\s+whsec_dispatch/);
    expect(r.stdout).toContain('shown only once');
    expect(r.stdout).toContain('curl -s -X POST http://localhost:8080/webhook/pi_abc/hello');
    expect(r.stdout).toContain("-H 'X-API-Key: ck_new-instance-key'");
  });

  it('defaults resultMode to response', async () => {
    const r = await runSluice(['instance', 'create', '--name', 'n', '--workflow', 'w=http://t'], { env, replies: [{ status: 201, body: created }] });
    expect(r.requests[0]!.body).toEqual({ name: 'n', workflows: [{ workflowId: 'w', target: { url: 'http://t' }, resultMode: 'response' }] });
  });

  it('sends a --file body as is (with --name overriding its name)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
    const file = join(dir, 'instance.json');
    const body = { name: 'from-file', workflows: [{ workflowId: 'w', target: { url: 'http://t', timeoutMs: 500 }, inputSchema: { type: 'object' } }] };
    writeFileSync(file, JSON.stringify(body));
    const r = await runSluice(['instance', 'create', '--file', file], { env, replies: [{ status: 201, body: created }] });
    expect(r.code).toBe(0);
    expect(r.requests[0]!.body).toEqual(body);
    const renamed = await runSluice(['instance', 'create', '--file', file, '--name', 'other'], { env, replies: [{ status: 201, body: created }] });
    expect(renamed.requests[0]!.body).toEqual({ ...body, name: 'other' });
  });

  it('prints the raw response with --json', async () => {
    const r = await runSluice(['instance', 'create', '--name', 'n', '--workflow', 'w=http://t', '--json'], { env, replies: [{ status: 201, body: created }] });
    expect(JSON.parse(r.stdout)).toEqual(created);
  });

  it.each([
    [['instance', 'create', '--workflow', 'w=http://t'], /^INVALID_ARGUMENT: Pass --name/],
    [['instance', 'create', '--name', 'n'], /^INVALID_ARGUMENT: Pass at least one --workflow/],
    [['instance', 'create', '--name', 'n', '--workflow', 'http://t'], /^INVALID_ARGUMENT: --workflow must look like key=value/],
    [['instance', 'create', '--file', 'x.json', '--workflow', 'w=http://t'], /^INVALID_ARGUMENT: Use either --file/],
    [['instance', 'create', '--file', '/nonexistent/instance.json'], /^FILE_UNREADABLE: Cannot read \/nonexistent\/instance.json \(ENOENT\)/],
  ])('rejects %j before sending anything', async (argv, message) => {
    const r = await runSluice(argv, { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.requests).toHaveLength(0);
  });
});

describe('sluice instance list|get|pause|resume|delete', () => {
  const instance = created.instance;

  it('gets one instance and its workflows', async () => {
    const r = await runSluice(['instance', 'get', 'pi_abc'], { env, replies: [{ body: { success: true, instance, workflows: created.workflows } }] });
    expect(r.requests.map((q) => [q.method, q.path])).toEqual([['GET', '/v1/instances/pi_abc']]);
    expect(r.stdout).toMatch(/processInstanceId:\s+pi_abc/);
    expect(r.stdout).toMatch(/hello\s+callback\s+https:\/\/a.example\/hook/);
  });

  it('pauses with PATCH active:false and resumes with active:true', async () => {
    const paused = await runSluice(['instance', 'pause', 'pi_abc'], { env, replies: [{ body: { success: true, instance: { ...instance, active: false } } }] });
    expect(paused.requests[0]).toMatchObject({ method: 'PATCH', path: '/v1/instances/pi_abc', body: { active: false } });
    expect(paused.requests[0]!.headers['content-type']).toBe('application/json');
    expect(paused.stdout).toContain('Paused pi_abc');
    const resumed = await runSluice(['instance', 'resume', 'pi_abc'], { env, replies: [{ body: { success: true, instance } }] });
    expect(resumed.requests[0]).toMatchObject({ method: 'PATCH', path: '/v1/instances/pi_abc', body: { active: true } });
    expect(resumed.stdout).toContain('Resumed pi_abc');
  });

  it('deletes', async () => {
    const r = await runSluice(['instance', 'delete', 'pi_abc'], { env, replies: [{ body: { success: true } }] });
    expect(r.requests[0]).toMatchObject({ method: 'DELETE', path: '/v1/instances/pi_abc', body: undefined });
    expect(r.stdout).toBe('Deleted instance pi_abc.\n');
  });

  it('says how to start when there are no instances', async () => {
    const r = await runSluice(['instance', 'list'], { env, replies: [{ body: { success: true, instances: [] } }] });
    expect(r.stdout).toContain('No instances yet');
  });
});
