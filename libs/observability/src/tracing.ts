import { type Context, SpanKind, type Span, context, propagation, trace } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';

const TRACER = 'sluice';

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK. Off unless asked for: production passes nothing and the
 * OTLP exporter configures itself from the standard OTEL_* variables; tests pass an
 * in-memory exporter. Without a registered provider every span below is a no-op.
 */
export async function startTracing(options: { exporter?: SpanExporter } = {}): Promise<Tracing> {
  // Loaded only when tracing is on: the SDK is ~15 MB of resident memory an untraced process
  // would carry for nothing.
  const { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } = await import('@opentelemetry/sdk-trace-node');
  let processor;
  if (options.exporter) {
    processor = new SimpleSpanProcessor(options.exporter);
  } else {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    processor = new BatchSpanProcessor(new OTLPTraceExporter());
  }
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

/** The context carried by W3C trace headers (e.g. a sender's or a job's `traceparent`). */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), headers);
}

/** `traceparent` for a span, or undefined when tracing is off (the span is not recording). */
export function traceparentOf(span: Span): string | undefined {
  if (!span.isRecording()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(trace.setSpan(context.active(), span), carrier);
  return carrier.traceparent;
}

const SPAN_KINDS = { server: SpanKind.SERVER, client: SpanKind.CLIENT, consumer: SpanKind.CONSUMER } as const;

export function startSpan(name: string, kind: keyof typeof SPAN_KINDS, parent: Context, attributes: Record<string, string | number> = {}): Span {
  return trace.getTracer(TRACER).startSpan(name, { kind: SPAN_KINDS[kind], attributes }, parent);
}
