import type { Redis } from 'ioredis';

/**
 * The pushed-invalidation half of an in-process registry cache (ADR 0003): a pub/sub channel on
 * which every registry write publishes what it changed, in the same MULTI as the write.
 *
 * The feed says whether a cache may serve from memory (`live`: the subscription is confirmed),
 * counts invalidations (`generation`, so a read that overlapped one is not cached) and calls
 * `reset` whenever messages may have been missed (the connection dropped), so the cache empties.
 */
export class InvalidationFeed {
  live = false;
  generation = 0;

  constructor(
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly onChange: (message: string) => void,
    private readonly reset: () => void,
  ) {}

  /** Subscribes; resolves once the subscription is confirmed. */
  async start(): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      this.generation++;
      this.onChange(message);
    });
    this.subscriber.on('close', () => this.goDark());
    this.subscriber.on('end', () => this.goDark());
    // ioredis resubscribes on reconnect; confirming it ourselves tells us when it is done.
    this.subscriber.on('ready', () => {
      void this.confirm();
    });
    await this.confirm();
  }

  /**
   * Resolves after the event loop's current poll phase, so a message already in the socket when
   * a request arrived is applied before the request is answered from memory.
   */
  settled(): Promise<void> {
    return new Promise<void>((resolve) => setImmediate(resolve));
  }

  private goDark(): void {
    this.live = false;
    this.generation++;
    this.reset();
  }

  private async confirm(): Promise<void> {
    try {
      await this.subscriber.subscribe(this.channel);
      this.generation++;
      this.reset();
      this.live = true;
    } catch {
      this.goDark();
    }
  }
}
