import type { InstrumentationScope } from '@x/tracer-core';

/** An event of a {@link SpanRecord}: `timestamp` in milliseconds since the Unix epoch. */
export interface TraceEvent {
  readonly name: string;
  readonly timestamp: number;
  readonly attributes?: unknown;
}

/** How a span ended, as OpenTelemetry's status code, in words. */
export type RecordStatus = 'unset' | 'ok' | 'error';

/**
 * A finished span as the seed API returns it (`end`, `instant`, `flush`, `exportRecords`).
 *
 * The seed's fields keep the seed's names: `id` (as in the `runtime:trace` reference) and `span_id`
 * (as in the extension guide) are both the local id that `start()` returned; `parent_id` is the
 * parent's local id. The wire ids, what a backend shows, are `trace_id`, `wire_span_id` and
 * `wire_parent_span_id` (lowercase hex; null when the span went to no tracer because it was not
 * sampled). `JSON.stringify` gives the seed's JSON form: ids and `started_at` as numbers (as text
 * past 2^53).
 */
export interface SpanRecord {
  readonly id: bigint;
  readonly span_id: bigint;
  readonly name: string;
  /** Wall-clock start, milliseconds since the Unix epoch. */
  readonly started_at: bigint;
  /** Elapsed time from a monotonic clock; 0 for `instant()`. */
  readonly duration_ms: number;
  readonly parent_id: bigint | null;
  /** As given to `start` / `startSpan`, plus what was set on the span afterwards. */
  readonly attributes?: unknown;
  /** As given to `end`. */
  readonly result?: unknown;
  readonly events: readonly TraceEvent[];
  readonly trace_id: string | null;
  readonly wire_span_id: string | null;
  readonly wire_parent_span_id: string | null;
  /** What produced the span (`getTracer(name, version)`; the application by default). */
  readonly scope: InstrumentationScope;
  readonly status: RecordStatus;
  readonly status_message?: string;
  /** Events beyond the per-span limit, left out of `events` (and counted in `stats()`). */
  readonly dropped_events: number;
}

/** The fields of a record, as the span builds them. */
export interface RecordFields extends Omit<SpanRecord, 'span_id'> {}

/** The seed's `TraceRecord`, the name the class shows in `console.log`; its fields are SpanRecord's. */
interface TraceRecord extends SpanRecord {}

class TraceRecord {
  constructor(fields: RecordFields) {
    // Assigned in the seed's order; the optional fields only when given, so they are absent
    // rather than undefined.
    const self = this as { -readonly [K in keyof SpanRecord]: SpanRecord[K] };
    self.id = fields.id;
    self.span_id = fields.id;
    self.name = fields.name;
    self.started_at = fields.started_at;
    self.duration_ms = fields.duration_ms;
    self.parent_id = fields.parent_id;
    if (fields.attributes !== undefined) self.attributes = fields.attributes;
    if (fields.result !== undefined) self.result = fields.result;
    self.events = fields.events;
    self.trace_id = fields.trace_id;
    self.wire_span_id = fields.wire_span_id;
    self.wire_parent_span_id = fields.wire_parent_span_id;
    self.scope = fields.scope;
    self.status = fields.status;
    if (fields.status_message !== undefined) self.status_message = fields.status_message;
    self.dropped_events = fields.dropped_events;
  }

  /** The seed's JSON form: bigints as numbers (as text when a number cannot hold them exactly). */
  toJSON(): unknown {
    return JSON.parse(JSON.stringify({ ...this }, jsonValue));
  }
}

/** JSON.stringify replacer: bigints as numbers when exact, as text otherwise. */
export function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
}

export function createRecord(fields: RecordFields): SpanRecord {
  return new TraceRecord(fields);
}

const NO_EVENTS: readonly TraceEvent[] = Object.freeze([]);

/**
 * What `end`, `instant` and `finishSpan` return for a span that was never recorded (started while
 * tracing was disabled): id 0, nothing else. One frozen object, so the disabled path allocates nothing.
 */
export const NOT_RECORDED: SpanRecord = Object.freeze(
  createRecord({
    id: 0n,
    name: '',
    started_at: 0n,
    duration_ms: 0,
    parent_id: null,
    events: NO_EVENTS,
    trace_id: null,
    wire_span_id: null,
    wire_parent_span_id: null,
    scope: Object.freeze({ name: '' }),
    status: 'unset',
    dropped_events: 0,
  }),
);
