import { SpanKind as OtelSpanKind, TraceFlags } from '@opentelemetry/api';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { ExportFailedError, ledgerProblem, SpanKind, SpanStatusCode } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { fromOtelExporter, type FromOtelExporterOptions, type OtelSpanExporter } from '../src/index.js';

// fromOtelExporter with OpenTelemetry's own in-memory exporter: every field of our spans as the
// SDK's ReadableSpan, read back from their exporter and through their OTLP serializer.

const QUIET: FromOtelExporterOptions = { hookProcessShutdown: false, scheduledDelayMillis: 60_000 };
const made: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(made.splice(0).map((t) => t.shutdown()));
});
function plugin(exporter: OtelSpanExporter, options?: FromOtelExporterOptions) {
  const tracer = fromOtelExporter(exporter, { ...QUIET, ...options });
  made.push(tracer);
  return tracer;
}

describe('fromOtelExporter: our spans as their ReadableSpan', () => {
  it('keeps ids, parent, kind, times, attributes, events, links, status, resource, scope and dropped counts', async () => {
    const exporter = new InMemorySpanExporter();
    const t = plugin(exporter, {
      serviceName: 'checkout',
      resourceAttributes: { 'deployment.environment.name': 'test' },
      spanLimits: { attributeCountLimit: 3, eventCountLimit: 1, linkCountLimit: 1 },
    });
    const scope = { name: 'payments', version: '2.0.0' };
    const start = BigInt(Date.now()) * 1_000_000n + 7n;
    const root = t.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, startTimeUnixNanos: start, scope, traceState: 'vendor=1' });
    const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) };
    const child = t.startSpan({
      name: 'db',
      kind: SpanKind.CLIENT,
      parent: root,
      // Given, as every time here: the clock's now and Date.now() may differ by milliseconds.
      startTimeUnixNanos: start + 500n,
      attributes: { a: 1, b: 'two', c: [true, false], d: 'over the limit' },
      links: [{ context: linked, attributes: { why: 'x' }, traceState: 'k=v' }, { context: linked }],
    });
    t.addEvent(child, { name: 'row', timeUnixNanos: start + 1_000n, attributes: { n: 1.5 } });
    t.addEvent(child, { name: 'dropped event' });
    t.setStatus(child, { code: SpanStatusCode.ERROR, message: 'boom' });
    t.endSpan(child, start + 5_000_000n);
    t.endSpan(root, start + 9_000_000n);
    await t.flush();

    const [c, r] = exporter.getFinishedSpans();
    expect(r!.spanContext()).toMatchObject({ traceId: root.traceId, spanId: root.spanId, traceFlags: TraceFlags.SAMPLED });
    expect(r!.spanContext().traceState?.get('vendor')).toBe('1');
    expect(r!.parentSpanContext).toBeUndefined();
    expect(r!.kind).toBe(OtelSpanKind.SERVER);
    expect(r!.startTime).toEqual([Number(start / 1_000_000_000n), Number(start % 1_000_000_000n)]);
    expect(r!.duration).toEqual([0, 9_000_000]);
    expect(r!.ended).toBe(true);
    expect(r!.instrumentationScope).toEqual({ name: 'payments', version: '2.0.0' });
    expect(c!.instrumentationScope).toEqual({ name: '@x/tracer-otel', version: '0.1.0' });
    expect(c!.parentSpanContext).toMatchObject({ traceId: root.traceId, spanId: root.spanId, isRemote: false });
    expect(c!.kind).toBe(OtelSpanKind.CLIENT);
    expect(c!.attributes).toEqual({ a: 1, b: 'two', c: [true, false] });
    expect(c!.droppedAttributesCount).toBe(1);
    expect(c!.events).toEqual([{ name: 'row', time: [Number((start + 1_000n) / 1_000_000_000n), Number((start + 1_000n) % 1_000_000_000n)], attributes: { n: 1.5 }, droppedAttributesCount: 0 }]);
    expect(c!.droppedEventsCount).toBe(1);
    expect(c!.links).toHaveLength(1);
    expect(c!.links[0]!.context).toMatchObject(linked);
    expect(c!.links[0]!.context.traceState?.get('k')).toBe('v');
    expect(c!.links[0]!.attributes).toEqual({ why: 'x' });
    expect(c!.droppedLinksCount).toBe(1);
    expect(c!.status).toEqual({ code: 2, message: 'boom' });
    expect(c!.startTime).toEqual([Number((start + 500n) / 1_000_000_000n), Number((start + 500n) % 1_000_000_000n)]);
    expect(c!.endTime).toEqual([Number((start + 5_000_000n) / 1_000_000_000n), Number((start + 5_000_000n) % 1_000_000_000n)]);
    expect(c!.duration).toEqual([0, 4_999_500]);
    expect(c!.resource.attributes).toMatchObject({
      'service.name': 'checkout',
      'deployment.environment.name': 'test',
      'telemetry.sdk.name': '@x/tracer-otel',
      'telemetry.sdk.language': 'nodejs',
    });

    // Their serializer takes them as its SDK's spans: resource, scopes and span fields on the wire.
    const json = JSON.parse(new TextDecoder().decode(JsonTraceSerializer.serializeRequest(exporter.getFinishedSpans() as ReadableSpan[])!));
    const resourceSpans = json.resourceSpans;
    expect(resourceSpans).toHaveLength(1);
    expect(resourceSpans[0].resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'checkout' } });
    const scopes = resourceSpans[0].scopeSpans.map((s: any) => [s.scope.name, s.spans.map((span: any) => span.name)]);
    expect(scopes).toEqual(
      expect.arrayContaining([
        ['payments', ['GET /orders']],
        ['@x/tracer-otel', ['db']],
      ]),
    );
    const db = resourceSpans[0].scopeSpans.flatMap((s: any) => s.spans).find((s: any) => s.name === 'db');
    expect(db).toMatchObject({ traceId: root.traceId, spanId: child.spanId, parentSpanId: root.spanId, kind: 3, droppedAttributesCount: 1, droppedEventsCount: 1, droppedLinksCount: 1, status: { code: 2, message: 'boom' } });
  });

  it('keeps an attribute named __proto__ as an attribute, not a prototype', async () => {
    const exporter = new InMemorySpanExporter();
    const t = plugin(exporter);
    t.endSpan(t.startSpan({ name: 'odd', attributes: JSON.parse('{"__proto__": "value", "plain": 1}') }));
    await t.flush();
    const [span] = exporter.getFinishedSpans();
    expect(Object.keys(span!.attributes)).toEqual(['__proto__', 'plain']);
    expect(Object.getPrototypeOf(span!.attributes)).toBe(Object.prototype);
  });

  it('maps FAILED to a counted drop with the exporter\'s message, SUCCESS to delivered', async () => {
    let fail = true;
    const exporter: OtelSpanExporter = {
      export: (_spans, done) => done(fail ? { code: 1, error: new Error('collector said no') } : { code: 0 }),
      shutdown: () => Promise.resolve(),
    };
    const t = plugin(exporter);
    t.endSpan(t.startSpan({ name: 'a' }));
    t.endSpan(t.startSpan({ name: 'b' }));
    const failed = await t.flush().catch((error) => error);
    expect(failed).toBeInstanceOf(ExportFailedError);
    expect(failed.message).toMatch(/collector said no/);
    fail = false;
    t.endSpan(t.startSpan({ name: 'c' }));
    await t.flush();
    const stats = t.stats();
    expect(stats.spansDropped['export-failed']).toBe(2);
    expect(stats.spansExported).toBe(1);
    expect(stats.lastError?.message).toMatch(/collector said no/);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('an exporter that throws is a failure; one that never calls back is dropped at the export timeout', async () => {
    const throwing = plugin({ export: () => { throw new Error('bad exporter'); }, shutdown: () => Promise.resolve() });
    throwing.endSpan(throwing.startSpan({ name: 'a' }));
    await expect(throwing.flush()).rejects.toThrow(/bad exporter/);
    expect(throwing.stats().spansDropped['export-failed']).toBe(1);

    const silent = plugin({ export: () => undefined, shutdown: () => Promise.resolve() }, { exportTimeoutMillis: 100 });
    silent.endSpan(silent.startSpan({ name: 'b' }));
    const began = Date.now();
    const error = await silent.flush().catch((e) => e);
    expect(Date.now() - began).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect(silent.stats().lastError?.code).toBe('ERR_TRACER_TIMEOUT');
    expect(silent.stats().spansDropped['export-timeout']).toBe(1);
    expect(ledgerProblem(silent.stats())).toBeUndefined();
  });

  it('shutdown() flushes, then shuts their exporter down; flush() calls their forceFlush', async () => {
    const calls: string[] = [];
    const exporter: OtelSpanExporter = {
      export: (spans, done) => {
        calls.push(`export ${spans.map((s) => s.name).join(',')}`);
        done({ code: 0 });
      },
      forceFlush: async () => void calls.push('forceFlush'),
      shutdown: async () => void calls.push('shutdown'),
    };
    const t = plugin(exporter);
    t.endSpan(t.startSpan({ name: 'a' }));
    await t.flush();
    t.endSpan(t.startSpan({ name: 'b' }));
    await t.shutdown();
    expect(calls).toEqual(['export a', 'forceFlush', 'export b', 'forceFlush', 'shutdown']);
  });

  it('rejects what is not an exporter', () => {
    expect(() => fromOtelExporter({} as never)).toThrow(/SpanExporter/);
  });
});

const memoryExporters = new WeakMap<object, InMemorySpanExporter>();
describeConformance(
  'fromOtelExporter(InMemorySpanExporter)',
  () => {
    const exporter = new InMemorySpanExporter();
    const tracer = fromOtelExporter(exporter, { hookProcessShutdown: false });
    memoryExporters.set(tracer, exporter);
    return tracer;
  },
  { exported: (tracer) => memoryExporters.get(tracer)!.getFinishedSpans().map((s) => ({ spanId: s.spanContext().spanId, name: s.name })) },
);
