import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { API_KEY, ORG_KEY, type Reply, apiError, runSluice } from './test-harness';

const env = { SLUICE_API_KEY: API_KEY };
const started: Reply = { status: 202, body: { success: true, executionId: 'exec_1', message: 'Execution started' } };
const status = (s: 'pending' | 'success' | 'failed', extra: Record<string, unknown> = {}): Reply => ({
  body: { success: true, execution: { executionId: 'exec_1', workflowId: 'w', status: s, createdAt: '2030-01-01T00:00:00.000Z', ...extra } },
});

function payloadFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'payload.json');
  writeFileSync(file, content);
  return file;
}

describe('sluice trigger', () => {
  it('posts {payload: <file>} to /webhook/pid/wid with the instance key and the idempotency key', async () => {
    const file = payloadFile('{"email":"a@example.com","n":[1,2]}');
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload-file', file, '--idempotency-key', 'order-42'], {
      env,
      replies: [started],
    });
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req!.method).toBe('POST');
    expect(req!.path).toBe('/webhook/pi_1/w');
    expect(req!.headers['x-api-key']).toBe(API_KEY);
    expect(req!.headers['x-process-manager-key']).toBeUndefined();
    expect(req!.headers['idempotency-key']).toBe('order-42');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.body).toEqual({ payload: { email: 'a@example.com', n: [1, 2] } });
    expect(r.stdout).toContain('Execution started: exec_1');
    expect(r.stdout).toContain('curl -s http://localhost:8080/status/pi_1/exec_1 -H "X-API-Key: $SLUICE_API_KEY"');
    expect(r.stdout).not.toContain(API_KEY);
  });

  it('takes an inline --payload and --api-key, and prints the raw response with --json', async () => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload', '"just text"', '--api-key', 'ck_flag', '--json'], {
      replies: [started],
    });
    expect(r.requests[0]!.headers['x-api-key']).toBe('ck_flag');
    expect(r.requests[0]!.headers['idempotency-key']).toBeUndefined();
    expect(r.requests[0]!.body).toEqual({ payload: 'just text' });
    expect(JSON.parse(r.stdout)).toEqual(started.body);
  });

  it('falls back to the org key when no instance key is set', async () => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload', '{}'], { env: { SLUICE_ORG_KEY: ORG_KEY }, replies: [started] });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.requests[0]!.headers['x-api-key']).toBeUndefined();
  });

  it('reports a duplicate delivery with the original execution', async () => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload', '{}', '--idempotency-key', 'k'], {
      env,
      replies: [{ status: 200, body: { success: true, executionId: 'exec_0', duplicate: true, message: 'Execution started' } }],
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Duplicate delivery: the original execution is exec_0');
  });

  it.each([
    [['--payload', '{nope'], 'INVALID_JSON: --payload is not valid JSON.'],
    [['--payload-file', payloadFile('{"secret-ish": ')], 'is not valid JSON.'],
    [[], 'INVALID_ARGUMENT: Pass exactly one of --payload-file or --payload.'],
    [['--payload', '{}', '--payload-file', '/tmp/x'], 'INVALID_ARGUMENT: Pass exactly one of --payload-file or --payload.'],
  ])('rejects %j before sending anything', async (extra, message) => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', ...extra], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain('secret-ish');
    expect(r.requests).toHaveLength(0);
  });

  it('needs a key', async () => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload', '{}']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^MISSING_API_KEY: /);
  });

  it('surfaces a paused instance', async () => {
    const r = await runSluice(['trigger', 'w', '--instance', 'pi_1', '--payload', '{}'], {
      env,
      replies: [apiError(412, 'INSTANCE_PAUSED', 'This instance is paused.')],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('INSTANCE_PAUSED: This instance is paused. (requestId req_test)\n');
    expect(r.stderr).not.toContain(API_KEY);
  });
});

describe('sluice trigger --poll', () => {
  const argv = ['trigger', 'w', '--instance', 'pi_1', '--payload', '{"a":1}', '--poll'];

  it('polls pending, pending, success with a growing interval and exits 0', async () => {
    const r = await runSluice(argv, {
      env,
      replies: [started, status('pending'), status('pending'), status('success', { duration: 1234, resultData: { ok: true, id: 7 } })],
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.sleeps).toEqual([250, 500, 1000]);
    expect(r.requests.map((q) => [q.method, q.path])).toEqual([
      ['POST', '/webhook/pi_1/w'],
      ['GET', '/status/pi_1/exec_1'],
      ['GET', '/status/pi_1/exec_1'],
      ['GET', '/status/pi_1/exec_1'],
    ]);
    for (const q of r.requests.slice(1)) expect(q.headers['x-api-key']).toBe(API_KEY);
    expect(r.stdout).toMatch(/status:\s+success/);
    expect(r.stdout).toMatch(/duration:\s+1234 ms/);
    expect(r.stdout).toContain('"id": 7');
  });

  it('prints only the final status response with --json', async () => {
    const final = status('success', { resultData: { ok: true } });
    const r = await runSluice([...argv, '--json'], { env, replies: [started, status('pending'), final] });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(final.body);
  });

  it('exits 1 with the error details when the run failed', async () => {
    const r = await runSluice(argv, {
      env,
      replies: [started, status('pending'), status('failed', { errorDetails: { type: 'node_failure', message: 'Send email failed', failedNodeName: 'Gmail' } })],
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/status:\s+failed/);
    expect(r.stdout).toMatch(/failedNodeName:\s+Gmail/);
    expect(r.stderr).toBe('EXECUTION_FAILED: Execution exec_1 failed (node_failure): Send email failed\n');
  });

  it('caps the interval at 2 s and exits 1 when --timeout-sec passes', async () => {
    const r = await runSluice([...argv, '--timeout-sec', '6'], {
      env,
      replies: (req) => (req.method === 'POST' ? started : status('pending')),
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('POLL_TIMEOUT: Execution exec_1 is still pending after 6 s.\n');
    expect(r.sleeps).toEqual([250, 500, 1000, 2000, 2000, 250]);
    expect(r.sleeps.reduce((a, b) => a + b, 0)).toBe(6000);
    expect(r.stdout).toMatch(/status:\s+pending/);
  });

  it('waits out a 503 while polling', async () => {
    const r = await runSluice(argv, {
      env,
      replies: [started, apiError(503, 'REDIS_UNAVAILABLE', 'Try again.'), status('success', { resultData: {} })],
    });
    expect(r.code).toBe(0);
    expect(r.sleeps).toEqual([250, 500]);
  });

  it('stops at once on a non-transient status error', async () => {
    const r = await runSluice(argv, { env, replies: [started, apiError(404, 'EXECUTION_NOT_FOUND', 'Unknown execution.')] });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^EXECUTION_NOT_FOUND: Unknown execution\./);
  });
});
