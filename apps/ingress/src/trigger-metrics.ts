import type { SluiceMetrics } from '@sluice/observability';

/**
 * The trigger's metrics through labelled children looked up once per label set: prom-client
 * hashes the label object on every inc(), which adds up at tens of thousands of events a second.
 */
export class TriggerMetrics {
  private readonly children = new Map<string, { inc(): void } | { observe(v: number): void }>();

  constructor(private readonly metrics: SluiceMetrics | undefined) {}

  ingest(authMethod: string, outcome: string): void {
    if (!this.metrics) return;
    const m = this.metrics;
    (this.child(`i ${authMethod} ${outcome}`, () => m.ingests.labels({ auth_method: authMethod, outcome })) as { inc(): void }).inc();
  }

  answered(route: string, status: number): void {
    if (!this.metrics) return;
    const m = this.metrics;
    (this.child(`h ${route} ${status}`, () => m.httpRequests.labels({ method: 'POST', route, status: String(status) })) as { inc(): void }).inc();
  }

  verified(scheme: string, seconds: number): void {
    if (!this.metrics) return;
    const m = this.metrics;
    (this.child(`v ${scheme}`, () => m.verifySeconds.labels({ scheme })) as { observe(v: number): void }).observe(seconds);
  }

  private child<T extends { inc(): void } | { observe(v: number): void }>(key: string, make: () => T): T {
    let child = this.children.get(key) as T | undefined;
    if (child === undefined) {
      child = make();
      this.children.set(key, child);
    }
    return child;
  }
}
