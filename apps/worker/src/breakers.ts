import CircuitBreaker from 'opossum';
import type { Dispatcher } from 'undici';
import type { Logger, SluiceMetrics } from '@sluice/observability';

export type TargetResponse = Dispatcher.ResponseData;
/** Fires one call to a target; the call's own AbortSignal times it out. */
export type TargetBreaker = CircuitBreaker<[() => Promise<TargetResponse>], TargetResponse>;

/** A 4xx is the request's fault, not the target's: it must never open a breaker. */
export class ClientRejection extends Error {
  constructor(readonly statusCode: number) {
    super(`HTTP ${statusCode}`);
  }
}

export interface BreakerOptions {
  resetTimeoutMs: number;
  errorThresholdPercentage: number;
  volumeThreshold: number;
}

const DEFAULTS: BreakerOptions = { resetTimeoutMs: 10_000, errorThresholdPercentage: 50, volumeThreshold: 10 };

/**
 * One opossum breaker per target origin (STYLE 10). The breaker does not time calls out
 * itself: the dispatch's AbortSignal does, so a timeout also cancels the socket.
 */
export class Breakers {
  private readonly byOrigin = new Map<string, TargetBreaker>();

  constructor(
    private readonly logger: Logger,
    private readonly options: BreakerOptions = DEFAULTS,
    private readonly metrics?: SluiceMetrics,
  ) {}

  get resetTimeoutMs(): number {
    return this.options.resetTimeoutMs;
  }

  for(origin: string): TargetBreaker {
    let breaker = this.byOrigin.get(origin);
    if (!breaker) {
      breaker = new CircuitBreaker((call: () => Promise<TargetResponse>) => call(), {
        timeout: false,
        resetTimeout: this.options.resetTimeoutMs,
        errorThresholdPercentage: this.options.errorThresholdPercentage,
        volumeThreshold: this.options.volumeThreshold,
        errorFilter: (err: unknown) => err instanceof ClientRejection,
        // Latency percentiles are computed per call and nobody reads them (metrics have their own).
        rollingPercentilesEnabled: false,
      });
      const state = (value: number) => this.metrics?.breakerState.set({ origin }, value);
      state(0);
      breaker.on('open', () => {
        state(2);
        this.logger.warn({ origin }, 'circuit breaker opened');
      });
      breaker.on('halfOpen', () => {
        state(1);
        this.logger.info({ origin }, 'circuit breaker half-open');
      });
      breaker.on('close', () => {
        state(0);
        this.logger.info({ origin }, 'circuit breaker closed');
      });
      this.byOrigin.set(origin, breaker);
    }
    return breaker;
  }

  shutdown(): void {
    for (const breaker of this.byOrigin.values()) breaker.shutdown();
    this.byOrigin.clear();
  }
}
