import { context, ROOT_CONTEXT, SpanKind, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { configure, setEnabled, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelContextManager, createOtelTracerProvider, fromOtelExporter } from '../src/index.js';

beforeAll(() => {
  context.setGlobalContextManager(createOtelContextManager());
});
afterAll(() => {
  context.disable();
});

describe('found in review: probes', () => {
  it('plugin provider: an unsampled child of an unsampled span keeps the trace id', () => {
    const memory = createMemoryTracer({ sampler: () => false } as never);
    const tracer = createOtelTracerProvider(memory).getTracer('lib');
    const remote = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: true };
    const parent = tracer.startSpan('p', {}, trace.setSpanContext(ROOT_CONTEXT, remote));
    expect(parent.isRecording()).toBe(false);
    expect(parent.spanContext().traceId).toBe('a'.repeat(32));
    const child = tracer.startSpan('c', {}, trace.setSpan(ROOT_CONTEXT, parent));
    expect(child.spanContext().traceFlags).toBe(TraceFlags.NONE);
    expect(child.spanContext().traceId).toBe('a'.repeat(32));
  });

  it('runtime provider: tracing off (setEnabled(false)) keeps the remote parent trace id', () => {
    configure({ tracer: createMemoryTracer() });
    setEnabled(false);
    try {
      const tracer = createOtelTracerProvider().getTracer('lib');
      const remote = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
      const span = tracer.startSpan('p', {}, trace.setSpanContext(ROOT_CONTEXT, remote));
      expect(span.isRecording()).toBe(false);
      expect(span.spanContext().traceId).toBe('a'.repeat(32));
    } finally {
      setEnabled(true);
    }
  });

  it('runtime provider: calls after end are no-ops and isRecording turns false', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const tracer = createOtelTracerProvider().getTracer('lib');
    const span = tracer.startSpan('s');
    span.end();
    expect(span.isRecording()).toBe(false);
    span.setAttribute('late', 1);
    span.addEvent('late');
    span.setStatus({ code: 2, message: 'x' });
    span.updateName('renamed');
    span.end();
    const [s] = memory.drain();
    expect(s!.name).toBe('s');
    expect(s!.attributes).toEqual({});
  });

  it('startActiveSpan returns fn value', () => {
    const tracer = createOtelTracerProvider(createMemoryTracer()).getTracer('lib');
    expect(tracer.startActiveSpan('a', (s: Span) => { s.end(); return 7; })).toBe(7);
    expect(tracer.startActiveSpan('a', {}, (s: Span) => { s.end(); return 8; })).toBe(8);
    expect(tracer.startActiveSpan('a', {}, ROOT_CONTEXT, (s: Span) => { s.end(); return 9; })).toBe(9);
  });

  it('recording never throws: startSpan with a null context or weird attributes', () => {
    const tracer = createOtelTracerProvider(createMemoryTracer()).getTracer('lib');
    expect(() => tracer.startSpan('a', { attributes: { big: new Array(1e6).fill(1), nan: NaN, obj: {} as never } }).end()).not.toThrow();
    expect(() => tracer.startSpan('a', null as never).end()).not.toThrow();
    expect(() => tracer.startSpan('a', {}, null as never).end()).not.toThrow();
    expect(() => tracer.startSpan('a', { startTime: [NaN, 0] }).end([1e20, 1e20])).not.toThrow();
  });

  it('plugin span: addEvent with a throwing attributes getter never throws', () => {
    const tracer = createOtelTracerProvider(createMemoryTracer()).getTracer('lib');
    const span = tracer.startSpan('a');
    const attrs = { get bad() { throw new Error('getter'); } };
    expect(() => span.addEvent('e', attrs as never)).not.toThrow();
    expect(() => span.recordException({ get message() { throw new Error('x'); } } as never)).not.toThrow();
    span.end();
  });
});
