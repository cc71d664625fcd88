import type { SluiceConfig } from '@sluice/config';
import type { EnqueueOptions } from '@sluice/queue';

/** How every run is queued (dedupe window, retention, attempts, backoff), from the config. */
export function runPolicy(config: SluiceConfig): Omit<EnqueueOptions, 'deliveryId'> {
  return {
    dedupeTtlSec: config.dedupeTtlSec,
    retentionSec: config.executionTtlSec,
    attempts: config.dispatchAttempts,
    backoffMs: config.dispatchBackoffMs,
  };
}
