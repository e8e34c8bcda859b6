// Two real processes, both instrumented: gateway calls orders over HTTP (fetch), both export to one
// collector. The collector must see one trace per request across both services, with the right
// parents and each service under its own service.name.
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson, openTraceStore } from '@x/tracer-store';
import { runTwoServices, type CollectedSpan } from '../src/services/two-services.js';

const REMOTE_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const UNSAMPLED_TRACE = '5bf92f3577b34da6a3ce929d0e0e4736';

function single(spans: readonly CollectedSpan[], pick: (span: CollectedSpan) => boolean): CollectedSpan {
  const found = spans.filter(pick);
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('two services in two processes', () => {
  it('one trace per request across gateway and orders, parents right, each service its own name', async () => {
    const { spans, requests } = await runTwoServices([
      { orderId: 1 },
      { orderId: 2, traceparent: `00-${REMOTE_TRACE}-00f067aa0ba902b7-01` },
      { orderId: 3, traceparent: `00-${UNSAMPLED_TRACE}-00f067aa0ba902b7-00` },
    ]);
    expect(requests.map((request) => request.status)).toEqual([201, 201, 201]);
    const traces = [...new Set(spans.map((span) => span.traceId))];
    expect(traces).toHaveLength(2);
    expect(traces).toContain(REMOTE_TRACE);
    expect(traces).not.toContain(UNSAMPLED_TRACE);

    for (const traceId of traces) {
      const trace = spans.filter((span) => span.traceId === traceId);
      expect(trace).toHaveLength(5);
      const entry = single(trace, (span) => span.service === 'gateway' && span.kind === 2);
      const auth = single(trace, (span) => span.name === 'auth.verify');
      const call = single(trace, (span) => span.service === 'gateway' && span.kind === 3);
      const orders = single(trace, (span) => span.service === 'orders' && span.kind === 2);
      const insert = single(trace, (span) => span.name === 'db.insert');
      expect(entry.parentSpanId).toBe(traceId === REMOTE_TRACE ? '00f067aa0ba902b7' : '');
      expect(auth.parentSpanId).toBe(entry.spanId);
      expect(call.parentSpanId).toBe(entry.spanId);
      expect(orders.parentSpanId).toBe(call.spanId);
      expect(insert).toMatchObject({ parentSpanId: orders.spanId, service: 'orders' });
      expect(entry.attributes['http.route']).toBe('/checkout');
      expect([entry.name, call.name, orders.name]).toEqual(['POST /checkout', 'POST', 'POST /orders']);
      expect(orders.attributes['http.route']).toBe('/orders');
      expect(call.attributes['url.full']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/orders$/);
    }
  }, 30_000);
});

describe('two services into the trace store', () => {
  it('stores what the collector takes: one trace per request, the gateway its root', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    await runTwoServices([{ orderId: 7 }], async (body) => void (await store.write(decodeOtlpJson(body).rows)));
    const [summary] = await store.searchTraces();
    expect(summary).toMatchObject({ root_service: 'gateway', span_count: 5, services: expect.arrayContaining([expect.objectContaining({ name: 'orders' })]) });
    const trace = await store.getTrace(summary!.trace_id);
    expect(new Set(trace!.spans.map((span) => span.service_name))).toEqual(new Set(['gateway', 'orders']));
    await store.close();
  }, 30_000);
});
