import type { InstrumentationScope, SpanHandle } from '@x/tracer-core';
import { now, ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';
import type { RecordStore } from './record-store.js';
import { createRecord, type RecordStatus, type SpanRecord, type TraceEvent } from './span-record.js';
import type { TraceRuntime } from './trace-runtime.js';
import { snapshot } from './record-value.js';

/** Events a record keeps per span; more are counted (`dropped_events`), as OpenTelemetry's default limit. */
export const MAX_RECORD_EVENTS = 128;
/** What a record counts for itself, before its data. */
const RECORD_BYTES = 320;
const EVENT_BYTES = 64;

const ORIGIN_MILLIS = Number(ORIGIN_UNIX_NANOS / 1000n) / 1000;

/**
 * What a span notes for its seed record (`SpanRecord`): its start reading, attributes as given and
 * set later, events with their timestamps, status and result, each as a bounded copy taken when it
 * was given (see `record-value.ts`). Only spans whose record someone reads have notes (see
 * `Span`): a `withSpan` span going to a tracer alone skips all of it, and the tracer keeps its own
 * copy of the same facts.
 */
export class RecordNotes {
  readonly #runtime: TraceRuntime;
  readonly #startReading: number;
  readonly #parentHandle: SpanHandle | undefined;
  readonly #given: unknown;
  #extra: Record<string, unknown> | undefined = undefined;
  #events: TraceEvent[] | undefined = undefined;
  /** The copies' bytes so far: the given attributes, attributes set later, events. */
  #bytes = 0;
  #droppedEvents = 0;
  status: RecordStatus = 'unset';
  statusMessage: string | undefined = undefined;

  constructor(runtime: TraceRuntime, startReading: number, parentHandle: SpanHandle | undefined, given: unknown) {
    this.#runtime = runtime;
    this.#startReading = startReading;
    this.#parentHandle = parentHandle;
    this.#given = given === undefined ? undefined : this.#copy(given);
  }

  setAttribute(key: string, value: unknown): void {
    const copy = this.#copy(value);
    (this.#extra ??= {})[key] = copy;
    this.#bytes += 16 + 2 * key.length;
  }

  /** A bounded copy of `value`, its bytes counted, its truncations counted. */
  #copy(value: unknown): unknown {
    const copy = snapshot(value);
    this.#bytes += copy.bytes;
    this.#runtime.counters.recordValuesTruncated += copy.truncated;
    return copy.value;
  }

  addEvent(name: string, attributes: unknown): void {
    const events = (this.#events ??= []);
    if (events.length >= MAX_RECORD_EVENTS) {
      this.#droppedEvents++;
      this.#runtime.counters.eventsDropped++;
      return;
    }
    const timestamp = ORIGIN_MILLIS + now() / 1e6;
    events.push(attributes === undefined ? { name, timestamp } : { name, timestamp, attributes: this.#copy(attributes) });
    this.#bytes += EVENT_BYTES + 2 * name.length;
  }

  /** The record of the span that ended at `endReading`; added to `store` when given. */
  record(
    span: { readonly id: bigint; readonly name: string; readonly parentId: bigint | null; readonly scope: InstrumentationScope },
    handle: SpanHandle,
    sampled: boolean,
    result: unknown,
    endReading: number,
    store: RecordStore | undefined,
  ): SpanRecord {
    const attributes = this.#attributes();
    if (result !== undefined) result = this.#copy(result);
    const record = createRecord({
      id: span.id,
      name: span.name,
      started_at: BigInt(Math.floor(ORIGIN_MILLIS + this.#startReading / 1e6)),
      duration_ms: Math.max(0, (endReading - this.#startReading) / 1e6),
      parent_id: span.parentId,
      attributes,
      result,
      events: this.#events ?? [],
      trace_id: sampled ? handle.traceId : null,
      wire_span_id: sampled ? handle.spanId : null,
      wire_parent_span_id: sampled && this.#parentHandle !== undefined ? this.#parentHandle.spanId : null,
      scope: span.scope,
      status: this.status,
      status_message: this.statusMessage,
      dropped_events: this.#droppedEvents,
    });
    if (store !== undefined) {
      store.add(record, RECORD_BYTES + 2 * span.name.length + this.#bytes);
    }
    return record;
  }

  /** The attributes as given, with what was set later merged over them. Both are our copies. */
  #attributes(): unknown {
    const given = this.#given;
    const extra = this.#extra;
    if (extra === undefined) return given;
    if (given === undefined || given === null) return extra;
    if (typeof given !== 'object' || Array.isArray(given)) return { value: given, ...extra };
    return { ...given, ...extra };
  }
}
