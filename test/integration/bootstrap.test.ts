import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKey } from '@sluice/auth';
import { createLogger } from '@sluice/observability';
import { createRegistry } from '@sluice/registry';
import { bootstrapFirstOrg } from '../../apps/server/src/bootstrap';
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

  it('prints a working all-scopes org key once, on an empty store only', async () => {
    const printed: string[] = [];
    const options = { registry: registry(), configuredKey: undefined, mayPrintKey: true, baseUrl: 'http://x', logger, print: (t: string) => printed.push(t) };
    expect((await bootstrapFirstOrg(options)).created).toBe(true);
    expect((await bootstrapFirstOrg(options)).created).toBe(false);
    expect(printed).toHaveLength(1);
    const key = /cko_[A-Za-z0-9_-]{43}/.exec(printed[0]!)![0];
    const lookup = await options.registry.orgs.lookupOrgKey(key);
    expect(lookup.status).toBe('valid');
    expect(lookup.status === 'valid' && lookup.record.scopes).toHaveLength(5);
  });

  it('seeds SLUICE_BOOTSTRAP_ORG_KEY without printing it', async () => {
    const printed: string[] = [];
    const key = generateKey('org');
    const reg = registry();
    await bootstrapFirstOrg({ registry: reg, configuredKey: key, mayPrintKey: true, baseUrl: 'http://x', logger, print: (t) => printed.push(t) });
    expect(printed).toEqual([]);
    expect((await reg.orgs.lookupOrgKey(key)).status).toBe('valid');
  });

  it('creates nothing where a generated key could only go to a log stream', async () => {
    const reg = registry();
    const result = await bootstrapFirstOrg({ registry: reg, configuredKey: undefined, mayPrintKey: false, baseUrl: 'http://x', logger, print: () => {} });
    expect(result.created).toBe(false);
    expect(await reg.orgs.countOrgs()).toBe(0);
  });
});
