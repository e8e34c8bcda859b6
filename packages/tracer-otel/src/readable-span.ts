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
import type { AttributeList, FinishedSpan, InstrumentationScope } from '@x/tracer-core';
import { ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';

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

const ORIGIN_SECONDS = Number(ORIGIN_UNIX_NANOS / 1_000_000_000n);
const ORIGIN_NANOS = Number(ORIGIN_UNIX_NANOS % 1_000_000_000n);

/**
 * A clock reading (ns since the origin, see the core's `clock.ts`) as `HrTime`, in doubles: exact
 * while the reading is (2^53 ns, 104 days from the origin), and several times cheaper than going
 * through bigint unix nanoseconds.
 */
function hrTimeOfReading(reading: number): HrTime {
  const nanos = ORIGIN_NANOS + Math.round(reading);
  const carry = Math.floor(nanos / 1e9);
  return [ORIGIN_SECONDS + carry, nanos - carry * 1e9];
}

/** Nanoseconds between two readings as `HrTime` (0 when negative). */
function durationOf(start: number, end: number): HrTime {
  const nanos = Math.max(0, Math.round(end) - Math.round(start));
  const seconds = Math.floor(nanos / 1e9);
  return [seconds, nanos - seconds * 1e9];
}

/** An attribute list as the plain object OpenTelemetry's exporters iterate. */
function recordOf(list: AttributeList): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < list.length; i += 2) {
    const key = list[i] as string;
    // A key named `__proto__` is an attribute like any other, not the object's prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: list[i + 1], enumerable: true, writable: true, configurable: true });
    else out[key] = list[i + 1] as Attributes[string];
  }
  return out;
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
    return {
      name: span.name,
      kind: span.kind as number as SpanKind,
      spanContext: () => context,
      parentSpanContext:
        parentSpanId === undefined ? undefined : { traceId, spanId: parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: span.parentIsRemote },
      parentSpanId,
      startTime: hrTimeOfReading(span.startTime),
      endTime: hrTimeOfReading(span.endTime),
      duration: durationOf(span.startTime, span.endTime),
      ended: true,
      status: span.status.message === undefined ? { code: span.status.code as number } : { code: span.status.code as number, message: span.status.message },
      attributes: recordOf(span.attributes),
      events: span.events.map((event) => ({
        time: hrTimeOfReading(event.time),
        name: event.name,
        attributes: recordOf(event.attributes),
        droppedAttributesCount: event.droppedAttributesCount,
      })),
      links: span.links.map((link) => ({
        context: {
          traceId: link.traceId,
          spanId: link.spanId,
          traceFlags: TraceFlags.SAMPLED,
          ...(link.traceState === '' ? {} : { traceState: createTraceState(link.traceState) }),
        },
        attributes: recordOf(link.attributes),
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
