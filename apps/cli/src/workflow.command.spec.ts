import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORG_KEY, apiError, runSluice } from './test-harness';

const env = { SLUICE_ORG_KEY: ORG_KEY };
const ok = (workflow: unknown) => ({ body: { success: true, workflow } });

describe('sluice workflow put', () => {
  it('sends the whole workflow body with every option', async () => {
    const schemaFile = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'schema.json');
    const schema = { type: 'object', required: ['email'] };
    writeFileSync(schemaFile, JSON.stringify(schema));
    const argv = [
      'workflow', 'put', 'pi_1', 'signup',
      '--url', 'https://n8n.example/webhook/x',
      '--callback', '--timeout-ms', '5000', '--max-concurrency', '3',
      '--header', 'Authorization=Bearer t=1', '--header', 'X-Env=prod',
      '--schema', schemaFile,
    ];
    const expected = {
      workflowId: 'signup',
      target: {
        url: 'https://n8n.example/webhook/x',
        headers: { Authorization: 'Bearer t=1', 'X-Env': 'prod' },
        timeoutMs: 5000,
        maxConcurrency: 3,
      },
      resultMode: 'callback',
      inputSchema: schema,
    };
    const r = await runSluice(argv, { env, replies: [ok(expected)] });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]).toMatchObject({ method: 'PUT', path: '/v1/instances/pi_1/workflows/signup', body: expected });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.stdout).toContain('Saved workflow signup of pi_1.');
    // Header values can be credentials for the target: only their names are printed.
    expect(r.stdout).toContain('Authorization,X-Env');
    expect(r.stdout).not.toContain('Bearer t=1');
  });

  it('defaults to resultMode response and sends only what was given', async () => {
    const r = await runSluice(['workflow', 'put', 'pi_1', 'w', '--url', 'http://t'], { env, replies: [ok({})] });
    expect(r.requests[0]!.body).toEqual({ workflowId: 'w', target: { url: 'http://t' }, resultMode: 'response' });
  });

  it('takes --url as the target; the Sluice URL comes before the subcommand or from SLUICE_URL', async () => {
    const before = await runSluice(['--url', 'http://sluice:9000', 'workflow', 'put', 'p', 'w', '--url', 'http://target'], { env, replies: [ok({})] });
    expect(before.requests[0]!.url.origin).toBe('http://sluice:9000');
    expect(before.requests[0]!.body).toMatchObject({ target: { url: 'http://target' } });
    const fromEnv = await runSluice(['workflow', 'put', 'p', 'w', '--url', 'http://target'], {
      env: { ...env, SLUICE_URL: 'http://sluice:7000' },
      replies: [ok({})],
    });
    expect(fromEnv.requests[0]!.url.origin).toBe('http://sluice:7000');
  });

  it.each([
    [['--url', 'http://t', '--timeout-ms', 'soon'], "option '--timeout-ms <n>' argument 'soon' is invalid"],
    [['--url', 'http://t', '--max-concurrency', '0'], "option '--max-concurrency <n>' argument '0' is invalid"],
    [['--url', 'http://t', '--header', 'novalue'], 'INVALID_ARGUMENT: --header must look like key=value'],
    [['--url', 'http://t', '--schema', '/nonexistent.json'], 'FILE_UNREADABLE'],
    [[], "required option '--url <url>' not specified"],
  ])('rejects %j before sending anything', async (extra, message) => {
    const r = await runSluice(['workflow', 'put', 'p', 'w', ...extra], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.requests).toHaveLength(0);
  });

  it('surfaces validation errors from the server', async () => {
    const r = await runSluice(['workflow', 'put', 'p', 'w', '--url', 'http://t'], {
      env,
      replies: [apiError(400, 'INVALID_REQUEST', 'target.url must be an absolute http(s) URL')],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('INVALID_REQUEST: target.url must be an absolute http(s) URL (requestId req_test)\n');
  });
});

describe('sluice workflow remove', () => {
  it('deletes the workflow', async () => {
    const r = await runSluice(['workflow', 'remove', 'pi_1', 'w'], { env, replies: [{ body: { success: true } }] });
    expect(r.requests[0]).toMatchObject({ method: 'DELETE', path: '/v1/instances/pi_1/workflows/w' });
    expect(r.stdout).toBe('Removed workflow w from pi_1.\n');
  });
});
