import type { Redis } from 'ioredis';
import { hashKey } from '@sluice/auth';
import { InvalidatedCache } from './invalidated-cache';
import { type OrgKeyLookup, type OrgStore, orgKeyStatus } from './org.store';
import type { RegistryKeys } from './registry-keys';
import type { OrgKeyRecord } from './types';

export interface OrgKeyCacheOptions {
  /** A subscriber-mode connection (may be shared with an EndpointCache). */
  subscriber: Redis;
  keys: RegistryKeys;
  orgs: OrgStore;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Org key records cached in-process by key hash, for requests authenticated with
 * `X-Process-Manager-Key`. Every update or revocation publishes the keyId in its MULTI; the rules
 * of InvalidatedCache apply (ADR 0003). Expiry is judged at each use from the cached record.
 * Unknown keys are not cached, so guessing cannot fill it.
 */
export class OrgKeyCache {
  private readonly cache: InvalidatedCache<OrgKeyRecord | undefined>;
  private readonly now: () => number;

  constructor(private readonly options: OrgKeyCacheOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new InvalidatedCache<OrgKeyRecord | undefined>({
      subscriber: options.subscriber,
      channel: options.keys.orgKeyChanges(),
      staleOn: (keyId) => (_hash, record) => record?.keyId === keyId,
      ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      now: this.now,
    });
  }

  start(): Promise<void> {
    return this.cache.start();
  }

  async lookupOrgKey(key: string): Promise<OrgKeyLookup> {
    const record = await this.cache.get(hashKey(key), () => this.options.orgs.findOrgKey(key), (r) => r !== undefined);
    return orgKeyStatus(record, this.now());
  }
}
