import type { Redis } from 'ioredis';

export interface InvalidatedCacheOptions<V> {
  /** A subscriber-mode connection (one per process may serve several caches). */
  subscriber: Redis;
  /** The pub/sub channel every registry write publishes its change on, in the write's MULTI. */
  channel: string;
  /** Which entries a message on the channel makes stale. */
  staleOn: (message: string) => (key: string, value: V) => boolean;
  /** Safety net only: invalidation is pushed, so entries rarely live this long. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

/**
 * The core of the in-process registry caches (ADR 0003): entries invalidated by messages pushed
 * through Redis pub/sub. Four rules keep "a change reaches every replica at once" true:
 * - nothing is served from memory unless the subscription is confirmed; a lost connection
 *   empties the cache, since messages may have been missed meanwhile;
 * - a load that overlapped an invalidation is not cached (a generation counter);
 * - a hit is answered only after the event loop's current poll phase, so a message already in
 *   the socket when the request arrived is applied first (the write's message reaches every
 *   subscriber before the admin call that made it returns);
 * - entries expire after `ttlMs` anyway, for writes made outside Sluice.
 */
export class InvalidatedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAtMs: number }>();
  private live = false;
  private generation = 0;
  /** The pending after-poll-phase barrier that hits in this phase share. */
  private barrier: Promise<void> | undefined;
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: InvalidatedCacheOptions<V>) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** Subscribes; resolves once the subscription is confirmed (until then nothing is cached). */
  async start(): Promise<void> {
    const { subscriber, channel } = this.options;
    subscriber.on('message', (from: string, message: string) => {
      if (from === channel) this.invalidate(message);
    });
    subscriber.on('close', () => this.reset(false));
    subscriber.on('end', () => this.reset(false));
    // ioredis resubscribes on reconnect; confirming it ourselves tells us when it is done.
    subscriber.on('ready', () => {
      void this.confirm();
    });
    await this.confirm();
  }

  /** Whether entries are being served (the subscription is confirmed). */
  get serving(): boolean {
    return this.live;
  }

  /**
   * The cached value of `key`, or `load()`'s, which is kept when `cacheable` says so (values of
   * unknown ids are not, so random ids cannot evict real entries).
   */
  async get(key: string, load: () => Promise<V>, cacheable: (value: V) => boolean): Promise<V> {
    const nowMs = this.now();
    if (this.live && this.entries.has(key)) {
      await this.afterPollPhase();
      const entry = this.entries.get(key);
      if (this.live && entry && entry.expiresAtMs > nowMs) return entry.value;
    }
    const startedAt = this.generation;
    const value = await load();
    if (cacheable(value) && this.live && startedAt === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlMs });
    }
    return value;
  }

  /**
   * Resolves in the check phase after the current poll phase, once any invalidation already in the
   * subscriber's socket has been applied. Hits in the same phase share one immediate.
   */
  private afterPollPhase(): Promise<void> {
    return (this.barrier ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.barrier = undefined;
        resolve();
      }),
    ));
  }

  /** Applies a change, as a message on the channel does. */
  invalidate(message: string): void {
    this.generation++;
    const stale = this.options.staleOn(message);
    for (const [key, entry] of this.entries) if (stale(key, entry.value)) this.entries.delete(key);
  }

  private reset(live: boolean): void {
    this.generation++;
    this.entries.clear();
    this.live = live;
  }

  private async confirm(): Promise<void> {
    try {
      await this.options.subscriber.subscribe(this.options.channel);
      this.reset(true);
    } catch {
      this.reset(false);
    }
  }
}
