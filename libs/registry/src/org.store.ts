import type { Redis } from 'ioredis';
import { type OrgScope, generateId, generateKey, hashKey, isOrgScope, keyHint } from '@sluice/auth';
import { LuaScript } from '@sluice/redis';
import createOrgKeySource from './lua/create-org-key-4.lua';
import type { RegistryKeys } from './registry-keys';
import type { Org, OrgKeyRecord } from './types';

const createOrgKeyScript = new LuaScript(createOrgKeySource, 4);

export const MAX_ACTIVE_ORG_KEYS = 20;

/** Return codes of create-org-key-4.lua. */
enum CreateOrgKeyResult {
  LimitReached = 0,
  Created = 1,
}

export class OrgKeyLimitError extends Error {
  constructor() {
    super(`An organization holds at most ${MAX_ACTIVE_ORG_KEYS} active org keys`);
  }
}

export type OrgKeyLookup =
  | { status: 'valid'; record: OrgKeyRecord }
  | { status: 'expired' | 'revoked'; record: OrgKeyRecord }
  | { status: 'unknown' };

/** Organizations and their `cko_` keys. Keys are stored only as SHA-256 hashes. */
export class OrgStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async createOrg(name: string, organizationId = generateId('org')): Promise<Org> {
    const org: Org = { organizationId, name, createdAt: this.now().toISOString() };
    await this.redis.multi().hset(this.keys.org(organizationId), { ...org }).sadd(this.keys.orgs(), organizationId).exec();
    return org;
  }

  async getOrg(organizationId: string): Promise<Org | undefined> {
    const h = await this.redis.hgetall(this.keys.org(organizationId));
    if (!h.organizationId) return undefined;
    return { organizationId: h.organizationId, name: h.name ?? '', createdAt: h.createdAt ?? '' };
  }

  async countOrgs(): Promise<number> {
    return this.redis.scard(this.keys.orgs());
  }

  /**
   * Bootstrap guard: true for exactly one caller across all replicas, and only while no org
   * exists, so two processes starting together create one first org.
   */
  async claimBootstrap(): Promise<boolean> {
    if ((await this.countOrgs()) > 0) return false;
    return (await this.redis.set(this.keys.bootstrapLock(), this.now().toISOString(), 'EX', 60, 'NX')) === 'OK';
  }

  /** Creates an org key; `key` lets an operator seed a known key (SLUICE_BOOTSTRAP_ORG_KEY). */
  async createOrgKey(
    organizationId: string,
    options: { name: string; scopes: readonly OrgScope[]; expiresAt?: Date },
    key: string = generateKey('org'),
  ): Promise<{ record: OrgKeyRecord; key: string }> {
    const record: OrgKeyRecord = {
      keyId: generateId('key'),
      organizationId,
      name: options.name,
      scopes: [...new Set(options.scopes)],
      hint: keyHint(key),
      createdAt: this.now().toISOString(),
      ...(options.expiresAt ? { expiresAt: options.expiresAt.toISOString() } : {}),
    };
    const hash = hashKey(key);
    const fields = toHashFields(record, hash);
    const result = (await createOrgKeyScript.run(this.redis, [
      this.keys.orgActiveKeys(organizationId),
      this.keys.orgKey(record.keyId),
      this.keys.orgKeyByHash(hash),
      this.keys.orgKeys(organizationId),
      this.now().getTime(),
      MAX_ACTIVE_ORG_KEYS,
      record.keyId,
      options.expiresAt ? options.expiresAt.getTime() : 'inf',
      ...fields,
    ])) as CreateOrgKeyResult;
    if (result === CreateOrgKeyResult.LimitReached) throw new OrgKeyLimitError();
    return { record, key };
  }

  async lookupOrgKey(key: string): Promise<OrgKeyLookup> {
    return orgKeyStatus(await this.findOrgKey(key), this.now().getTime());
  }

  /** The record of a `cko_` key, whatever its state, or undefined. */
  async findOrgKey(key: string): Promise<OrgKeyRecord | undefined> {
    const keyId = await this.redis.get(this.keys.orgKeyByHash(hashKey(key)));
    return keyId ? this.getOrgKey(keyId) : undefined;
  }

  async getOrgKey(keyId: string): Promise<OrgKeyRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.orgKey(keyId));
    return h.keyId ? fromHash(h) : undefined;
  }

  async listOrgKeys(organizationId: string): Promise<OrgKeyRecord[]> {
    const ids = await this.redis.smembers(this.keys.orgKeys(organizationId));
    const records = await Promise.all(ids.map((id) => this.getOrgKey(id)));
    return records
      .filter((r): r is OrgKeyRecord => r !== undefined)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async updateOrgKey(
    organizationId: string,
    keyId: string,
    changes: { name?: string; scopes?: readonly OrgScope[]; expiresAt?: Date | null },
  ): Promise<OrgKeyRecord | undefined> {
    const current = await this.getOrgKey(keyId);
    if (!current || current.organizationId !== organizationId) return undefined;
    const tx = this.redis.multi();
    if (changes.name !== undefined) tx.hset(this.keys.orgKey(keyId), 'name', changes.name);
    if (changes.scopes !== undefined) tx.hset(this.keys.orgKey(keyId), 'scopes', JSON.stringify([...new Set(changes.scopes)]));
    if (changes.expiresAt === null) {
      tx.hdel(this.keys.orgKey(keyId), 'expiresAt');
      if (!current.revokedAt) tx.zadd(this.keys.orgActiveKeys(organizationId), 'inf', keyId);
    } else if (changes.expiresAt !== undefined) {
      tx.hset(this.keys.orgKey(keyId), 'expiresAt', changes.expiresAt.toISOString());
      if (!current.revokedAt) tx.zadd(this.keys.orgActiveKeys(organizationId), changes.expiresAt.getTime(), keyId);
    }
    await tx.publish(this.keys.orgKeyChanges(), keyId).exec();
    return this.getOrgKey(keyId);
  }

  /** Revoked keys stay listed (with revokedAt) but authenticate nothing, at once. */
  async revokeOrgKey(organizationId: string, keyId: string): Promise<OrgKeyRecord | undefined> {
    const current = await this.getOrgKey(keyId);
    if (!current || current.organizationId !== organizationId) return undefined;
    if (!current.revokedAt) {
      await this.redis
        .multi()
        .hset(this.keys.orgKey(keyId), 'revokedAt', this.now().toISOString())
        .zrem(this.keys.orgActiveKeys(organizationId), keyId)
        .publish(this.keys.orgKeyChanges(), keyId)
        .exec();
    }
    return this.getOrgKey(keyId);
  }
}

