import type { Redis } from 'ioredis';
import type { InstanceAuthRecord, InstanceStore } from './instance.store';
import { InvalidatedCache } from './invalidated-cache';
import type { RegistryKeys } from './registry-keys';
import { type SigningSecretStore, unexpired } from './signing-secret.store';
import type { SigningSecretMaterial, Workflow } from './types';

/** What the trigger path needs about one endpoint `(pid, wid)`. */
export interface Endpoint {
  instance?: InstanceAuthRecord;
  workflow?: Workflow;
  /** Signing secrets with their plaintext; unexpired ones when returned by `get`. */
  material: SigningSecretMaterial[];
  /** The instance's dispatch secret (the worker signs dispatches with it). */
  dispatchSecret?: string;
}

/** Wraps the Redis read of a cache miss (a deadline, say). */
export type BoundRead = (read: Promise<Endpoint>) => Promise<Endpoint>;

export interface EndpointCacheOptions {
  /** A subscriber-mode connection (may be shared with an OrgKeyCache). */
  subscriber: Redis;
  keys: RegistryKeys;
  instances: InstanceStore;
  signingSecrets: SigningSecretStore;
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

type EndpointStores = Pick<EndpointCacheOptions, 'instances' | 'signingSecrets'>;

/** One read of an endpoint from Redis (one round trip), every stored secret decrypted. */
async function readEndpoint({ instances, signingSecrets }: EndpointStores, pid: string, wid: string): Promise<Endpoint> {
  const { instance, workflow, storedSecrets, sealedDispatchSecret } = await instances.getEndpoint(pid, wid);
  if (!instance || !workflow) return { instance, workflow, material: [] };
  return {
    instance,
    workflow,
    material: signingSecrets.openAll(pid, wid, storedSecrets),
    ...(sealedDispatchSecret ? { dispatchSecret: instances.openDispatchSecret(pid, sealedDispatchSecret) } : {}),
  };
}

/**
 * Endpoints (instance, workflow, decrypted signing and dispatch secrets) cached in-process, so
 * an accepted event costs one Redis round trip (the enqueue) instead of two, and a dispatch reads
 * nothing from the registry. Every registry write publishes the instance id on the
 * endpoint-changes channel in the same MULTI as the write (InstanceStore, SigningSecretStore);
 * InvalidatedCache holds the rules that make that reach every replica at once (ADR 0003).
 * Only complete endpoints are cached. Secret expiry is judged at each use.
 */
export class EndpointCache {
  private readonly cache: InvalidatedCache<Endpoint>;
  private readonly now: () => number;

  constructor(private readonly options: EndpointCacheOptions) {
    this.now = options.now ?? Date.now;
    this.cache = new InvalidatedCache<Endpoint>({
      subscriber: options.subscriber,
      channel: options.keys.endpointChanges(),
      staleOn: (processInstanceId) => (key) => key.startsWith(`${processInstanceId} `),
      ...(options.ttlMs !== undefined ? { ttlMs: options.ttlMs } : {}),
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      now: this.now,
    });
  }

  /** Subscribes; resolves once the subscription is confirmed (until then nothing is cached). */
  start(): Promise<void> {
    return this.cache.start();
  }

  /** Whether entries are being served (the subscription is confirmed). */
  get serving(): boolean {
    return this.cache.serving;
  }

  /**
   * The endpoint, from memory when cached. `bound`, when given, wraps the Redis read a miss makes
   * (the ingress's deadline), so a hit pays for no timer.
   */
  async get(processInstanceId: string, workflowId: string, bound?: BoundRead): Promise<Endpoint> {
    const endpoint = await this.cache.get(
      `${processInstanceId} ${workflowId}`,
      () => {
        const read = readEndpoint(this.options, processInstanceId, workflowId);
        return bound ? bound(read) : read;
      },
      (e) => e.instance !== undefined && e.workflow !== undefined,
    );
    return withUnexpiredMaterial(endpoint, this.now());
  }

  /** Drops every cached endpoint of an instance, as a message on the channel does. */
  invalidate(processInstanceId: string): void {
    this.cache.invalidate(processInstanceId);
  }
}

/** Endpoints read from Redis on every call: for callers that run without a cache (tests, tools). */
export function uncachedEndpoints(stores: EndpointStores): Pick<EndpointCache, 'get'> {
  return {
    get: async (pid, wid, bound) => {
      const read = readEndpoint(stores, pid, wid);
      return withUnexpiredMaterial(await (bound ? bound(read) : read), Date.now());
    },
  };
}

/** The endpoint itself when none of its secrets has expired (the common case: no copy). */
function withUnexpiredMaterial(endpoint: Endpoint, nowMs: number): Endpoint {
  const material = unexpired(endpoint.material, nowMs);
  return material === endpoint.material ? endpoint : { ...endpoint, material };
}
