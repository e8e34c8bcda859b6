import { createTraceState, TraceFlags, type Attributes, type AttributeValue, type SpanContext } from '@opentelemetry/api';
import { SpanStatusCode, type SpanStatus } from '@x/tracer-core';
import type { Span as XSpan } from '@x/trace';
import { addEventAt, endSpanAt } from '@x/trace/internal';
import { BridgeSpan } from './bridge-span.js';

/**
 * An OpenTelemetry span that is an `@x/trace` span: what the bridge's tracer makes when it records
 * through `@x/trace`'s runtime, and how the context manager shows `withSpan`'s spans to
 * OpenTelemetry code. One wrapper per `@x/trace` span (see {@link otelSpanOf}), so OpenTelemetry
 * code comparing spans by identity sees the same object each time.
 */
export class RuntimeSpan extends BridgeSpan {
  readonly xSpan: XSpan;
  #context: SpanContext | undefined;

  constructor(xSpan: XSpan) {
    super();
    this.xSpan = xSpan;
  }

  spanContext(): SpanContext {
    // Made once, when first asked: `propagation()` draws ids for a span nobody records.
    if (this.#context !== undefined) return this.#context;
    const ids = this.xSpan.propagation();
    if (ids === undefined) return (this.#context = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: TraceFlags.NONE });
    const context: SpanContext = { traceId: ids.traceId, spanId: ids.spanId, traceFlags: ids.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE };
    if (ids.traceState !== '') context.traceState = createTraceState(ids.traceState);
    return (this.#context = context);
  }

  isRecording(): boolean {
    return this.xSpan.isRecording();
  }

  protected set(key: string, value: AttributeValue): void {
    this.xSpan.setAttribute(key, value);
  }

  protected event(name: string, attributes: Attributes | undefined, timeUnixNanos: bigint | undefined): void {
    addEventAt(this.xSpan, name, attributes, timeUnixNanos);
  }

  protected status(status: SpanStatus): void {
    if (status.code === SpanStatusCode.ERROR) this.xSpan.setStatus('error', status.message);
    else this.xSpan.setStatus(status.code === SpanStatusCode.OK ? 'ok' : 'unset');
  }

  protected rename(name: string): void {
    this.xSpan.updateName(name);
  }

  protected finish(endTimeUnixNanos: bigint | undefined): void {
    endSpanAt(this.xSpan, endTimeUnixNanos);
  }
}

const wrappers = new WeakMap<XSpan, RuntimeSpan>();

/** The one OpenTelemetry span of an `@x/trace` span. */
export function otelSpanOf(xSpan: XSpan): RuntimeSpan {
  let wrapper = wrappers.get(xSpan);
  if (wrapper === undefined) wrappers.set(xSpan, (wrapper = new RuntimeSpan(xSpan)));
  return wrapper;
}
