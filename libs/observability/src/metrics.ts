import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Every Prometheus metric Sluice exports, on one registry per process. Labels carry only
 * bounded, non-secret values: route patterns (never paths with ids), auth methods, outcome
 * codes, schemes, target origins. No key, secret, id or path parameter is ever a label.
 */
export interface SluiceMetrics {
  registry: Registry;
  /**
   * The exposition text /metrics serves: this process's registry, or, in a process of a
   * multi-process server, the sum over every process (see apps/server cluster.ts).
   */
  text: () => Promise<string>;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  ingests: Counter<'auth_method' | 'outcome'>;
  verifySeconds: Histogram<'scheme'>;
  queueWaiting: Gauge;
  queueOldestWaitingSeconds: Gauge;
  dispatchAttempts: Counter<'outcome'>;
  dispatchSeconds: Histogram<'origin'>;
  breakerState: Gauge<'origin'>;
  runSeconds: Histogram<'status'>;
}

export interface QueueProbe {
  waiting(): Promise<number>;
  oldestWaitingAgeSeconds(): Promise<number>;
}

export function createMetrics(options: { queueProbe?: QueueProbe; defaultMetrics?: boolean } = {}): SluiceMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'sluice_' });
  const probe = options.queueProbe;
  return {
    registry,
    text: () => registry.metrics(),
    httpRequests: new Counter({
      name: 'sluice_http_requests_total',
      help: 'HTTP requests by route pattern, method and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    ingests: new Counter({
      name: 'sluice_ingests_total',
      help: 'Trigger requests by auth method and outcome (accepted, duplicate, or the rejection code)',
      labelNames: ['auth_method', 'outcome'],
      registers: [registry],
    }),
    verifySeconds: new Histogram({
      name: 'sluice_signature_verify_seconds',
      help: 'Time to verify a sender signature, secrets lookup included',
      labelNames: ['scheme'],
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.25],
      registers: [registry],
    }),
    queueWaiting: new Gauge({
      name: 'sluice_queue_waiting',
      help: 'Runs waiting for a worker',
      registers: [registry],
      // Every process reads the same queue: summing over processes would multiply it.
      aggregator: 'first',
      async collect() {
        if (probe) this.set(await probe.waiting());
      },
    }),
    queueOldestWaitingSeconds: new Gauge({
      name: 'sluice_queue_oldest_waiting_age_seconds',
      help: 'Age of the oldest run waiting for a worker',
      registers: [registry],
      aggregator: 'first',
      async collect() {
        if (probe) this.set(await probe.oldestWaitingAgeSeconds());
      },
    }),
    dispatchAttempts: new Counter({
      name: 'sluice_dispatch_attempts_total',
      help: 'Dispatch attempts by outcome (success, retry, failed, delayed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    dispatchSeconds: new Histogram({
      name: 'sluice_dispatch_duration_seconds',
      help: 'Dispatch attempt latency by target origin',
      labelNames: ['origin'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    breakerState: new Gauge({
      name: 'sluice_breaker_state',
      help: 'Circuit breaker state per target origin: 0 closed, 1 half-open, 2 open',
      labelNames: ['origin'],
      registers: [registry],
      // Each process has its own breakers: report the most open one.
      aggregator: 'max',
    }),
    runSeconds: new Histogram({
      name: 'sluice_run_duration_seconds',
      help: 'Time from receipt to terminal state, by final status',
      labelNames: ['status'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 3600],
      registers: [registry],
    }),
  };
}
