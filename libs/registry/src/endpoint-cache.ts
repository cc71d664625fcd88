import type { Redis } from 'ioredis';
import type { InstanceAuthRecord, InstanceStore } from './instance.store';
import { InvalidationFeed } from './invalidation-feed';
import type { RegistryKeys } from './registry-keys';
import { type SigningSecretStore, unexpired } from './signing-secret.store';
import type { SigningSecretMaterial, Workflow } from './types';

/** What the trigger path needs about one endpoint `(pid, wid)`. */
export interface Endpoint {
  instance?: InstanceAuthRecord;
  workflow?: Workflow;
  /** Unexpired signing secrets with their plaintext. */
  material: SigningSecretMaterial[];
  /** The instance's dispatch secret (the worker signs dispatches with it). */
  dispatchSecret?: string;
}

interface Entry {
  instance: InstanceAuthRecord;
  workflow: Workflow;
  material: SigningSecretMaterial[];
  dispatchSecret?: string;
  expiresAtMs: number;
}

export interface EndpointCacheOptions {
  /** A connection of its own: it is put in subscriber mode. */
  subscriber: Redis;
  keys: RegistryKeys;
  instances: InstanceStore;
  signingSecrets: SigningSecretStore;
  /** Safety net only: invalidation is pushed, so entries rarely live this long. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * Endpoints (instance, workflow, decrypted signing and dispatch secrets) cached in-process, so
 * an accepted event costs one Redis round trip (the enqueue) instead of two, and a dispatch reads
 * nothing from the registry.
 *
 * Invalidation is pushed: every registry write publishes the instance id on the
 * endpoint-changes channel in the same MULTI as the write (see InstanceStore and
 * SigningSecretStore), and each replica drops that instance's entries when the message arrives.
 * Three rules keep "a regenerated key dies at once on every replica" (DESIGN §3) true:
 * - nothing is served from the cache unless the subscription is confirmed; a lost connection
 *   clears the cache, since messages may have been missed meanwhile;
 * - a read that raced an invalidation is not cached (a generation counter detects it);
 * - a hit is answered only after the event loop's current poll phase, so an invalidation that
 *   was already in the socket when the request arrived is applied first. The write's message
 *   reaches every subscriber before the admin call that made it returns, so any request sent
 *   after that answer finds the message ahead of it.
 * Only complete endpoints are cached: unknown ids always go to Redis, so random ids cannot
 * evict real entries.
 */
export class EndpointCache {
  private readonly entries = new Map<string, Entry>();
  private readonly feed: InvalidationFeed;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: EndpointCacheOptions) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
    this.feed = new InvalidationFeed(
      options.subscriber,
      options.keys.endpointChanges(),
      (processInstanceId) => this.drop(processInstanceId),
      () => this.entries.clear(),
    );
  }

  /** Subscribes; resolves once the subscription is confirmed (until then nothing is cached). */
  start(): Promise<void> {
    return this.feed.start();
  }

  /** Whether entries are being served (the subscription is confirmed). */
  get serving(): boolean {
    return this.feed.live;
  }

  async get(processInstanceId: string, workflowId: string): Promise<Endpoint> {
    const key = `${processInstanceId} ${workflowId}`;
    const nowMs = this.now();
    if (this.feed.live && this.entries.has(key)) {
      await this.feed.settled();
      const entry = this.entries.get(key);
      if (this.feed.live && entry && entry.expiresAtMs > nowMs) {
        return { instance: entry.instance, workflow: entry.workflow, material: unexpired(entry.material, nowMs), dispatchSecret: entry.dispatchSecret };
      }
    }
    const startedAt = this.feed.generation;
    const { instance, workflow, storedSecrets, sealedDispatchSecret } = await this.options.instances.getEndpoint(processInstanceId, workflowId);
    const complete = instance !== undefined && workflow !== undefined;
    const material = complete ? this.options.signingSecrets.openAll(processInstanceId, workflowId, storedSecrets) : [];
    const dispatchSecret = complete && sealedDispatchSecret ? this.options.instances.openDispatchSecret(processInstanceId, sealedDispatchSecret) : undefined;
    if (complete && this.feed.live && startedAt === this.feed.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { instance, workflow, material, dispatchSecret, expiresAtMs: nowMs + this.ttlMs });
    }
    return { instance, workflow, material: unexpired(material, nowMs), dispatchSecret };
  }

  /** Drops every cached endpoint of an instance, as a message on the channel does. */
  invalidate(processInstanceId: string): void {
    this.feed.generation++;
    this.drop(processInstanceId);
  }

  private drop(processInstanceId: string): void {
    const prefix = `${processInstanceId} `;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
