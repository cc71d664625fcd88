import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { createLogger } from '@sluice/observability';
import { createRegistry } from '@sluice/registry';
import { bootstrapFirstOrg, firstOrgKeyBanner } from '../../apps/server/src/bootstrap';
import { deletePrefix, testRedisUrl, uniquePrefix } from '../support/redis';

describe('first-org bootstrap', () => {
  let redis: Redis;
  let prefix: string;
  const logger = createLogger({ level: 'silent' });

  beforeEach(() => {
    redis = new Redis(testRedisUrl());
    prefix = uniquePrefix('bootstrap');
  });
  afterEach(async () => {
    await deletePrefix(redis, prefix);
    redis.disconnect();
  });

  const registry = () => createRegistry({ redis, prefix, encryptionKey: randomBytes(32) });

  it('generates a working all-scopes org key once, on an empty store only', async () => {
    const options = { registry: registry(), configuredKey: undefined, mayPrintKey: true, logger };
    const first = await bootstrapFirstOrg(options);
    expect(first.created).toBe(true);
    expect(await bootstrapFirstOrg(options)).toEqual({ created: false });
    const key = first.generatedKey!;
    expect(firstOrgKeyBanner(key, 'http://x')).toContain(key);
    const lookup = await options.registry.orgs.lookupOrgKey(key);
    expect(lookup.status).toBe('valid');
    expect(lookup.status === 'valid' && lookup.record.scopes).toHaveLength(5);
  });

  it('seeds SLUICE_BOOTSTRAP_ORG_KEY and hands back nothing to print', async () => {
    const key = generateKey('org');
    const reg = registry();
    const result = await bootstrapFirstOrg({ registry: reg, configuredKey: key, mayPrintKey: true, logger });
    expect(result.created).toBe(true);
    expect(result.generatedKey).toBeUndefined();
    expect((await reg.orgs.lookupOrgKey(key)).status).toBe('valid');
  });

  it('makes several processes starting at once return only once the configured key works', async () => {
    const key = generateKey('org');
    const reg = registry();
    const results = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const result = await bootstrapFirstOrg({ registry: reg, configuredKey: key, mayPrintKey: true, logger });
        // Each process would listen now: the key must already be valid for it.
        return { created: result.created, status: (await reg.orgs.lookupOrgKey(key)).status };
      }),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results.map((r) => r.status)).toEqual(['valid', 'valid', 'valid', 'valid']);
    expect(await reg.orgs.countOrgs()).toBe(1);
  });

  it('creates nothing where a generated key could only go to a log stream', async () => {
    const reg = registry();
    const result = await bootstrapFirstOrg({ registry: reg, configuredKey: undefined, mayPrintKey: false, logger });
    expect(result.created).toBe(false);
    expect(await reg.orgs.countOrgs()).toBe(0);
  });
});
