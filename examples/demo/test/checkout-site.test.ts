import { afterEach, describe, expect, it } from 'vitest';
import { configure, flush } from '@x/trace';
import { SpanHandle, SpanKind, SpanStatusCode } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { handleCheckout } from '../src/checkout-site.js';

afterEach(() => {
  configure();
  flush();
});

describe('demo checkout site', () => {
  it('records one trace of five spans per sampled request, with the right tree, through whatever tracer is configured', async () => {
    const tracer = createMemoryTracer();
    configure({ tracer });
    const request = await handleCheckout({ orderId: 1 });
    const spans = tracer.drain();
    expect(spans).toHaveLength(5);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([request.traceId]));
    const root = spans.find((s) => s.parentSpanId === undefined)!;
    expect(root).toMatchObject({ name: 'POST /checkout', kind: SpanKind.SERVER, spanId: request.spanId });
    expect(root.attributes).toMatchObject({ 'order.id': 1, 'http.response.status_code': 201 });
    expect(root.events.map((e) => e.name)).toEqual(['order.placed']);
    expect(spans.filter((s) => s.parentSpanId === root.spanId).map((s) => s.name)).toEqual([
      'auth.verify',
      'db.query',
      'POST payments.example/charges',
      'db.query',
    ]);
    expect(flush()).toHaveLength(5);
  });

  it('joins a remote trace and marks the failed payment as an error', async () => {
    const tracer = createMemoryTracer();
    configure({ tracer });
    const remote = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
    await handleCheckout({ orderId: 2, parent: remote, failPayment: true });
    const spans = tracer.drain();
    const root = spans.find((s) => s.name === 'POST /checkout')!;
    expect(root.traceId).toBe(remote.traceId);
    expect(root.parentSpanId).toBe(remote.spanId);
    expect(root.parentIsRemote).toBe(true);
    expect(spans.filter((s) => s.status.code === SpanStatusCode.ERROR).map((s) => s.name)).toEqual([
      'POST payments.example/charges',
      'POST /checkout',
    ]);
    const payment = spans.find((s) => s.name === 'POST payments.example/charges')!;
    expect(payment.events.map((e) => e.name)).toEqual(['retry', 'exception']);
  });

  it('records nothing for an unsampled caller and still runs the code path', async () => {
    const tracer = createMemoryTracer();
    configure({ tracer });
    expect(await handleCheckout({ orderId: 3, parent: SpanHandle.INVALID })).toBe(SpanHandle.INVALID);
    expect(tracer.drain()).toEqual([]);
    expect(tracer.stats().spansStarted).toBe(0);
    expect(flush()).toEqual([]);
  });
});
