import type { Redis } from 'ioredis';
import { hashKey } from '@sluice/auth';
import { InvalidationFeed } from './invalidation-feed';
import { type OrgKeyLookup, type OrgStore, orgKeyStatus } from './org.store';
import type { RegistryKeys } from './registry-keys';
import type { OrgKeyRecord } from './types';

export interface OrgKeyCacheOptions {
  /** A subscriber-mode connection (may be shared with an EndpointCache). */
  subscriber: Redis;
  keys: RegistryKeys;
  orgs: OrgStore;
  /** Safety net only: invalidation is pushed. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Org key records cached in-process by key hash, for triggers and status polls authenticated
 * with `X-Process-Manager-Key`; the same rules as EndpointCache (ADR 0003): every update or
 * revocation publishes the keyId in its MULTI, a hit waits for the current poll phase, nothing
 * is served while the subscription is unconfirmed. Expiry is judged at each use from the cached
 * record. Unknown keys are not cached, so guessing cannot fill it.
 */
export class OrgKeyCache {
  private readonly entries = new Map<string, { record: OrgKeyRecord; expiresAtMs: number }>();
  private readonly feed: InvalidationFeed;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: OrgKeyCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.feed = new InvalidationFeed(
      options.subscriber,
      options.keys.orgKeyChanges(),
      (keyId) => {
        for (const [hash, entry] of this.entries) if (entry.record.keyId === keyId) this.entries.delete(hash);
      },
      () => this.entries.clear(),
    );
  }

  start(): Promise<void> {
    return this.feed.start();
  }

  async lookupOrgKey(key: string): Promise<OrgKeyLookup> {
    const hash = hashKey(key);
    const nowMs = this.now();
    if (this.feed.live && this.entries.has(hash)) {
      await this.feed.settled();
      const entry = this.entries.get(hash);
      if (this.feed.live && entry && entry.expiresAtMs > nowMs) return orgKeyStatus(entry.record, nowMs);
    }
    const startedAt = this.feed.generation;
    const record = await this.options.orgs.findOrgKey(key);
    if (record && this.feed.live && startedAt === this.feed.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(hash, { record, expiresAtMs: nowMs + this.ttlMs });
    }
    return orgKeyStatus(record, nowMs);
  }
}
