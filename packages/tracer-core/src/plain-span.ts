import { toUnixNanos } from './clock.js';
import type { Attributes } from './attributes.js';
import { attributesToRecord, type FinishedSpan } from './finished-span.js';
import type { SpanKind } from './span-kind.js';
import type { SpanStatus } from './span-status.js';
import type { InstrumentationScope } from './tracer-plugin.js';

/** An event of a {@link PlainSpan}. */
export interface PlainSpanEvent {
  readonly name: string;
  readonly timeUnixNanos: bigint;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

/** A link of a {@link PlainSpan}. */
export interface PlainSpanLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
}

/**
 * A finished span as plain data, for users and tests: unix-nanosecond bigints for times,
 * objects (null prototype) for attributes. Built from a {@link FinishedSpan} by {@link toPlainSpan}.
 */
export interface PlainSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** undefined for a root. */
  readonly parentSpanId: string | undefined;
  readonly parentIsRemote: boolean;
  readonly traceState: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTimeUnixNanos: bigint;
  readonly endTimeUnixNanos: bigint;
  readonly durationNanos: bigint;
  readonly attributes: Attributes;
  readonly droppedAttributesCount: number;
  readonly events: readonly PlainSpanEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly PlainSpanLink[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
  /** What produced the span (the recorder's frozen scope, shared); undefined when none was given. */
  readonly scope: InstrumentationScope | undefined;
}

/** The plain-data form of a finished span. */
export function toPlainSpan(span: FinishedSpan): PlainSpan {
  const start = toUnixNanos(span.startTime);
  const end = toUnixNanos(span.endTime);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId === '' ? undefined : span.parentSpanId,
    parentIsRemote: span.parentIsRemote,
    traceState: span.traceState,
    name: span.name,
    kind: span.kind,
    startTimeUnixNanos: start,
    endTimeUnixNanos: end,
    durationNanos: end - start,
    attributes: attributesToRecord(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((event) => ({
      name: event.name,
      timeUnixNanos: toUnixNanos(event.time),
      attributes: attributesToRecord(event.attributes),
      droppedAttributesCount: event.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((link) => ({
      traceId: link.traceId,
      spanId: link.spanId,
      traceState: link.traceState,
      attributes: attributesToRecord(link.attributes),
      droppedAttributesCount: link.droppedAttributesCount,
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: span.status,
    scope: span.scope,
  };
}
