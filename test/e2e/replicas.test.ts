import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { api, waitFor } from '../support/harness';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

const root = resolve(__dirname, '../..');

function startProcess(env: Record<string, string>): { child: ChildProcess; url: Promise<string>; output: string[] } {
  const output: string[] = [];
  const child = spawn(process.execPath, ['dist/server.js'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const url = new Promise<string>((resolveUrl, reject) => {
    const onData = (chunk: Buffer) => {
      output.push(String(chunk));
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output.join(''));
      if (match?.[1]) resolveUrl(match[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => output.push(String(c)));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output.join('')}`)));
  });
  return { child, url, output };
}

// DESIGN §3: regenerating an instance key invalidates the old one at once on every replica.
describe('two ingress processes on one Redis', () => {
  const prefix = uniquePrefix('replicas');
  const orgKey = generateKey('org');
  const env = {
    REDIS_URL: testRedisUrl(),
    SLUICE_REDIS_PREFIX: prefix,
    SLUICE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SLUICE_BOOTSTRAP_ORG_KEY: orgKey,
    SLUICE_ROLE: 'ingress',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  };
  const processes: ChildProcess[] = [];

  beforeAll(() => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root });
  });

  afterAll(async () => {
    for (const child of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once('exit', r)))));
    const redis = new Redis(testRedisUrl());
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('refuses the old key on the other replica right after regeneration', async () => {
    const a = startProcess(env);
    const b = startProcess(env);
    processes.push(a.child, b.child);
    const [urlA, urlB] = await Promise.all([a.url, b.url]);

    const created = await api(urlA, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': orgKey },
      body: { name: 'r', workflows: [{ workflowId: 'w', target: { url: 'http://127.0.0.1:9/x' } }] },
    });
    const pid = created.body.processInstanceId as string;
    const oldKey = created.body.apiKey as string;
    expect((await api(urlB, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': oldKey }, body: {} })).status).toBe(202);

    const regen = await api(urlA, 'POST', `/v1/instances/${pid}/api-key/regenerate`, { headers: { 'X-Process-Manager-Key': orgKey } });
    const refused = await api(urlB, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': oldKey }, body: {} });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_API_KEY');
    const accepted = await api(urlB, 'POST', `/webhook/${pid}/w`, { headers: { 'X-API-Key': regen.body.apiKey as string }, body: {} });
    expect(accepted.status).toBe(202);
  });

  it('drains on SIGTERM: exits 0 within the bound', async () => {
    const c = startProcess(env);
    processes.push(c.child);
    await c.url;
    const exited = new Promise<number | null>((r) => c.child.once('exit', (code) => r(code)));
    c.child.kill('SIGTERM');
    expect(await waitFor(async () => exited, 30_000)).toBe(0);
  });
});
