import { createTraceState, TraceFlags, type Attributes, type AttributeValue, type SpanContext } from '@opentelemetry/api';
import { SpanHandle, type AttributeValue as XAttributeValue, type Attributes as XAttributes, type SpanStatus, type TracerPlugin } from '@x/tracer-core';
import { BridgeSpan } from './bridge-span.js';

/**
 * An OpenTelemetry span recorded directly on a TracerPlugin (a provider created with a plugin):
 * each call is the contract's recording call on the span's handle. An INVALID handle (not sampled)
 * makes a non-recording span whose context still names the trace, so propagation goes on.
 */
export class PluginSpan extends BridgeSpan {
  readonly #plugin: TracerPlugin;
  readonly handle: SpanHandle;
  #context: SpanContext | undefined;
  #ended = false;

  /** `context`: given for a span not recorded; for a recorded one, made from the handle when first asked. */
  constructor(plugin: TracerPlugin, handle: SpanHandle, context: SpanContext | undefined) {
    super();
    this.#plugin = plugin;
    this.handle = handle;
    this.#context = context;
    if (handle === SpanHandle.INVALID) this.#ended = true;
  }

  spanContext(): SpanContext {
    if (this.#context !== undefined) return this.#context;
    const handle = this.handle;
    const context: SpanContext = { traceId: handle.traceId, spanId: handle.spanId, traceFlags: TraceFlags.SAMPLED };
    const traceState = this.#plugin.traceState?.(handle);
    if (typeof traceState === 'string' && traceState !== '') context.traceState = createTraceState(traceState);
    return (this.#context = context);
  }

  isRecording(): boolean {
    return !this.#ended;
  }

  protected set(key: string, value: AttributeValue): void {
    if (!this.#ended) this.#plugin.setAttribute(this.handle, key, value as XAttributeValue);
  }

  protected event(name: string, attributes: Attributes | undefined, timeUnixNanos: bigint | undefined): void {
    if (this.#ended) return;
    this.#plugin.addEvent(this.handle, { name, ...(attributes === undefined ? {} : { attributes: attributes as XAttributes }), ...(timeUnixNanos === undefined ? {} : { timeUnixNanos }) });
  }

  protected status(status: SpanStatus): void {
    if (!this.#ended) this.#plugin.setStatus(this.handle, status);
  }

  protected rename(name: string): void {
    if (!this.#ended) this.#plugin.updateName?.(this.handle, name);
  }

  protected finish(endTimeUnixNanos: bigint | undefined): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#plugin.endSpan(this.handle, endTimeUnixNanos);
  }
}
