import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey, hashKey } from '@sluice/auth';
import { MAX_ACTIVE_ORG_KEYS, OrgKeyLimitError, type Registry, createRegistry } from '@sluice/registry';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

describe('registry on real Redis', () => {
  let redis: Redis;
  let prefix: string;
  let registry: Registry;
  let clock: Date;

  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    prefix = uniquePrefix('registry');
    clock = new Date('2026-06-01T00:00:00Z');
    registry = createRegistry({ redis, prefix, encryptionKey: randomBytes(32), now: () => clock });
  });

  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  it('stores org keys only as hashes and resolves them', async () => {
    const org = await registry.orgs.createOrg('acme');
    const { key, record } = await registry.orgs.createOrgKey(org.organizationId, { name: 'ci', scopes: ['workflows:trigger'] });
    const dump = await dumpPrefix(redis, prefix);
    expect(dump).not.toContain(key);
    expect(dump).toContain(hashKey(key));
    expect(await registry.orgs.lookupOrgKey(key)).toEqual({ status: 'valid', record });
    expect(await registry.orgs.lookupOrgKey(generateKey('org'))).toEqual({ status: 'unknown' });
  });

  it('holds at most 20 active org keys, counting neither revoked nor expired ones', async () => {
    const org = await registry.orgs.createOrg('acme');
    const created = await Promise.all(
      Array.from({ length: MAX_ACTIVE_ORG_KEYS + 5 }, (_, i) =>
        registry.orgs
          .createOrgKey(org.organizationId, { name: `k${i}`, scopes: ['instances:read'] })
          .then((r) => r.record)
          .catch((e: unknown) => e),
      ),
    );
    const ok = created.filter((r) => !(r instanceof Error));
    expect(ok).toHaveLength(MAX_ACTIVE_ORG_KEYS);
    expect(created.filter((r) => r instanceof OrgKeyLimitError)).toHaveLength(5);

    const first = ok[0] as { keyId: string };
    await registry.orgs.revokeOrgKey(org.organizationId, first.keyId);
    await expect(registry.orgs.createOrgKey(org.organizationId, { name: 'again', scopes: ['instances:read'] })).resolves.toBeDefined();
    await expect(registry.orgs.createOrgKey(org.organizationId, { name: 'over', scopes: ['instances:read'] })).rejects.toThrow(OrgKeyLimitError);
  });

  it('reports expired and revoked keys as such', async () => {
    const org = await registry.orgs.createOrg('acme');
    const expiring = await registry.orgs.createOrgKey(org.organizationId, {
      name: 'short',
      scopes: ['instances:read'],
      expiresAt: new Date(clock.getTime() + 60_000),
    });
    expect((await registry.orgs.lookupOrgKey(expiring.key)).status).toBe('valid');
    clock = new Date(clock.getTime() + 61_000);
    expect((await registry.orgs.lookupOrgKey(expiring.key)).status).toBe('expired');

    const revoked = await registry.orgs.createOrgKey(org.organizationId, { name: 'r', scopes: ['instances:read'] });
    await registry.orgs.revokeOrgKey(org.organizationId, revoked.record.keyId);
    expect((await registry.orgs.lookupOrgKey(revoked.key)).status).toBe('revoked');
  });

  it('bootstraps exactly one first org across concurrent claims', async () => {
    const claims = await Promise.all(Array.from({ length: 10 }, () => registry.orgs.claimBootstrap()));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('regenerating an instance key invalidates the old one at once', async () => {
    const org = await registry.orgs.createOrg('acme');
    const { instance, apiKey } = await registry.instances.create(org.organizationId, 'i', []);
    expect(await registry.instances.findByApiKey(apiKey)).toBe(instance.processInstanceId);
    const fresh = await registry.instances.regenerateApiKey(instance.processInstanceId);
    expect(await registry.instances.findByApiKey(apiKey)).toBeUndefined();
    expect(await registry.instances.findByApiKey(fresh!)).toBe(instance.processInstanceId);
    expect((await registry.instances.get(instance.processInstanceId))!.apiKeyHash).toBe(hashKey(fresh!));
  });

  it('keeps signing and dispatch secrets encrypted at rest, bound to their place', async () => {
    const org = await registry.orgs.createOrg('acme');
    const { instance, dispatchSecret } = await registry.instances.create(org.organizationId, 'i', [
      { workflowId: 'w', target: { url: 'http://127.0.0.1:1/x' }, resultMode: 'response' },
    ]);
    const pid = instance.processInstanceId;
    const secret = 'whsec_' + randomBytes(24).toString('base64');
    const info = await registry.signingSecrets.add(pid, 'w', { scheme: 'standard-webhooks', secret, label: 'stripe-prod' });
    expect(info).not.toHaveProperty('secret');
    const dump = await dumpPrefix(redis, prefix);
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain(dispatchSecret);
    expect(await registry.instances.getDispatchSecret(pid)).toBe(dispatchSecret);
    const material = await registry.signingSecrets.material(pid, 'w');
    expect(material).toEqual([expect.objectContaining({ secretId: info.secretId, label: 'stripe-prod', secret })]);

    // Copying a sealed secret to another secret's slot does not decrypt.
    const key = `${prefix}:inst:${pid}:wf:w:secrets`;
    const stored = JSON.parse((await redis.hget(key, info.secretId))!) as { secretId: string };
    await redis.hset(key, 'sec_forged', JSON.stringify({ ...stored, secretId: 'sec_forged' }));
    await expect(registry.signingSecrets.material(pid, 'w')).rejects.toThrow();
  });

  it('holds several secrets per endpoint and drops expired ones from verification', async () => {
    const org = await registry.orgs.createOrg('acme');
    const { instance } = await registry.instances.create(org.organizationId, 'i', []);
    const pid = instance.processInstanceId;
    await registry.signingSecrets.add(pid, 'w', { scheme: 'standard-webhooks', secret: 'whsec_b2xkb2xkb2xkb2xkb2xk', label: 'old', expiresAt: new Date(clock.getTime() + 1000) });
    await registry.signingSecrets.add(pid, 'w', { scheme: 'standard-webhooks', secret: 'whsec_bmV3bmV3bmV3bmV3bmV3', label: 'new' });
    expect((await registry.signingSecrets.material(pid, 'w')).map((s) => s.label).sort()).toEqual(['new', 'old']);
    clock = new Date(clock.getTime() + 2000);
    expect((await registry.signingSecrets.material(pid, 'w')).map((s) => s.label)).toEqual(['new']);
    expect(await registry.signingSecrets.list(pid, 'w')).toHaveLength(2);
  });
});

async function dumpPrefix(redis: Redis, prefix: string): Promise<string> {
  const keys = await redis.keys(`${prefix}:*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'string') parts.push(`${key}=${await redis.get(key)}`);
    else parts.push(key);
  }
  return parts.join('\n');
}
