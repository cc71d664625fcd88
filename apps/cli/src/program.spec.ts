import { CommanderError } from 'commander';
import { createProgram } from './program';
import { API_KEY, ORG_KEY, apiError, runSluice } from './test-harness';

const instances = { success: true, instances: [] };

describe('sluice program: connection settings', () => {
  it('defaults to http://localhost:8080 and sends the org key from SLUICE_ORG_KEY', async () => {
    const r = await runSluice(['instance', 'list'], { env: { SLUICE_ORG_KEY: ORG_KEY }, replies: [{ body: instances }] });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]!.url.origin).toBe('http://localhost:8080');
    expect(r.requests[0]!.method).toBe('GET');
    expect(r.requests[0]!.path).toBe('/v1/instances');
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.requests[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('takes SLUICE_URL, and --url before or after the subcommand over it', async () => {
    const env = { SLUICE_ORG_KEY: ORG_KEY, SLUICE_URL: 'http://env-host:1234/' };
    const fromEnv = await runSluice(['instance', 'list'], { env, replies: [{ body: instances }] });
    expect(fromEnv.requests[0]!.url.href).toBe('http://env-host:1234/v1/instances');
    const before = await runSluice(['--url', 'https://a.example/base/', 'instance', 'list'], { env, replies: [{ body: instances }] });
    expect(before.requests[0]!.url.href).toBe('https://a.example/base/v1/instances');
    const after = await runSluice(['instance', 'list', '--url', 'http://b.example'], { env, replies: [{ body: instances }] });
    expect(after.requests[0]!.url.href).toBe('http://b.example/v1/instances');
  });

  it('prefers --org-key over SLUICE_ORG_KEY', async () => {
    const r = await runSluice(['instance', 'list', '--org-key', 'cko_flag'], {
      env: { SLUICE_ORG_KEY: ORG_KEY },
      replies: [{ body: instances }],
    });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe('cko_flag');
  });

  it('refuses an org-key call without an org key, sending nothing', async () => {
    const r = await runSluice(['instance', 'list'], { env: { SLUICE_API_KEY: API_KEY } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('MISSING_ORG_KEY: Pass --org-key or set SLUICE_ORG_KEY.\n');
    expect(r.requests).toHaveLength(0);
  });

  it('refuses a URL that is not http(s)', async () => {
    const r = await runSluice(['--url', 'ftp://x', 'instance', 'list'], { env: { SLUICE_ORG_KEY: ORG_KEY } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^INVALID_URL: /);
  });
});

describe('sluice program: --json', () => {
  const body = { success: true, instances: [{ processInstanceId: 'pi_1', name: 'a', active: true, apiKeyHint: 'ck_abcd…', createdAt: 't', updatedAt: 't', organizationId: 'org_1' }] };

  it.each([
    [['--json', 'instance', 'list']],
    [['instance', 'list', '--json']],
  ])('prints the raw response for %j', async (argv) => {
    const r = await runSluice(argv, { env: { SLUICE_ORG_KEY: ORG_KEY }, replies: [{ body }] });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(body);
  });

  it('prints a table without it', async () => {
    const r = await runSluice(['instance', 'list'], { env: { SLUICE_ORG_KEY: ORG_KEY }, replies: [{ body }] });
    expect(r.stdout).toMatch(/^INSTANCE\s+NAME\s+STATE\s+KEY\s+CREATED\n/);
    expect(r.stdout).toMatch(/pi_1\s+a\s+active\s+ck_abcd…\s+t/);
  });
});

describe('sluice program: errors', () => {
  const env = { SLUICE_ORG_KEY: ORG_KEY };

  it('renders an API error as code: message with the requestId, exit 1, nothing on stdout', async () => {
    const r = await runSluice(['instance', 'get', 'pi_nope'], { env, replies: [apiError(404, 'INSTANCE_NOT_FOUND', 'Unknown instance.', 'req_42')] });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('INSTANCE_NOT_FOUND: Unknown instance. (requestId req_42)\n');
  });

  it('renders a {success:false} body even on a 2xx', async () => {
    const r = await runSluice(['instance', 'list'], { env, replies: [{ status: 200, body: { success: false, code: 'WEIRD', error: 'Odd.' } }] });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('WEIRD: Odd.\n');
  });

  it('renders a non-JSON error page by its HTTP status', async () => {
    const r = await runSluice(['instance', 'list'], { env, replies: [{ status: 502, text: '<html>Bad Gateway</html>' }] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^HTTP_502: GET \/v1\/instances answered 502/);
  });

  it('renders a success without a JSON body as INVALID_RESPONSE', async () => {
    const r = await runSluice(['instance', 'list'], { env, replies: [{ status: 200, text: 'ok' }] });
    expect(r.stderr).toMatch(/^INVALID_RESPONSE: /);
  });

  it('renders a network failure as CONNECTION_FAILED without the key', async () => {
    const r = await runSluice(['instance', 'list'], {
      env,
      replies: () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('CONNECTION_FAILED: Cannot reach http://localhost:8080 (ECONNREFUSED).\n');
    expect(r.stderr).not.toContain(ORG_KEY);
  });

  it('exits 1 on a usage error and 0 on --help', async () => {
    const usage = await runSluice(['instance', 'get'], { env });
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain("missing required argument 'processInstanceId'");
    const help = await runSluice(['--help'], { env });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: sluice');
    expect(help.stdout).toContain('trigger');
  });

  it('encodes path segments', async () => {
    const r = await runSluice(['instance', 'get', 'a/b?c'], { env, replies: [{ body: { success: true, instance: {}, workflows: [] } }] });
    expect(r.requests[0]!.path).toBe('/v1/instances/a%2Fb%3Fc');
  });
});

describe('createProgram', () => {
  it('runs in-process and reports failures as a CommanderError carrying exit code 1', async () => {
    let stderr = '';
    const program = createProgram({
      env: { SLUICE_ORG_KEY: ORG_KEY },
      stdout: { write: () => true },
      stderr: { write: (t: string) => (stderr += t) },
      fetch: async () => new Response(JSON.stringify({ success: false, code: 'INVALID_ORG_KEY', error: 'Bad key.' }), { status: 401 }),
    });
    const run = program.parseAsync(['instance', 'list'], { from: 'user' });
    await expect(run).rejects.toBeInstanceOf(CommanderError);
    await expect(run).rejects.toMatchObject({ exitCode: 1 });
    expect(stderr).toBe('INVALID_ORG_KEY: Bad key.\n');
  });
});