/** What a key's record means at nowMs: valid, expired or revoked (or unknown without one). */
export function orgKeyStatus(record: OrgKeyRecord | undefined, nowMs: number): OrgKeyLookup {
  if (!record) return { status: 'unknown' };
  if (record.revokedAt) return { status: 'revoked', record };
  if (record.expiresAt && Date.parse(record.expiresAt) <= nowMs) return { status: 'expired', record };
  return { status: 'valid', record };
}

function toHashFields(record: OrgKeyRecord, keyHash: string): string[] {
  const fields: Record<string, string> = {
    keyId: record.keyId,
    organizationId: record.organizationId,
    name: record.name,
    scopes: JSON.stringify(record.scopes),
    hint: record.hint,
    keyHash,
    createdAt: record.createdAt,
  };
  if (record.expiresAt) fields.expiresAt = record.expiresAt;
  return Object.entries(fields).flat();
}

function fromHash(h: Record<string, string>): OrgKeyRecord {
  const scopes = (JSON.parse(h.scopes ?? '[]') as unknown[]).filter(isOrgScope);
  return {
    keyId: h.keyId ?? '',
    organizationId: h.organizationId ?? '',
    name: h.name ?? '',
    scopes,
    hint: h.hint ?? '',
    createdAt: h.createdAt ?? '',
    ...(h.expiresAt ? { expiresAt: h.expiresAt } : {}),
    ...(h.revokedAt ? { revokedAt: h.revokedAt } : {}),
  };
}
