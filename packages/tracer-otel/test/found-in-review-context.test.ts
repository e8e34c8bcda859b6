import { EventEmitter } from 'node:events';
import { context, createContextKey, propagation, ROOT_CONTEXT, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { configure, currentSpan, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelTracerProvider } from '../src/index.js';

const provider = createOtelTracerProvider();
beforeAll(() => { expect(provider.register()).toBe(true); });
afterAll(() => { trace.disable(); context.disable(); propagation.disable(); });
const K = createContextKey('k');

describe('found in review: context probes', () => {
  it('bind(fn) inside withSpan: later call sees the bound context span, not the caller\'s', async () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const tracer = trace.getTracer('x');
    let bound!: () => string | undefined;
    withSpan('a', () => {
      bound = context.bind(context.active(), () => trace.getSpan(context.active())?.spanContext().spanId);
    });
    let outer = '';
    const seen = withSpan('b', () => { outer = currentSpan().spanId; return bound(); });
    expect(seen).not.toBe(outer);
    void tracer;
  });

  it('context values set with context.with survive into withSpan', () => {
    configure({ tracer: createMemoryTracer() });
    const v = context.with(context.active().setValue(K, 42), () => withSpan('a', () => context.active().getValue(K)));
    expect(v).toBe(42);
  });

  it('with(ROOT_CONTEXT) inside withSpan: no active span for either API', () => {
    configure({ tracer: createMemoryTracer() });
    withSpan('a', () => {
      context.with(ROOT_CONTEXT, () => {
        expect(trace.getSpan(context.active())).toBeUndefined();
      });
    });
  });

  it('suppressTracing: withSpan inside a suppressed context records nothing (the exporter\'s own work)', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    context.with(suppressTracing(context.active()), () => {
      trace.getTracer('x').startSpan('otel').end();
      withSpan('ours', () => {});
    });
    expect(memory.drain().map((s) => s.name)).toEqual([]);
  });

  it('EventEmitter bound then listener removed with off', () => {
    configure({ tracer: createMemoryTracer() });
    const e = new EventEmitter();
    const ctx = ROOT_CONTEXT.setValue(K, 1);
    context.bind(ctx, e);
    let got: unknown;
    const l = () => { got = context.active().getValue(K); };
    e.on('x', l);
    e.emit('x');
    expect(got).toBe(1);
    e.off('x', l);
    expect(e.listenerCount('x')).toBe(0);
  });

  it('a span started with a context holding an unsampled remote parent, on the runtime: keeps the trace id', () => {
    configure({ tracer: createMemoryTracer() });
    const remote = { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.NONE, isRemote: true };
    const s: Span = trace.getTracer('x').startSpan('s', {}, trace.setSpanContext(ROOT_CONTEXT, remote));
    expect(s.isRecording()).toBe(false);
    expect(s.spanContext().traceId).toBe('c'.repeat(32));
    expect(s.spanContext().traceFlags & 1).toBe(0);
    s.end();
  });
});
