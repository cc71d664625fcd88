import { runCli } from '../../apps/cli/src/program';
import { type TestSluice, startTestSluice } from '../support/harness';
import { TestTarget } from '../support/target';

// The CLI against the real service: create an instance, trigger --poll, replay, keys.
describe('sluice CLI against a running Sluice', () => {
  let sluice: TestSluice;
  let target: TestTarget;

  beforeAll(async () => {
    target = await new TestTarget().start();
    target.responder = (req) => ({ status: 200, body: { echoed: req.json.name } });
    sluice = await startTestSluice('cli');
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
  });

  async function sluiceCli(args: string[], env: Record<string, string> = {}) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      env: { SLUICE_URL: sluice.url, SLUICE_ORG_KEY: sluice.orgKey, ...env },
      stdout: { write: (t: string) => ((stdout += t), true) },
      stderr: { write: (t: string) => ((stderr += t), true) },
      fetch: (input, init) => fetch(input, init),
    });
    return { code, stdout, stderr };
  }

  it('creates an instance, triggers with --poll to success, and regenerates its key', async () => {
    const created = await sluiceCli(['--json', 'instance', 'create', '--name', 'cli-demo', '--workflow', `hello=${target.url}/hook`]);
    expect(created.code).toBe(0);
    const { processInstanceId, apiKey } = JSON.parse(created.stdout) as { processInstanceId: string; apiKey: string };

    const run = await sluiceCli(['--json', 'trigger', 'hello', '--instance', processInstanceId, '--payload', '{"name":"Ada"}', '--poll'], {
      SLUICE_API_KEY: apiKey,
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ execution: { status: 'success', resultData: { echoed: 'Ada' } } });

    const regen = await sluiceCli(['--json', 'key', 'regenerate', processInstanceId]);
    expect(regen.code).toBe(0);
    const stale = await sluiceCli(['trigger', 'hello', '--instance', processInstanceId, '--payload', '{}'], { SLUICE_API_KEY: apiKey });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('INVALID_API_KEY');
  });

  it('adds and lists a signing secret without ever printing it', async () => {
    const created = await sluiceCli(['--json', 'instance', 'create', '--name', 's', '--workflow', `w=${target.url}/w`]);
    const { processInstanceId } = JSON.parse(created.stdout) as { processInstanceId: string };
    const secret = 'whsec_' + Buffer.from('cli-secret-cli-secret-cli-secret').toString('base64');
    const added = await sluiceCli(['secret', 'add', processInstanceId, 'w', '--secret', secret, '--label', 'clerk']);
    expect(added.code).toBe(0);
    const listed = await sluiceCli(['secret', 'list', processInstanceId, 'w']);
    expect(listed.stdout).toContain('clerk');
    expect(added.stdout + listed.stdout + added.stderr).not.toContain(secret);
  });
});
