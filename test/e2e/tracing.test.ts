import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { type Tracing, startTracing } from '@sluice/observability';
import { type TestSluice, api, pollUntilDone, startTestSluice } from '../support/harness';
import { TestTarget } from '../support/target';

// Issue 6: one trace from the sender's request through the queue to the dispatch.
describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let sluice: TestSluice;
  let target: TestTarget;

  beforeAll(async () => {
    tracing = await startTracing({ exporter });
    target = await new TestTarget().start();
    sluice = await startTestSluice('tracing');
  });
  afterAll(async () => {
    await sluice.stop();
    await target.stop();
    await tracing.shutdown();
  });

  it("continues the sender's trace across ingress and worker and hands it to the target", async () => {
    const created = await api(sluice.url, 'POST', '/v1/instances', {
      headers: { 'X-Process-Manager-Key': sluice.orgKey },
      body: { name: 't', workflows: [{ workflowId: 'w', target: { url: `${target.url}/t` } }] },
    });
    const pid = created.body.processInstanceId as string;
    const apiKey = created.body.apiKey as string;
    const senderTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await api(sluice.url, 'POST', `/webhook/${pid}/w`, {
      headers: { 'X-API-Key': apiKey, traceparent: `00-${senderTrace}-00f067aa0ba902b7-01` },
      body: { payload: {} },
    });
    await pollUntilDone(sluice.url, pid, res.body.executionId as string, apiKey);

    const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === senderTrace);
    const ingest = spans.find((s) => s.name === 'sluice.ingest');
    const dispatch = spans.find((s) => s.name === 'sluice.dispatch');
    expect(ingest).toBeDefined();
    expect(dispatch).toBeDefined();
    expect(ingest!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(dispatch!.parentSpanContext?.spanId).toBe(ingest!.spanContext().spanId);
    expect(dispatch!.attributes['http.response.status_code']).toBe(200);

    const received = target.received.find((r) => r.headers['idempotency-key'] === res.body.executionId)!;
    expect(received.headers.traceparent).toBe(`00-${senderTrace}-${dispatch!.spanContext().spanId}-01`);
    // No key in any span attribute.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain(apiKey);
  });
});
