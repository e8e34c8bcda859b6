import { context, createTraceState, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { createMemoryTracer } from '@x/tracer-memory';
import { SpanHandle } from '@x/tracer-core';
import { wrapPlugin } from '@x/tracer-testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelContextManager, createOtelTracerProvider } from '../src/index.js';

// OpenTelemetry API calls on the bridge's provider with a plugin: what each call records, checked
// on the plugin's finished spans.

beforeAll(() => {
  context.setGlobalContextManager(createOtelContextManager());
});
afterAll(() => {
  context.disable();
});

// Near now (the core keeps times as readings from the process start, exact within 104 days) and after
// the process started: OpenTelemetry reads a smaller number of milliseconds as performance.now() time.
const S = Math.floor(Date.now() / 1000) + 10;
const NS = BigInt(S) * 1_000_000_000n;

describe('createOtelTracerProvider(plugin)', () => {
  it('keeps names, kinds, parents, times, attributes, events, links, status and scope', () => {
    const memory = createMemoryTracer();
    const tracer = createOtelTracerProvider(memory).getTracer('lib-a', '1.2.3');
    const linked = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, traceState: createTraceState('k=v') };
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER, startTime: [S, 5] });
    const child = tracer.startSpan(
      'child',
      { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', n: 3, list: ['a', 'b'] }, links: [{ context: linked, attributes: { why: 'batch' } }], startTime: new Date(S * 1000 + 123) },
      trace.setSpan(ROOT_CONTEXT, parent),
    );
    child.setAttribute('late', true).setAttributes({ more: 1.5 });
    child.addEvent('with-time', { a: 1 }, [S + 1, 7]);
    child.addEvent('time-only', S * 1000 + 2000);
    child.recordException(Object.assign(new Error('boom'), { name: 'BoomError' }), [S + 3, 0]);
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'bad' });
    child.updateName('child renamed');
    child.end([S + 4, 9]);
    parent.setStatus({ code: SpanStatusCode.OK });
    parent.end(S * 1000 + 5000);

    const [c, p] = memory.drain();
    expect(p!.name).toBe('parent');
    expect(p!.kind).toBe(1);
    expect(p!.parentSpanId).toBeUndefined();
    expect(p!.startTimeUnixNanos).toBe(NS + 5n);
    expect(p!.endTimeUnixNanos).toBe(NS + 5_000_000_000n);
    expect(p!.status).toEqual({ code: 1 });
    expect(c!.name).toBe('child renamed');
    expect(c!.kind).toBe(2);
    expect(c!.traceId).toBe(p!.traceId);
    expect(c!.parentSpanId).toBe(p!.spanId);
    expect(c!.startTimeUnixNanos).toBe(NS + 123_000_000n);
    expect(c!.endTimeUnixNanos).toBe(NS + 4_000_000_009n);
    expect({ ...c!.attributes }).toEqual({ 'db.system': 'postgresql', n: 3, list: ['a', 'b'], late: true, more: 1.5 });
    expect(c!.events.map((e) => [e.name, e.timeUnixNanos])).toEqual([
      ['with-time', NS + 1_000_000_007n],
      ['time-only', NS + 2_000_000_000n],
      ['exception', NS + 3_000_000_000n],
    ]);
    expect({ ...c!.events[0]!.attributes }).toEqual({ a: 1 });
    expect({ ...c!.events[2]!.attributes }).toMatchObject({ 'exception.type': 'BoomError', 'exception.message': 'boom' });
    expect(c!.links).toHaveLength(1);
    expect(c!.links[0]).toMatchObject({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceState: 'k=v' });
    expect({ ...c!.links[0]!.attributes }).toEqual({ why: 'batch' });
    expect(c!.status).toEqual({ code: 2, message: 'bad' });
    expect(c!.scope).toEqual({ name: 'lib-a', version: '1.2.3' });
    expect(child.spanContext()).toMatchObject({ traceId: c!.traceId, spanId: c!.spanId, traceFlags: TraceFlags.SAMPLED });
    expect(child.isRecording()).toBe(false);
  });

  it('joins a remote parent from the context with its ids', () => {
    const memory = createMemoryTracer();
    const tracer = createOtelTracerProvider(memory).getTracer('remote');
    const remote = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true });
    tracer.startSpan('joined', {}, remote).end();
    const [span] = memory.drain();
    expect(span).toMatchObject({ traceId: 'c'.repeat(32), parentSpanId: 'd'.repeat(16), parentIsRemote: true });
  });

  it('records nothing under an unsampled parent, and its context carries the trace id on', () => {
    const memory = createMemoryTracer();
    const tracer = createOtelTracerProvider(memory).getTracer('unsampled');
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, { traceId: 'e'.repeat(32), spanId: 'f'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: true });
    const span = tracer.startSpan('not recorded', {}, unsampled);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('e'.repeat(32));
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    span.setAttribute('x', 1);
    span.end();
    expect(memory.drain()).toEqual([]);
  });

  it('records nothing a plugin does not sample, and the context says not sampled', () => {
    const memory = createMemoryTracer();
    const neverSamples = wrapPlugin(memory, () => ({ startSpan: () => SpanHandle.INVALID }));
    const tracer = createOtelTracerProvider(neverSamples).getTracer('sampled-out');
    const span = tracer.startSpan('dropped');
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceFlags).toBe(TraceFlags.NONE);
    span.end();
    expect(memory.drain()).toEqual([]);
  });

  it('records nothing where tracing is suppressed (an exporter sending)', () => {
    const memory = createMemoryTracer();
    const tracer = createOtelTracerProvider(memory).getTracer('suppressed');
    const span = tracer.startSpan('export request', {}, suppressTracing(ROOT_CONTEXT));
    expect(span.isRecording()).toBe(false);
    span.end();
    expect(memory.drain()).toEqual([]);
  });

  it('startActiveSpan makes the span active in each overload, and root: true ignores the active span', () => {
    const memory = createMemoryTracer();
    const tracer = createOtelTracerProvider(memory).getTracer('active');
    const seen: string[] = [];
    tracer.startActiveSpan('a', (a: Span) => {
      seen.push(trace.getActiveSpan() === a ? 'a active' : 'a not active');
      tracer.startActiveSpan('b', { kind: SpanKind.PRODUCER }, (b: Span) => {
        tracer.startActiveSpan('c', {}, context.active(), (c: Span) => {
          seen.push(trace.getActiveSpan() === c ? 'c active' : 'c not active');
          tracer.startSpan('root', { root: true }).end();
          c.end();
        });
        b.end();
      });
      a.end();
    });
    expect(seen).toEqual(['a active', 'c active']);
    const byName = Object.fromEntries(memory.drain().map((s) => [s.name, s]));
    expect(byName.b!.parentSpanId).toBe(byName.a!.spanId);
    expect(byName.b!.kind).toBe(3);
    expect(byName.c!.parentSpanId).toBe(byName.b!.spanId);
    expect(byName.root!.parentSpanId).toBeUndefined();
    expect(byName.root!.traceId).not.toBe(byName.a!.traceId);
  });

  it('returns the same tracer for the same scope; flush and shutdown are the plugin\'s', async () => {
    const memory = createMemoryTracer();
    const provider = createOtelTracerProvider(memory);
    expect(provider.getTracer('x', '1')).toBe(provider.getTracer('x', '1'));
    expect(provider.getTracer('x', '1')).not.toBe(provider.getTracer('x', '2'));
    await provider.forceFlush();
    await provider.shutdown();
    expect(provider.getTracer('x').startSpan('after shutdown').isRecording()).toBe(false);
  });

  it('rejects a plugin that is not one', () => {
    expect(() => createOtelTracerProvider({} as never)).toThrow(/not a TracerPlugin/);
  });
});

