import { ORG_KEY, runSluice } from './test-harness';

const env = { SLUICE_ORG_KEY: ORG_KEY };
const failed = {
  executionId: 'exec_2',
  workflowId: 'w',
  status: 'failed',
  createdAt: '2030-01-01T00:00:01.000Z',
  duration: 812,
  attempts: 8,
  errorDetails: { type: 'external_api_error', message: 'target answered 503', code: 'HTTP_503' },
};

describe('sluice executions', () => {
  it('lists with the filters as query parameters and shows the next page cursor', async () => {
    const executions = [{ executionId: 'exec_1', workflowId: 'w', status: 'success', createdAt: 'c', duration: 40, attempts: 1 }, failed];
    const r = await runSluice(['executions', 'list', 'pi_1', '--status', 'failed', '--workflow', 'w', '--limit', '5'], {
      env,
      replies: [{ body: { success: true, executions, nextBefore: 1893456000000 } }],
    });
    expect(r.code).toBe(0);
    expect(r.requests[0]).toMatchObject({ method: 'GET', path: '/v1/instances/pi_1/executions?status=failed&workflowId=w&limit=5' });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.stdout).toMatch(/exec_1\s+w\s+success\s+c\s+40\s+1/);
    expect(r.stdout).toContain('next page: --before 1893456000000');
  });

  it('sends no query without filters and passes --before through', async () => {
    const plain = await runSluice(['executions', 'list', 'pi_1'], { env, replies: [{ body: { success: true, executions: [] } }] });
    expect(plain.requests[0]!.path).toBe('/v1/instances/pi_1/executions');
    expect(plain.stdout).toBe('No executions.\n');
    const paged = await runSluice(['execution', 'list', 'pi_1', '--before', '123'], { env, replies: [{ body: { success: true, executions: [] } }] });
    expect(paged.requests[0]!.path).toBe('/v1/instances/pi_1/executions?before=123');
  });

  it('rejects an unknown status', async () => {
    const r = await runSluice(['executions', 'list', 'pi_1', '--status', 'done'], { env });
    expect(r.code).toBe(1);
    expect(r.requests).toHaveLength(0);
  });

  it('gets one execution with its error details', async () => {
    const r = await runSluice(['executions', 'get', 'pi_1', 'exec_2'], { env, replies: [{ body: { success: true, execution: failed } }] });
    expect(r.requests[0]).toMatchObject({ method: 'GET', path: '/v1/instances/pi_1/executions/exec_2' });
    expect(r.stdout).toMatch(/status:\s+failed/);
    expect(r.stdout).toMatch(/duration:\s+812 ms/);
    expect(r.stdout).toMatch(/type:\s+external_api_error/);
    expect(r.stdout).toMatch(/message:\s+target answered 503/);
  });

  it('replays an execution', async () => {
    const r = await runSluice(['executions', 'replay', 'pi_1', 'exec_2'], {
      env,
      replies: [{ status: 202, body: { success: true, executionId: 'exec_3', replayOf: 'exec_2', message: 'Execution started' } }],
    });
    expect(r.requests[0]).toMatchObject({ method: 'POST', path: '/v1/instances/pi_1/executions/exec_2/replay' });
    expect(r.stdout).toBe('Replay of exec_2 started: exec_3\n');
  });

  it('replays every failed run of a workflow in one call', async () => {
    const r = await runSluice(['executions', 'replay-failed', 'pi_1', 'orders'], {
      env,
      replies: [{ status: 202, body: { success: true, count: 2, replayed: [{ originalExecutionId: 'exec_a', executionId: 'exec_b' }, { originalExecutionId: 'exec_c', executionId: 'exec_d' }] } }],
    });
    expect(r.requests[0]).toMatchObject({ method: 'POST', path: '/v1/instances/pi_1/workflows/orders/executions/replay-failed' });
    expect(r.stdout).toContain('exec_a');
    expect(r.stdout).toContain('exec_d');
    expect(r.code).toBe(0);
  });
});
