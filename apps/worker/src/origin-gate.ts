/**
 * Keeps one slow target from taking every dispatch slot of this worker: at most `limit` runs
 * in flight per target origin, so runs for other targets always find a free slot.
 *
 * A run that finds its origin full waits up to `maxWaitMs` for one of the origin's runs to
 * leave (first come, first served) before the caller steps it aside. A fast target frees a
 * place within milliseconds, so a backlog for one origin flows without bouncing half of its
 * runs through the delayed set; a slow target holds a waiting slot for at most `maxWaitMs`.
 */
export class OriginGate {
  private readonly origins = new Map<string, { inFlight: number; waiting: Array<() => void> }>();

  constructor(
    readonly limit: number,
    readonly maxWaitMs = 100,
  ) {}

  /** True once the run holds a place for `origin` (call leave() after); false if none came free in time. */
  async enter(origin: string): Promise<boolean> {
    let state = this.origins.get(origin);
    if (!state) {
      state = { inFlight: 0, waiting: [] };
      this.origins.set(origin, state);
    }
    if (state.inFlight < this.limit) {
      state.inFlight += 1;
      return true;
    }
    if (this.maxWaitMs <= 0) return false;
    const { waiting } = state;
    return new Promise<boolean>((resolve) => {
      const admit = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(admit), 1);
        resolve(false);
      }, this.maxWaitMs);
      waiting.push(admit);
    });
  }

  /** Gives the place to the longest-waiting run of this origin, if any. */
  leave(origin: string): void {
    const state = this.origins.get(origin);
    if (!state) return;
    const next = state.waiting.shift();
    if (next) {
      next();
      return;
    }
    state.inFlight -= 1;
    if (state.inFlight <= 0) this.origins.delete(origin);
  }
}

/** Half the worker's slots per origin (at least one). */
export function originLimitFor(workerConcurrency: number): number {
  return Math.max(1, Math.floor(workerConcurrency / 2));
}
