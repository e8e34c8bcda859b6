import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ledgerProblem, SpanKind, SpanStatusCode, type TracerPlugin } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fromOtelExporter, type FromOtelExporterOptions } from '../src/index.js';
// The receivers of our own OTLP and Zipkin tracers' tests: real servers on 127.0.0.1 that decode
// what they get with an independent schema.
import { startReceiver, type Receiver } from '../../tracer-otlp/test/support/receiver.js';
import { startZipkinReceiver } from '../../tracer-zipkin/test/support/zipkin-receiver.js';

// Real OpenTelemetry exporters of two kinds behind fromOtelExporter, delivering to real receivers:
// @opentelemetry/exporter-trace-otlp-http (OTLP/JSON over HTTP) and @opentelemetry/exporter-zipkin.

const QUIET: FromOtelExporterOptions = { hookProcessShutdown: false, scheduledDelayMillis: 60_000 };
const closing: { close?(): Promise<void>; shutdown?(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(closing.splice(0).map((c) => (c.shutdown ? c.shutdown() : c.close!())));
});
const track = <T extends { close?(): Promise<void>; shutdown?(): Promise<void> }>(thing: T): T => (closing.push(thing), thing);

/** A server span and its client child; `at` (unix nanoseconds): their times, else the clock's. */
function recordTrace(t: TracerPlugin, at?: bigint) {
  const root = t.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET' }, startTimeUnixNanos: at });
  const child = t.startSpan({ name: 'SELECT orders', kind: SpanKind.CLIENT, parent: root, attributes: { 'db.system.name': 'postgresql' }, startTimeUnixNanos: at && at + 1000n });
  t.addEvent(child, { name: 'rows', attributes: { n: 3 }, timeUnixNanos: at && at + 2000n });
  t.setStatus(child, { code: SpanStatusCode.ERROR, message: 'slow' });
  t.endSpan(child, at && at + 3000n);
  t.endSpan(root, at && at + 4000n);
  return { root, child };
}

describe('fromOtelExporter(new OTLPTraceExporter(...)) to a real OTLP receiver', () => {
  it('delivers the spans, parent, resource and scope as OTLP', async () => {
    const receiver = track(await startReceiver());
    const t = track(fromOtelExporter(new OTLPTraceExporter({ url: receiver.url }), { ...QUIET, serviceName: 'checkout', endpoints: [receiver.url] }));
    const { root, child } = recordTrace(t);
    await t.flush();
    expect(receiver.accepted()).toEqual(['SELECT orders', 'GET /orders']);
    const request = receiver.requests[0]!.request;
    expect(receiver.requests[0]!.contentType).toBe('application/json');
    const resource = request.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'checkout' } });
    const spans = request.resourceSpans[0].scopeSpans.flatMap((s: any) => s.spans);
    const db = spans.find((s: any) => s.name === 'SELECT orders');
    expect(db).toMatchObject({ traceId: root.traceId, spanId: child.spanId, parentSpanId: root.spanId, kind: 3, status: { code: 2, message: 'slow' } });
    expect(db.events[0].name).toBe('rows');
    expect(t.stats()).toMatchObject({ spansExported: 2 });
  });

  it('a receiver that is down: the spans are dropped and counted (export-failed), with the reason', async () => {
    const receiver = track(await startReceiver());
    await receiver.down();
    const t = track(fromOtelExporter(new OTLPTraceExporter({ url: receiver.url, timeoutMillis: 2000 }), QUIET));
    recordTrace(t);
    const error = await t.flush().catch((e) => e);
    expect(error?.message).toMatch(/ECONNREFUSED|connect|fetch failed|socket/i);
    const stats = t.stats();
    expect(stats.spansDropped['export-failed']).toBe(2);
    expect(stats.lastError?.message).toMatch(/OpenTelemetry exporter failed/);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a 500 answer: dropped and counted with the status in the reason; the next export goes through', async () => {
    const receiver = track(await startReceiver());
    receiver.script({ status: 500 });
    const t = track(fromOtelExporter(new OTLPTraceExporter({ url: receiver.url }), QUIET));
    recordTrace(t);
    await expect(t.flush()).rejects.toThrow(/500|Internal Server Error/);
    recordTrace(t);
    await t.flush();
    const stats = t.stats();
    expect(stats.spansDropped['export-failed']).toBe(2);
    expect(stats.spansExported).toBe(2);
    expect(receiver.accepted()).toEqual(['SELECT orders', 'GET /orders']);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a slow receiver cannot hold shutdown past its deadline: what is left is dropped and counted', async () => {
    const receiver = track(await startReceiver());
    receiver.script({ delayMillis: 5000 });
    const t = fromOtelExporter(new OTLPTraceExporter({ url: receiver.url, timeoutMillis: 10_000 }), QUIET);
    recordTrace(t);
    const began = Date.now();
    const error = await t.shutdown({ timeoutMillis: 300 }).catch((e) => e);
    // The deadline, plus at most the second the core gives their exporter's shutdown().
    expect(Date.now() - began).toBeLessThan(2000);
    expect(error?.name).toBe('TimeoutError');
    const stats = t.stats();
    expect(stats.spansDropped.shutdown).toBe(2);
    expect(ledgerProblem(stats)).toBeUndefined();
  });
});

describe('fromOtelExporter(new ZipkinExporter(...)) to a real Zipkin endpoint', () => {
  it('delivers Zipkin v2 spans that pass the Zipkin API schema, with ids, parent, kind and service', async () => {
    const receiver = track(await startZipkinReceiver());
    const t = track(fromOtelExporter(new ZipkinExporter({ url: receiver.url }), { ...QUIET, serviceName: 'orders' }));
    // Whole microseconds: their exporter writes `timestamp` as unrounded microseconds (with their
    // SDK's spans too), which the Zipkin API (int64) does not allow.
    const { root, child } = recordTrace(t, BigInt(Date.now()) * 1_000_000n);
    await t.flush();
    expect(receiver.problems).toEqual([]);
    const spans = receiver.accepted();
    const db = spans.find((s) => s.name === 'SELECT orders');
    expect(db).toMatchObject({ traceId: root.traceId, id: child.spanId, parentId: root.spanId, kind: 'CLIENT', localEndpoint: { serviceName: 'orders' } });
    expect(db.tags).toMatchObject({ 'db.system.name': 'postgresql', 'otel.status_code': 'ERROR', error: 'slow' });
    expect(spans.find((s) => s.name === 'GET /orders')).toMatchObject({ id: root.spanId, kind: 'SERVER' });
    expect(t.stats().spansExported).toBe(2);
  });

  it('a Zipkin endpoint that answers 503: counted as export-failed', async () => {
    const receiver = track(await startZipkinReceiver());
    receiver.script({ status: 503 });
    const t = track(fromOtelExporter(new ZipkinExporter({ url: receiver.url }), QUIET));
    recordTrace(t);
    await expect(t.flush()).rejects.toThrow();
    expect(t.stats().spansDropped['export-failed']).toBe(2);
  });
});

// The conformance kit on an OpenTelemetry exporter wrapped as a plugin, exporting to a real receiver.
let conformanceReceiver: Receiver;
beforeAll(async () => {
  conformanceReceiver = await startReceiver();
});
afterAll(() => conformanceReceiver.close());
describeConformance(
  'fromOtelExporter(OTLPTraceExporter)',
  () => fromOtelExporter(new OTLPTraceExporter({ url: conformanceReceiver.url }), { hookProcessShutdown: false }),
  {
    exported: () =>
      conformanceReceiver.requests.flatMap((r) =>
        r.request.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ spanId: s.spanId, name: s.name })))),
      ),
  },
);
