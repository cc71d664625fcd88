import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey, hashKey } from '@sluice/auth';
import { EndpointCache, OrgKeyCache, type Registry, RegistryKeys, createRegistry } from '@sluice/registry';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';
import { waitFor } from '../support/harness';

const TARGET = { url: 'http://127.0.0.1:9/hook' };
const RESULT_MODE = 'response' as const;

describe('EndpointCache on real Redis: cached reads, pushed invalidation', () => {
  let redis: Redis;
  let subscriber: Redis;
  let prefix: string;
  let registry: Registry;
  let cache: EndpointCache;
  let clock: number;
  let reads: number;

  beforeEach(async () => {
    redis = new Redis(testRedisUrl());
    subscriber = new Redis(testRedisUrl(), { connectionName: 'endpoint-cache-test-sub' });
    prefix = uniquePrefix('endpoint-cache');
    clock = Date.parse('2026-06-01T00:00:00Z');
    registry = createRegistry({ redis, prefix, encryptionKey: randomBytes(32), now: () => new Date(clock) });
    reads = 0;
    const instances = registry.instances;
    const counted = Object.create(instances) as typeof instances;
    counted.getEndpoint = (...args: Parameters<typeof instances.getEndpoint>) => {
      reads++;
      return instances.getEndpoint(...args);
    };
    cache = new EndpointCache({
      subscriber,
      keys: new RegistryKeys(prefix),
      instances: counted,
      signingSecrets: registry.signingSecrets,
      now: () => clock,
    });
    await cache.start();
  });

  afterEach(async () => {
    subscriber.disconnect();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  async function endpoint() {
    const org = await registry.orgs.createOrg('acme');
    const created = await registry.instances.create(org.organizationId, 'shop', [{ workflowId: 'w', target: TARGET, resultMode: RESULT_MODE }]);
    await delivered();
    return created.instance.processInstanceId;
  }

  /** A PING on the subscriber returns after every message published before it was handled. */
  const delivered = () => subscriber.ping();

  it('answers repeat reads from memory', async () => {
    const pid = await endpoint();
    const first = await cache.get(pid, 'w');
    const second = await cache.get(pid, 'w');
    expect(second).toEqual(first);
    expect(reads).toBe(1);
    // A write that bypasses the registry (no invalidation message) is not seen: the entry is cached.
    await redis.hset(new RegistryKeys(prefix).instance(pid), 'name', 'changed behind its back');
    expect((await cache.get(pid, 'w')).instance?.name).toBe('shop');
  });

  it('drops an instance when its key is regenerated, before serving it again', async () => {
    const pid = await endpoint();
    const before = await cache.get(pid, 'w');
    const newKey = await registry.instances.regenerateApiKey(pid);
    // No wait: the invalidation is applied before the next read is answered.
    const after = await cache.get(pid, 'w');
    expect(after.instance?.apiKeyHash).toBe(hashKey(newKey!));
    expect(after.instance?.apiKeyHash).not.toBe(before.instance?.apiKeyHash);
  });

  it.each([
    ['pausing the instance', async (pid: string) => void (await registry.instances.update(pid, { active: false }))],
    ['replacing the workflow', async (pid: string) => registry.instances.putWorkflow(pid, { workflowId: 'w', target: { url: 'http://127.0.0.1:9/other' }, resultMode: RESULT_MODE })],
    ['deleting the workflow', async (pid: string) => void (await registry.instances.deleteWorkflow(pid, 'w'))],
    ['deleting the instance', async (pid: string) => registry.instances.delete(pid)],
    ['adding a signing secret', async (pid: string) => void (await registry.signingSecrets.add(pid, 'w', { scheme: 'github', secret: 'gh-secret' }))],
  ])('sees %s at once', async (_name, change) => {
    const pid = await endpoint();
    const before = await cache.get(pid, 'w');
    await change(pid);
    const after = await cache.get(pid, 'w');
    expect(after).not.toEqual(before);
    expect(reads).toBe(2);
  });

  it('sees a removed signing secret at once', async () => {
    const pid = await endpoint();
    const info = await registry.signingSecrets.add(pid, 'w', { scheme: 'github', secret: 'gh-secret' });
    expect((await cache.get(pid, 'w')).material.map((m) => m.secret)).toEqual(['gh-secret']);
    await registry.signingSecrets.remove(pid, 'w', info.secretId);
    expect((await cache.get(pid, 'w')).material).toEqual([]);
  });

  it('stops offering an expired secret while the entry is cached', async () => {
    const pid = await endpoint();
    await registry.signingSecrets.add(pid, 'w', { scheme: 'github', secret: 'old', expiresAt: new Date(clock + 20_000) });
    await registry.signingSecrets.add(pid, 'w', { scheme: 'github', secret: 'new' });
    expect((await cache.get(pid, 'w')).material.map((m) => m.secret).sort()).toEqual(['new', 'old']);
    await delivered();
    await cache.get(pid, 'w'); // the adds' invalidations landed: this read is cached
    const readsBefore = reads;
    clock += 21_000; // past the secret's expiry, within the entry's safety TTL
    expect((await cache.get(pid, 'w')).material.map((m) => m.secret)).toEqual(['new']);
    expect(reads).toBe(readsBefore);
  });

  it('does not cache unknown instances or workflows (random ids cannot evict real entries)', async () => {
    const pid = await endpoint();
    await cache.get('pi_unknown', 'w');
    await cache.get('pi_unknown', 'w');
    await cache.get(pid, 'nope');
    await cache.get(pid, 'nope');
    expect(reads).toBe(4);
  });

  it('does not cache a read that raced an invalidation', async () => {
    const pid = await endpoint();
    const racing = cache.get(pid, 'w');
    cache.invalidate(pid); // arrives while the read is in flight
    await racing;
    await cache.get(pid, 'w');
    expect(reads).toBe(2);
  });

  it('reads through while its subscription is down, and caches again once it is back', async () => {
    const pid = await endpoint();
    await cache.get(pid, 'w');
    const id = await subscriberClientId();
    await redis.client('KILL', 'ID', id);
    await waitFor(async () => (cache.serving ? undefined : true), 5000);
    // Messages sent while disconnected are lost: nothing may be served from memory meanwhile.
    await redis.hset(new RegistryKeys(prefix).instance(pid), 'name', 'renamed while down');
    expect((await cache.get(pid, 'w')).instance?.name).toBe('renamed while down');
    await waitFor(async () => (cache.serving ? true : undefined), 5000);
    const readsBefore = reads;
    await cache.get(pid, 'w');
    await cache.get(pid, 'w');
    expect(reads).toBe(readsBefore + 1);
  });

  async function subscriberClientId(): Promise<string> {
    const list = (await redis.client('LIST')) as string;
    const line = list.split('\n').find((l) => l.includes('name=endpoint-cache-test-sub') && l.includes(`psub=0`) && /sub=[1-9]/.test(l));
    const id = /id=(\d+)/.exec(line ?? '')?.[1];
    if (!id) throw new Error('subscriber connection not found');
    return id;
  }
});

describe('OrgKeyCache on real Redis', () => {
  let redis: Redis;
  let subscriber: Redis;
  let prefix: string;
  let registry: Registry;
  let cache: OrgKeyCache;
  let clock: number;
  let reads: number;

  beforeEach(async () => {
    redis = new Redis(testRedisUrl());
    subscriber = new Redis(testRedisUrl());
    prefix = uniquePrefix('org-key-cache');
    clock = Date.parse('2026-06-01T00:00:00Z');
    registry = createRegistry({ redis, prefix, encryptionKey: randomBytes(32), now: () => new Date(clock) });
    reads = 0;
    const orgs = registry.orgs;
    const counted = Object.create(orgs) as typeof orgs;
    counted.findOrgKey = (key: string) => {
      reads++;
      return orgs.findOrgKey(key);
    };
    cache = new OrgKeyCache({ subscriber, keys: new RegistryKeys(prefix), orgs: counted, now: () => clock });
    await cache.start();
  });

  afterEach(async () => {
    subscriber.disconnect();
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  async function orgKey(options: { expiresAt?: Date } = {}) {
    const org = await registry.orgs.createOrg('acme');
    return registry.orgs.createOrgKey(org.organizationId, { name: 'ci', scopes: ['workflows:trigger'], ...options });
  }

  it('answers repeat lookups from memory', async () => {
    const { key, record } = await orgKey();
    expect(await cache.lookupOrgKey(key)).toEqual({ status: 'valid', record });
    expect(await cache.lookupOrgKey(key)).toEqual({ status: 'valid', record });
    expect(reads).toBe(1);
  });

  it('sees a revocation at once', async () => {
    const { key, record } = await orgKey();
    await cache.lookupOrgKey(key);
    await registry.orgs.revokeOrgKey(record.organizationId, record.keyId);
    expect((await cache.lookupOrgKey(key)).status).toBe('revoked');
  });

  it('sees changed scopes at once', async () => {
    const { key, record } = await orgKey();
    await cache.lookupOrgKey(key);
    await registry.orgs.updateOrgKey(record.organizationId, record.keyId, { scopes: ['executions:read'] });
    const after = await cache.lookupOrgKey(key);
    expect(after.status === 'valid' && after.record.scopes).toEqual(['executions:read']);
  });

  it('judges expiry at each use from the cached record', async () => {
    const { key } = await orgKey({ expiresAt: new Date(clock + 10_000) });
    expect((await cache.lookupOrgKey(key)).status).toBe('valid');
    await cache.lookupOrgKey(key);
    const readsBefore = reads;
    clock += 11_000;
    expect((await cache.lookupOrgKey(key)).status).toBe('expired');
    expect(reads).toBe(readsBefore);
  });

  it('does not cache unknown keys', async () => {
    await cache.lookupOrgKey(generateKey('org'));
    await cache.lookupOrgKey(generateKey('org'));
    expect(reads).toBe(2);
  });
});
