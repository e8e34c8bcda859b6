import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags, type Span } from '@opentelemetry/api';
import { configure, currentSpan, setEnabled, withSpan } from '@x/trace';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOtelTracerProvider } from '../src/index.js';

// One context for both APIs: the provider on @x/trace's runtime (no plugin), registered globally,
// so OpenTelemetry spans and withSpan's spans are the same spans, in the same tracer.

let memory: MemoryTracer;
const provider = createOtelTracerProvider();
const otel = () => trace.getTracer('@opentelemetry/instrumentation-example', '0.1.0');

beforeAll(() => {
  expect(provider.register()).toBe(true);
});
afterAll(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => {
  memory = createMemoryTracer();
  configure({ tracer: memory });
});

const spans = () => Object.fromEntries(memory.drain().map((span) => [span.name, span]));

describe('one context for @x/trace and OpenTelemetry', () => {
  it('an OpenTelemetry span started inside withSpan is its child, across awaits', async () => {
    await withSpan('ours', async () => {
      await sleep(1);
      const theirs = otel().startSpan('theirs');
      await sleep(1);
      theirs.end();
    });
    const { ours, theirs } = spans();
    expect(theirs!.traceId).toBe(ours!.traceId);
    expect(theirs!.parentSpanId).toBe(ours!.spanId);
    expect(theirs!.scope).toEqual({ name: '@opentelemetry/instrumentation-example', version: '0.1.0' });
  });

  it('withSpan inside an active OpenTelemetry span is its child, and currentSpan() is that span', async () => {
    let seenInside: string | undefined;
    await otel().startActiveSpan('theirs', async (span: Span) => {
      seenInside = currentSpan().spanId;
      await withSpan('ours', async () => {
        await sleep(1);
        otel().startSpan('theirs again').end();
      });
      span.end();
    });
    const all = spans();
    expect(seenInside).toBe(all.theirs!.spanId);
    expect(all.ours!.parentSpanId).toBe(all.theirs!.spanId);
    expect(all['theirs again']!.parentSpanId).toBe(all.ours!.spanId);
    expect(new Set(Object.values(all).map((s) => s.traceId)).size).toBe(1);
  });

  it('trace.getActiveSpan() inside withSpan is that span, with its ids, and the same object each time', () => {
    withSpan('ours', (ours) => {
      const active = trace.getActiveSpan()!;
      expect(active.spanContext()).toMatchObject({ traceId: ours.traceId, spanId: ours.spanId, traceFlags: TraceFlags.SAMPLED });
      expect(trace.getActiveSpan()).toBe(active);
      expect(active.isRecording()).toBe(true);
    });
  });

  it('context.with(ROOT_CONTEXT) leaves withSpan with no current span; the context comes back after', () => {
    withSpan('outer', (outer) => {
      context.with(ROOT_CONTEXT, () => {
        expect(trace.getActiveSpan()).toBeUndefined();
        expect(currentSpan().spanId).toBe('0000000000000000');
      });
      expect(currentSpan().spanId).toBe(outer.spanId);
    });
  });

  it('context.bind keeps the span for a callback run later, elsewhere', async () => {
    let later!: () => void;
    withSpan('binder', () => {
      later = context.bind(context.active(), () => otel().startSpan('bound').end());
    });
    await sleep(1);
    later();
    const { binder, bound } = spans();
    expect(bound!.parentSpanId).toBe(binder!.spanId);
  });

  it('context.bind on an emitter runs its listeners in the bound context; off() finds them', () => {
    const emitter = new EventEmitter();
    let seen: string | undefined;
    const listener = () => {
      seen = trace.getActiveSpan()?.spanContext().spanId;
    };
    const span = otel().startSpan('bound to');
    context.bind(trace.setSpan(ROOT_CONTEXT, span), emitter);
    emitter.on('tick', listener);
    emitter.emit('tick');
    expect(seen).toBe(span.spanContext().spanId);
    emitter.off('tick', listener);
    expect(emitter.listenerCount('tick')).toBe(0);
    span.end();
  });

  it('records OpenTelemetry spans in the tracer configure() gave @x/trace, and follows a later configure()', () => {
    otel().startSpan('first').end();
    const other = createMemoryTracer();
    configure({ tracer: other });
    otel().startSpan('second').end();
    expect(memory.drain().map((s) => s.name)).toEqual(['first']);
    expect(other.drain().map((s) => s.name)).toEqual(['second']);
  });

  it('records nothing while @x/trace is switched off (setEnabled(false))', () => {
    setEnabled(false);
    try {
      const span = otel().startSpan('off');
      expect(span.isRecording()).toBe(false);
      span.end();
    } finally {
      setEnabled(true);
    }
    otel().startSpan('on').end();
    expect(memory.drain().map((s) => s.name)).toEqual(['on']);
  });

  it('a plugin provider\'s spans nest under withSpan, and withSpan under them', () => {
    const direct = createMemoryTracer();
    const tracer = createOtelTracerProvider(direct).getTracer('direct');
    withSpan('ours', () => {
      tracer.startActiveSpan('direct child', (span: Span) => {
        withSpan('ours again', () => undefined);
        span.end();
      });
    });
    const [child] = direct.drain();
    const byName = Object.fromEntries(memory.drain().map((s) => [s.name, s]));
    expect(child!.traceId).toBe(byName.ours!.traceId);
    expect(child!.parentSpanId).toBe(byName.ours!.spanId);
    expect(byName['ours again']).toMatchObject({ traceId: child!.traceId, parentSpanId: child!.spanId });
  });

  it('withSpan under a remote context an OpenTelemetry propagator extracted joins that trace', () => {
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true };
    context.with(trace.setSpanContext(ROOT_CONTEXT, remote), () => {
      withSpan('ours', () => otel().startSpan('theirs').end());
      expect(trace.getActiveSpan()?.spanContext().spanId).toBe(remote.spanId);
    });
    const { ours, theirs } = spans();
    expect(ours).toMatchObject({ traceId: remote.traceId, parentSpanId: remote.spanId, parentIsRemote: true });
    expect(theirs).toMatchObject({ traceId: remote.traceId, parentSpanId: ours!.spanId });
  });

  it('register() installs W3C propagation: withSpan\'s span is injected as @x/trace injects it, and an extracted context is its parent', () => {
    const carrier: Record<string, string> = {};
    let ours!: { traceId: string; spanId: string };
    withSpan('ours', (span) => {
      ours = span;
      propagation.inject(context.active(), carrier);
    });
    expect(carrier.traceparent).toBe(`00-${ours.traceId}-${ours.spanId}-03`);
    expect(carrier.tracestate).toBe(`xtrace=${ours.spanId}`);
    const incoming = { traceparent: '00-6bf92f3577b34da6a3ce929d0e0e4736-20f067aa0ba902b7-01', tracestate: 'vendor=a' };
    const extracted = propagation.extract(ROOT_CONTEXT, incoming);
    expect(trace.getSpanContext(extracted)).toMatchObject({ traceId: '6bf92f3577b34da6a3ce929d0e0e4736', spanId: '20f067aa0ba902b7', isRemote: true, traceFlags: 1 });
    expect(trace.getSpanContext(extracted)?.traceState?.get('vendor')).toBe('a');
    context.with(extracted, () => withSpan('joined', () => undefined));
    const { joined } = spans();
    expect(joined).toMatchObject({ traceId: '6bf92f3577b34da6a3ce929d0e0e4736', parentSpanId: '20f067aa0ba902b7', traceState: 'vendor=a' });
    expect(propagation.extract(ROOT_CONTEXT, { traceparent: 'garbage' })).toBe(ROOT_CONTEXT);
    expect(propagation.fields()).toEqual(['traceparent', 'tracestate']);
  });

  it('withSpan under an unsampled remote context records nothing, and passes the trace id on', () => {
    const remote = { traceId: '5bf92f3577b34da6a3ce929d0e0e4736', spanId: '10f067aa0ba902b7', traceFlags: TraceFlags.NONE, isRemote: true };
    let passedOn: string | undefined;
    context.with(trace.setSpanContext(ROOT_CONTEXT, remote), () => {
      withSpan('ours', () => {
        const theirs = otel().startSpan('theirs');
        passedOn = theirs.spanContext().traceId;
        theirs.end();
      });
    });
    expect(memory.drain()).toEqual([]);
    expect(passedOn).toBe(remote.traceId);
  });
});
