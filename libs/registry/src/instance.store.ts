import type { Redis } from 'ioredis';
import { generateId, generateKey, hashKey, keyHint } from '@sluice/auth';
import { generateStandardWebhookSecret } from '@sluice/signatures';
import type { RegistryKeys } from './registry-keys';
import type { SecretBox } from './secret-box';
import { type StoredSecret, parseStoredSecrets } from './signing-secret.store';
import type { Instance, Workflow } from './types';

export interface CreatedInstance {
  instance: Instance;
  workflows: Workflow[];
  /** Shown once. */
  apiKey: string;
  /** Shown once: targets verify Sluice's dispatch signatures with it. */
  dispatchSecret: string;
}

/** An instance with what the hot path needs to authenticate against it. */
export interface InstanceAuthRecord extends Instance {
  apiKeyHash: string;
}

/** Process instances, their `ck_` key (hash only), dispatch secret (encrypted) and workflows. */
export class InstanceStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(organizationId: string, name: string, workflows: readonly Workflow[]): Promise<CreatedInstance> {
    const processInstanceId = generateId('pi');
    const apiKey = generateKey('instance');
    const dispatchSecret = generateStandardWebhookSecret();
    const at = this.now().toISOString();
    const instance: Instance = {
      processInstanceId,
      organizationId,
      name,
      active: true,
      apiKeyHint: keyHint(apiKey),
      createdAt: at,
      updatedAt: at,
    };
    const apiKeyHash = hashKey(apiKey);
    const tx = this.redis
      .multi()
      .hset(this.keys.instance(processInstanceId), {
        ...instance,
        active: '1',
        apiKeyHash,
        dispatchSecret: this.box.seal(dispatchSecret, `dispatch:${processInstanceId}`),
      })
      .set(this.keys.instanceByKeyHash(apiKeyHash), processInstanceId)
      .sadd(this.keys.orgInstances(organizationId), processInstanceId);
    for (const wf of workflows) tx.hset(this.keys.workflows(processInstanceId), wf.workflowId, JSON.stringify(wf));
    await tx.publish(this.keys.endpointChanges(), processInstanceId).exec();
    return { instance, workflows: [...workflows], apiKey, dispatchSecret };
  }

  async get(processInstanceId: string): Promise<InstanceAuthRecord | undefined> {
    return fromHash(await this.redis.hgetall(this.keys.instance(processInstanceId)));
  }

  /**
   * One round trip for everything the trigger path reads: the instance, the workflow and the
   * endpoint's stored (sealed) signing secrets.
   */
  async getEndpoint(
    processInstanceId: string,
    workflowId: string,
  ): Promise<{ instance?: InstanceAuthRecord; workflow?: Workflow; storedSecrets: StoredSecret[]; sealedDispatchSecret?: string }> {
    const results = await this.redis
      .pipeline()
      .hgetall(this.keys.instance(processInstanceId))
      .hget(this.keys.workflows(processInstanceId), workflowId)
      .hvals(this.keys.signingSecrets(processInstanceId, workflowId))
      .exec();
    if (!results) throw new Error('Redis pipeline returned nothing');
    for (const [err] of results) if (err) throw err;
    const hash = results[0]?.[1] as Record<string, string>;
    const instance = fromHash(hash);
    const wfJson = results[1]?.[1] as string | null;
    return {
      instance,
      ...(instance && hash.dispatchSecret ? { sealedDispatchSecret: hash.dispatchSecret } : {}),
      workflow: instance && wfJson ? (JSON.parse(wfJson) as Workflow) : undefined,
      storedSecrets: parseStoredSecrets((results[2]?.[1] as string[] | undefined) ?? []),
    };
  }

  async list(organizationId: string): Promise<Instance[]> {
    const ids = await this.redis.smembers(this.keys.orgInstances(organizationId));
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all
      .filter((i): i is InstanceAuthRecord => i !== undefined)
      .map(publicInstance)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async update(processInstanceId: string, changes: { name?: string; active?: boolean }): Promise<Instance | undefined> {
    const fields: Record<string, string> = { updatedAt: this.now().toISOString() };
    if (changes.name !== undefined) fields.name = changes.name;
    if (changes.active !== undefined) fields.active = changes.active ? '1' : '0';
    await this.redis
      .multi()
      .hset(this.keys.instance(processInstanceId), fields)
      .publish(this.keys.endpointChanges(), processInstanceId)
      .exec();
    const updated = await this.get(processInstanceId);
    return updated && publicInstance(updated);
  }

  async delete(processInstanceId: string): Promise<void> {
    const current = await this.get(processInstanceId);
    if (!current) return;
    const wids = await this.redis.hkeys(this.keys.workflows(processInstanceId));
    await this.redis
      .multi()
      .del(
        this.keys.instance(processInstanceId),
        this.keys.workflows(processInstanceId),
        this.keys.instanceByKeyHash(current.apiKeyHash),
        ...wids.map((wid) => this.keys.signingSecrets(processInstanceId, wid)),
      )
      .srem(this.keys.orgInstances(current.organizationId), processInstanceId)
      .publish(this.keys.endpointChanges(), processInstanceId)
      .exec();
  }

  /**
   * Replaces the instance key. The old key stops working at once on every replica: the write
   * and its invalidation message are one transaction, and replicas drop the cached endpoint
   * before they next serve it (see endpoint-cache.ts).
   */
  async regenerateApiKey(processInstanceId: string): Promise<string | undefined> {
    const current = await this.get(processInstanceId);
    if (!current) return undefined;
    const apiKey = generateKey('instance');
    const apiKeyHash = hashKey(apiKey);
    await this.redis
      .multi()
      .hset(this.keys.instance(processInstanceId), {
        apiKeyHash,
        apiKeyHint: keyHint(apiKey),
        updatedAt: this.now().toISOString(),
      })
      .del(this.keys.instanceByKeyHash(current.apiKeyHash))
      .set(this.keys.instanceByKeyHash(apiKeyHash), processInstanceId)
      .publish(this.keys.endpointChanges(), processInstanceId)
      .exec();
    return apiKey;
  }

  /** Which instance a `ck_` key belongs to, if any (to tell 403 "other instance" from 401). */
  async findByApiKey(apiKey: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.instanceByKeyHash(hashKey(apiKey)))) ?? undefined;
  }

  async getDispatchSecret(processInstanceId: string): Promise<string | undefined> {
    const sealed = await this.redis.hget(this.keys.instance(processInstanceId), 'dispatchSecret');
    return sealed ? this.openDispatchSecret(processInstanceId, sealed) : undefined;
  }

  /** Decrypts a dispatch secret read with the instance (see getEndpoint). */
  openDispatchSecret(processInstanceId: string, sealed: string): string {
    return this.box.open(sealed, `dispatch:${processInstanceId}`);
  }

  async putWorkflow(processInstanceId: string, workflow: Workflow): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.workflows(processInstanceId), workflow.workflowId, JSON.stringify(workflow))
      .publish(this.keys.endpointChanges(), processInstanceId)
      .exec();
  }

  async getWorkflow(processInstanceId: string, workflowId: string): Promise<Workflow | undefined> {
    const json = await this.redis.hget(this.keys.workflows(processInstanceId), workflowId);
    return json ? (JSON.parse(json) as Workflow) : undefined;
  }

  async listWorkflows(processInstanceId: string): Promise<Workflow[]> {
    const all = await this.redis.hvals(this.keys.workflows(processInstanceId));
    return all.map((json) => JSON.parse(json) as Workflow).sort((a, b) => a.workflowId.localeCompare(b.workflowId));
  }

  async deleteWorkflow(processInstanceId: string, workflowId: string): Promise<boolean> {
    const [[, removed] = []] =
      (await this.redis
        .multi()
        .hdel(this.keys.workflows(processInstanceId), workflowId)
        .del(this.keys.signingSecrets(processInstanceId, workflowId))
        .publish(this.keys.endpointChanges(), processInstanceId)
        .exec()) ?? [];
    return removed === 1;
  }
}

export function publicInstance(record: InstanceAuthRecord): Instance {
  const { apiKeyHash: _hash, ...instance } = record;
  return instance;
}

function fromHash(h: Record<string, string>): InstanceAuthRecord | undefined {
  if (!h.processInstanceId) return undefined;
  return {
    processInstanceId: h.processInstanceId,
    organizationId: h.organizationId ?? '',
    name: h.name ?? '',
    active: h.active === '1',
    apiKeyHint: h.apiKeyHint ?? '',
    apiKeyHash: h.apiKeyHash ?? '',
    createdAt: h.createdAt ?? '',
    updatedAt: h.updatedAt ?? '',
  };
}
