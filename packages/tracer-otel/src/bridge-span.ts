import type { Attributes, AttributeValue, Exception, Link, Span, SpanContext, SpanStatus as OtelStatus, TimeInput } from '@opentelemetry/api';
import type { SpanStatus } from '@x/tracer-core';
import { isTimeInput, unixNanosOf } from './otel-time.js';
import { exceptionAttributesOf, statusOf } from './span-arguments.js';

/**
 * An OpenTelemetry `Span` over one of our spans: it reads OpenTelemetry's arguments (overloads,
 * `TimeInput`s, its status) once, here, and hands the contract's values to the subclass, which
 * records them on an `@x/trace` span or directly on a plugin. Like recording in the contract,
 * no method throws.
 *
 * `addLink`/`addLinks` after the start are ignored: the TracerPlugin contract takes links at the
 * start only (OpenTelemetry's SDK also asks for them there, since samplers read them).
 */
export abstract class BridgeSpan implements Span {
  abstract spanContext(): SpanContext;
  abstract isRecording(): boolean;
  protected abstract set(key: string, value: AttributeValue): void;
  protected abstract event(name: string, attributes: Attributes | undefined, timeUnixNanos: bigint | undefined): void;
  protected abstract status(status: SpanStatus): void;
  protected abstract rename(name: string): void;
  protected abstract finish(endTimeUnixNanos: bigint | undefined): void;

  setAttribute(key: string, value: AttributeValue): this {
    if (typeof key === 'string' && value !== undefined && value !== null) this.set(key, value);
    return this;
  }

  setAttributes(attributes: Attributes): this {
    if (typeof attributes !== 'object' || attributes === null) return this;
    try {
      for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key] as AttributeValue);
    } catch {
      // A throwing getter: what was set before it stays.
    }
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (typeof name !== 'string') return this;
    if (isTimeInput(attributesOrTime)) this.event(name, undefined, unixNanosOf(attributesOrTime));
    else this.event(name, attributesOrTime, unixNanosOf(time));
    return this;
  }

  addLink(_link: Link): this {
    return this;
  }

  addLinks(_links: Link[]): this {
    return this;
  }

  setStatus(status: OtelStatus): this {
    const converted = statusOf(status);
    if (converted !== undefined) this.status(converted);
    return this;
  }

  updateName(name: string): this {
    if (typeof name === 'string') this.rename(name);
    return this;
  }

  end(endTime?: TimeInput): void {
    this.finish(unixNanosOf(endTime));
  }

  recordException(exception: Exception, time?: TimeInput): void {
    this.event('exception', exceptionAttributesOf(exception), unixNanosOf(time));
  }
}
