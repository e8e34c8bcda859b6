import { createTraceState, trace, TraceFlags, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';
import { extract, inject, RemoteContext } from '@x/trace';
import { xSpanOf } from './context-manager.js';
import { PassThroughSpan } from './pass-through-span.js';
import { isTracingSuppressed } from './suppress-tracing.js';

/** W3C Trace Context Level 2's random flag (`traceparent` flags bit 1). */
const FLAG_RANDOM = 0x02;
const FIELDS = ['traceparent', 'tracestate'];

/**
 * OpenTelemetry's `TextMapPropagator` for W3C Trace Context, on `@x/trace`'s `inject`/`extract`
 * (the parser that passes the W3C test suite): what their instrumentations call to carry a trace
 * across processes (the http, undici, messaging ones). An `@x/trace` span is injected as `inject`
 * writes it (its tracestate entry, the random flag); any other span context as it is. Nothing is
 * injected where tracing is suppressed, for a span the bridge did not record (a pass-through), or
 * without a valid span. Never throws.
 */
export function createOtelPropagator(): TextMapPropagator {
  return {
    inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
      if (isTracingSuppressed(context)) return;
      const span = trace.getSpan(context);
      // A pass-through stands for a span made elsewhere (an HTTP span of `instrumentHttp()`, which
      // injects its own context): a second traceparent would make the header invalid.
      if (span === undefined || span instanceof PassThroughSpan) return;
      const write = (target: unknown, key: string, value: string) => setter.set(target, key, value);
      const own = xSpanOf(span);
      if (own !== undefined) return inject(own, carrier, write);
      const { traceId, spanId, traceFlags, traceState } = span.spanContext();
      const remote = new RemoteContext(traceId, spanId, (traceFlags & TraceFlags.SAMPLED) !== 0, (traceFlags & FLAG_RANDOM) !== 0, traceState?.serialize() ?? '');
      // `inject` checks nothing of a RemoteContext: only a valid one is written.
      if (trace.isSpanContextValid(span.spanContext())) inject(remote, carrier, write);
    },
    extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
      const remote = extract(carrier, (source, key) => getter.get(source, key));
      if (remote === undefined) return context;
      return trace.setSpanContext(context, {
        traceId: remote.traceId,
        spanId: remote.spanId,
        traceFlags: (remote.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE) | (remote.random ? FLAG_RANDOM : 0),
        isRemote: true,
        ...(remote.traceState === '' ? {} : { traceState: createTraceState(remote.traceState) }),
      });
    },
    fields: () => [...FIELDS],
  };
}
