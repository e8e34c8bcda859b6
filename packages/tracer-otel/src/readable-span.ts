import {
  createTraceState,
  TraceFlags,
  type Attributes,
  type HrTime,
  type Link,
  type SpanContext,
  type SpanKind,
  type SpanStatus,
} from '@opentelemetry/api';
import { attributesToRecord, toUnixNanos, type FinishedSpan, type InstrumentationScope } from '@x/tracer-core';
import { hrTimeOf } from './otel-time.js';

/**
 * The resource every span of an exporter carries: what OpenTelemetry exporters read of their SDK's
 * `Resource` (`attributes`, and the methods the 2.x interface lists). Built here rather than with
 * `@opentelemetry/resources`, so that the bridge needs no SDK package of any particular line.
 */
export interface OtelResource {
  readonly attributes: Attributes;
  readonly asyncAttributesPending: false;
  readonly schemaUrl?: string;
  waitForAsyncAttributes(): Promise<void>;
  merge(other: OtelResource | null): OtelResource;
  getRawAttributes(): [string, Attributes[string]][];
}

/** OpenTelemetry's `TimedEvent`. */
export interface OtelTimedEvent {
  readonly time: HrTime;
  readonly name: string;
  readonly attributes?: Attributes;
  readonly droppedAttributesCount?: number;
}

/**
 * The `ReadableSpan` of OpenTelemetry's trace SDK (2.x; `parentSpanId` for 1.x exporters too), as
 * its exporters read it. Structural: any SDK line's `SpanExporter` takes it.
 */
export interface OtelReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly parentSpanId: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: OtelTimedEvent[];
  readonly duration: HrTime;
  readonly ended: boolean;
  readonly resource: OtelResource;
  readonly instrumentationScope: { readonly name: string; readonly version?: string };
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export function createOtelResource(attributes: Attributes): OtelResource {
  const resource: OtelResource = {
    attributes,
    asyncAttributesPending: false,
    waitForAsyncAttributes: () => Promise.resolve(),
    merge: (other) => (other === null ? resource : createOtelResource({ ...attributes, ...other.attributes })),
    getRawAttributes: () => Object.entries(attributes),
  };
  return Object.freeze(resource);
}

/**
 * Converts finished spans to `ReadableSpan`s. One per exporter: it keeps one scope object per
 * scope (the OTLP serializer groups spans by the scope object's identity, as the SDK shares one per
 * `getTracer`).
 */
export class ReadableSpanConverter {
  readonly #resource: OtelResource;
  readonly #defaultScope: InstrumentationScope;
  readonly #scopes = new WeakMap<InstrumentationScope, { name: string; version?: string }>();

  constructor(resource: OtelResource, defaultScope: InstrumentationScope) {
    this.#resource = resource;
    this.#defaultScope = defaultScope;
  }

  convert(span: FinishedSpan): OtelReadableSpan {
    const traceId = span.traceId;
    const traceState = span.traceState === '' ? undefined : createTraceState(span.traceState);
    const context: SpanContext = { traceId, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED, ...(traceState ? { traceState } : {}) };
    const parentSpanId = span.parentSpanId === '' ? undefined : span.parentSpanId;
    const start = toUnixNanos(span.startTime);
    const end = toUnixNanos(span.endTime);
    return {
      name: span.name,
      kind: span.kind as number as SpanKind,
      spanContext: () => context,
      parentSpanContext:
        parentSpanId === undefined ? undefined : { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: span.parentIsRemote },
      parentSpanId,
      startTime: hrTimeOf(start),
      endTime: hrTimeOf(end),
      duration: hrTimeOf(end > start ? end - start : 0n),
      ended: true,
      status: span.status.message === undefined ? { code: span.status.code as number } : { code: span.status.code as number, message: span.status.message },
      attributes: { ...attributesToRecord(span.attributes) } as Attributes,
      events: span.events.map((event) => ({
        time: hrTimeOf(toUnixNanos(event.time)),
        name: event.name,
        attributes: { ...attributesToRecord(event.attributes) } as Attributes,
        droppedAttributesCount: event.droppedAttributesCount,
      })),
      links: span.links.map((link) => ({
        context: {
          traceId: link.traceId,
          spanId: link.spanId,
          traceFlags: TraceFlags.SAMPLED,
          ...(link.traceState === '' ? {} : { traceState: createTraceState(link.traceState) }),
        },
        attributes: { ...attributesToRecord(link.attributes) } as Attributes,
        droppedAttributesCount: link.droppedAttributesCount,
      })),
      resource: this.#resource,
      instrumentationScope: this.#scopeOf(span.scope),
      droppedAttributesCount: span.droppedAttributesCount,
      droppedEventsCount: span.droppedEventsCount,
      droppedLinksCount: span.droppedLinksCount,
    };
  }

  #scopeOf(scope: InstrumentationScope | undefined): { name: string; version?: string } {
    const given = scope ?? this.#defaultScope;
    let otel = this.#scopes.get(given);
    if (otel === undefined) {
      otel = Object.freeze(given.version === undefined ? { name: given.name } : { name: given.name, version: given.version });
      this.#scopes.set(given, otel);
    }
    return otel;
  }
}
