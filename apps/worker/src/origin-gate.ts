/**
 * Keeps one slow target from taking every dispatch slot of this worker: at most `limit` runs
 * in flight per target origin, so runs for other targets always find a free slot.
 */
export class OriginGate {
  private readonly inFlight = new Map<string, number>();

  constructor(readonly limit: number) {}

  tryEnter(origin: string): boolean {
    const current = this.inFlight.get(origin) ?? 0;
    if (current >= this.limit) return false;
    this.inFlight.set(origin, current + 1);
    return true;
  }

  leave(origin: string): void {
    const current = this.inFlight.get(origin) ?? 0;
    if (current <= 1) this.inFlight.delete(origin);
    else this.inFlight.set(origin, current - 1);
  }
}

/** Half the worker's slots per origin (at least one). */
export function originLimitFor(workerConcurrency: number): number {
  return Math.max(1, Math.floor(workerConcurrency / 2));
}
