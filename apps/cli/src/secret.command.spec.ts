import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORG_KEY, apiError, runSluice } from './test-harness';

const env = { SLUICE_ORG_KEY: ORG_KEY };
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const added = { success: true, secretId: 'sec_1', label: 'stripe-live', scheme: 'stripe', createdAt: '2030-01-01T00:00:00.000Z' };
const secretsPath = '/v1/instances/pi_1/workflows/w/signing-secrets';

function expectNoSecret(r: { stdout: string; stderr: string }, secret = SECRET) {
  expect(r.stdout).not.toContain(secret);
  expect(r.stderr).not.toContain(secret);
}

describe('sluice secret add', () => {
  it('posts the secret with its options and never prints it', async () => {
    const r = await runSluice(
      ['secret', 'add', 'pi_1', 'w', '--secret', SECRET, '--label', 'stripe-live', '--scheme', 'stripe', '--expires-at', '2030-06-01T00:00:00Z'],
      { env, replies: [{ status: 201, body: added }] },
    );
    expect(r.code).toBe(0);
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]).toMatchObject({
      method: 'POST',
      path: secretsPath,
      body: { secret: SECRET, label: 'stripe-live', scheme: 'stripe', expiresAt: '2030-06-01T00:00:00.000Z' },
    });
    expect(r.requests[0]!.headers['x-process-manager-key']).toBe(ORG_KEY);
    expect(r.stdout).toMatch(/secretId:\s+sec_1/);
    expectNoSecret(r);
  });

  it('sends only the secret when no option is given (the server defaults the scheme)', async () => {
    const r = await runSluice(['secret', 'add', 'pi_1', 'w', '--secret', SECRET], { env, replies: [{ status: 201, body: added }] });
    expect(r.requests[0]!.body).toEqual({ secret: SECRET });
    expectNoSecret(r);
  });

  it('reads --secret-file, ignoring the trailing newline', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-cli-')), 'secret');
    writeFileSync(file, `${SECRET}\n`);
    const r = await runSluice(['secret', 'add', 'pi_1', 'w', '--secret-file', file, '--json'], { env, replies: [{ status: 201, body: added }] });
    expect(r.code).toBe(0);
    expect(r.requests[0]!.body).toEqual({ secret: SECRET });
    expect(JSON.parse(r.stdout)).toEqual(added);
    expectNoSecret(r);
  });

  it('scrubs the secret from an error that echoes it', async () => {
    const r = await runSluice(['secret', 'add', 'pi_1', 'w', '--secret', SECRET], {
      env,
      replies: [apiError(400, 'INVALID_REQUEST', `secret ${SECRET} is not a whsec_ secret`)],
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('INVALID_REQUEST: secret [redacted] is not a whsec_ secret (requestId req_test)\n');
    expectNoSecret(r);
  });

  it('scrubs the secret from a response that echoes it, --json included', async () => {
    const odd = { ...added, label: `label-${SECRET}`, secret: SECRET };
    for (const argv of [['secret', 'add', 'pi_1', 'w', '--secret', SECRET], ['secret', 'add', 'pi_1', 'w', '--secret', SECRET, '--json']]) {
      const r = await runSluice(argv, { env, replies: [{ status: 201, body: odd }] });
      expect(r.code).toBe(0);
      expectNoSecret(r);
    }
  });

  it.each([
    [['--secret', SECRET, '--secret-file', '/tmp/x'], 'INVALID_ARGUMENT: Pass exactly one of --secret or --secret-file.'],
    [[], 'INVALID_ARGUMENT: Pass exactly one of --secret or --secret-file.'],
    [['--secret', '   '], 'INVALID_ARGUMENT: The secret is empty.'],
    [['--secret', SECRET, '--scheme', 'hmac'], "option '--scheme <scheme>' argument 'hmac' is invalid"],
    [['--secret', SECRET, '--expires-at', 'someday'], "option '--expires-at <iso>' argument 'someday' is invalid"],
  ])('rejects %j before sending anything, without echoing the secret', async (extra, message) => {
    const r = await runSluice(['secret', 'add', 'pi_1', 'w', ...extra], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.requests).toHaveLength(0);
    expectNoSecret(r);
  });
});

describe('sluice secret add-gcp|list|remove', () => {
  it('adds a Pub/Sub OIDC verifier', async () => {
    const r = await runSluice(
      ['secret', 'add-gcp', 'pi_1', 'w', '--audience', 'https://hooks.example/pubsub', '--service-account', 'push@p.iam.gserviceaccount.com', '--label', 'pubsub'],
      { env, replies: [{ status: 201, body: { ...added, scheme: 'gcp-pubsub-oidc', label: 'pubsub' } }] },
    );
    expect(r.code).toBe(0);
    expect(r.requests[0]).toMatchObject({
      method: 'POST',
      path: secretsPath,
      body: {
        scheme: 'gcp-pubsub-oidc',
        audience: 'https://hooks.example/pubsub',
        serviceAccountEmail: 'push@p.iam.gserviceaccount.com',
        label: 'pubsub',
      },
    });
  });

  it('requires the audience and service account', async () => {
    const r = await runSluice(['secret', 'add-gcp', 'pi_1', 'w', '--audience', 'a'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("required option '--service-account <email>' not specified");
  });

  it('lists secrets', async () => {
    const secrets = [
      { secretId: 'sec_1', label: 'stripe', scheme: 'stripe', createdAt: 'c1' },
      { secretId: 'sec_2', label: 'pubsub', scheme: 'gcp-pubsub-oidc', createdAt: 'c2', expiresAt: 'e2', audience: 'aud', serviceAccountEmail: 'sa@x' },
    ];
    const r = await runSluice(['secret', 'list', 'pi_1', 'w'], { env, replies: [{ body: { success: true, secrets } }] });
    expect(r.requests[0]).toMatchObject({ method: 'GET', path: secretsPath });
    expect(r.stdout).toMatch(/sec_1\s+stripe\s+stripe\s+c1/);
    expect(r.stdout).toMatch(/sec_2\s+pubsub\s+gcp-pubsub-oidc\s+c2\s+e2\s+aud=aud email=sa@x/);
  });

  it('removes a secret', async () => {
    const r = await runSluice(['secret', 'remove', 'pi_1', 'w', 'sec_1'], { env, replies: [{ body: { success: true } }] });
    expect(r.requests[0]).toMatchObject({ method: 'DELETE', path: `${secretsPath}/sec_1` });
    expect(r.stdout).toBe('Removed signing secret sec_1 from pi_1/w.\n');
  });
});
