import { randomBytes } from 'node:crypto';
import { ORG_SCOPES } from '@sluice/auth';
import { OrgStore, RegistryKeys } from '@sluice/registry';
import { Redis } from 'ioredis';
import { runSluice } from './test-harness';

// Real Redis (DESIGN §8: no mock for keys), under prefixes of our own that are deleted afterwards.
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefixes: string[] = [];
let redis: Redis;

function freshPrefix(): string {
  const prefix = `clitest-${randomBytes(6).toString('hex')}`;
  prefixes.push(prefix);
  return prefix;
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await redis.quit();
});

describe('sluice bootstrap', () => {
  it('creates the first org with an all-scopes key printed once, then refuses', async () => {
    const prefix = freshPrefix();
    const env = { REDIS_URL, SLUICE_REDIS_PREFIX: prefix };
    const r = await runSluice(['bootstrap', '--name', 'acme', '--url', 'https://sluice.example'], { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const key = /cko_[A-Za-z0-9_-]{43,}/.exec(r.stdout)?.[0];
    expect(key).toBeDefined();
    expect(r.stdout).toContain('shown only once');
    expect(r.stdout).toContain(`curl -s https://sluice.example/v1/instances -H 'X-Process-Manager-Key: ${key}'`);

    const orgs = new OrgStore(redis, new RegistryKeys(prefix));
    const lookup = await orgs.lookupOrgKey(key!);
    expect(lookup.status).toBe('valid');
    if (lookup.status !== 'valid') return;
    expect([...lookup.record.scopes].sort()).toEqual([...ORG_SCOPES].sort());
    expect(lookup.record.name).toBe('bootstrap');
    expect((await orgs.getOrg(lookup.record.organizationId))?.name).toBe('acme');
    expect(await orgs.countOrgs()).toBe(1);

    const again = await runSluice(['bootstrap'], { env });
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^ALREADY_BOOTSTRAPPED: An organization already exists under prefix "clitest-/);
    expect(await orgs.countOrgs()).toBe(1);
  });

  it('prints the created org and key as JSON with --json, and takes --redis-url', async () => {
    const prefix = freshPrefix();
    const r = await runSluice(['bootstrap', '--json', '--redis-url', REDIS_URL], { env: { SLUICE_REDIS_PREFIX: prefix } });
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body).toMatchObject({ success: true, name: 'default', organizationId: expect.stringMatching(/^org_/) });
    expect(body.apiKey).toMatch(/^cko_/);
    const lookup = await new OrgStore(redis, new RegistryKeys(prefix)).lookupOrgKey(body.apiKey);
    expect(lookup.status).toBe('valid');
  });

  it('needs a Redis URL and a valid prefix', async () => {
    const missing = await runSluice(['bootstrap'], { env: {} });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("MISSING_REDIS_URL: Pass --redis-url or set REDIS_URL to Sluice's Redis.\n");
    const badPrefix = await runSluice(['bootstrap'], { env: { REDIS_URL, SLUICE_REDIS_PREFIX: 'a:b' } });
    expect(badPrefix.code).toBe(1);
    expect(badPrefix.stderr).toMatch(/^INVALID_REDIS_PREFIX: /);
  });
});
