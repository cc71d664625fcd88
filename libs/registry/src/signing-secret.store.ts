import type { Redis } from 'ioredis';
import { generateId } from '@sluice/auth';
import type { RegistryKeys } from './registry-keys';
import type { SecretBox } from './secret-box';
import type { SigningSecretInfo, SigningSecretMaterial, SigningSecretScheme } from './types';

export type NewSigningSecret =
  | { scheme: Exclude<SigningSecretScheme, 'gcp-pubsub-oidc'>; secret: string; label?: string; expiresAt?: Date }
  | { scheme: 'gcp-pubsub-oidc'; audience: string; serviceAccountEmail: string; label?: string; expiresAt?: Date };

export interface StoredSecret extends SigningSecretInfo {
  sealed?: string;
}

/** Decrypted secrets by ciphertext: a sealed value never changes, so the cache never goes stale. */
const OPENED_LIMIT = 10_000;

/**
 * Signing secrets per workflow endpoint `(pid, wid)`: several at once (rotation, several
 * senders), each labelled. HMAC secrets must be recoverable, so they are sealed with
 * AES-256-GCM bound to their location; the API never returns them after creation.
 */
export class SigningSecretStore {
  private readonly opened = new Map<string, string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: RegistryKeys,
    private readonly box: SecretBox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async add(processInstanceId: string, workflowId: string, input: NewSigningSecret): Promise<SigningSecretInfo> {
    const secretId = generateId('sec');
    const info: SigningSecretInfo = {
      secretId,
      label: input.label ?? input.scheme,
      scheme: input.scheme,
      createdAt: this.now().toISOString(),
      ...(input.expiresAt ? { expiresAt: input.expiresAt.toISOString() } : {}),
      ...(input.scheme === 'gcp-pubsub-oidc'
        ? { audience: input.audience, serviceAccountEmail: input.serviceAccountEmail }
        : {}),
    };
    const stored: StoredSecret = {
      ...info,
      ...(input.scheme !== 'gcp-pubsub-oidc'
        ? { sealed: this.box.seal(input.secret, context(processInstanceId, workflowId, secretId)) }
        : {}),
    };
    await this.redis
      .multi()
      .hset(this.keys.signingSecrets(processInstanceId, workflowId), secretId, JSON.stringify(stored))
      .publish(this.keys.endpointChanges(), processInstanceId)
      .exec();
    return info;
  }

  async list(processInstanceId: string, workflowId: string): Promise<SigningSecretInfo[]> {
    return (await this.readAll(processInstanceId, workflowId)).map(({ sealed: _sealed, ...info }) => info);
  }

  /** Unexpired secrets with their plaintext, for verification only. */
  async material(processInstanceId: string, workflowId: string): Promise<SigningSecretMaterial[]> {
    const stored = await this.readAll(processInstanceId, workflowId);
    return unexpired(this.openAll(processInstanceId, workflowId, stored), this.now().getTime());
  }

  /** Every stored secret with its plaintext, expired ones included (the endpoint cache filters per use). */
  openAll(processInstanceId: string, workflowId: string, stored: readonly StoredSecret[]): SigningSecretMaterial[] {
    return stored.map(({ sealed, ...info }) => ({
      ...info,
      ...(sealed ? { secret: this.open(sealed, context(processInstanceId, workflowId, info.secretId)) } : {}),
    }));
  }

  private open(sealed: string, where: string): string {
    const cacheKey = `${where}\n${sealed}`;
    let plain = this.opened.get(cacheKey);
    if (plain === undefined) {
      plain = this.box.open(sealed, where);
      if (this.opened.size >= OPENED_LIMIT) this.opened.clear();
      this.opened.set(cacheKey, plain);
    }
    return plain;
  }

  async remove(processInstanceId: string, workflowId: string, secretId: string): Promise<boolean> {
    const [[, removed] = []] =
      (await this.redis
        .multi()
        .hdel(this.keys.signingSecrets(processInstanceId, workflowId), secretId)
        .publish(this.keys.endpointChanges(), processInstanceId)
        .exec()) ?? [];
    return removed === 1;
  }

  private async readAll(processInstanceId: string, workflowId: string): Promise<StoredSecret[]> {
    return parseStoredSecrets(await this.redis.hvals(this.keys.signingSecrets(processInstanceId, workflowId)));
  }
}

/** The secrets not yet expired at nowMs (the same array when none has an expiry). */
export function unexpired(material: readonly SigningSecretMaterial[], nowMs: number): SigningSecretMaterial[] {
  if (!material.some((m) => m.expiresAt)) return material as SigningSecretMaterial[];
  return material.filter((m) => !m.expiresAt || Date.parse(m.expiresAt) > nowMs);
}

function context(pid: string, wid: string, secretId: string): string {
  return `signing:${pid}:${wid}:${secretId}`;
}

export function parseStoredSecrets(values: readonly string[]): StoredSecret[] {
  return values.map((json) => JSON.parse(json) as StoredSecret).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
