import {
  SpanHandle,
  SpanStatusCode,
  type AttributeValue,
  type InstrumentationScope,
  type SpanStatus,
  type TracerPlugin,
} from '@x/tracer-core';
import { now, ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';
import { createRecord, type RecordStatus, type SpanRecord, type TraceEvent } from './span-record.js';
import type { TraceRuntime } from './trace-runtime.js';
import { estimateBytes, toAttributes } from './user-attributes.js';

/** Events a record keeps per span; more are counted (`dropped_events`), as OpenTelemetry's default limit. */
export const MAX_RECORD_EVENTS = 128;
/** What a record counts for itself, before its data. */
const RECORD_BYTES = 320;
const EVENT_BYTES = 64;

const ORIGIN_MILLIS = Number(ORIGIN_UNIX_NANOS / 1000n) / 1000;
const OK: SpanStatus = Object.freeze({ code: SpanStatusCode.OK });
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** Everything a span is opened with (see `Tracer#open`). */
export interface SpanInit {
  readonly runtime: TraceRuntime;
  readonly id: bigint;
  readonly name: string;
  readonly scope: InstrumentationScope;
  /** The tracer recording it; undefined when it goes to none (not sampled, or no tracer). */
  readonly plugin: TracerPlugin | undefined;
  /** The tracer's handle, or ids of our own when there is no tracer, or INVALID. */
  readonly handle: SpanHandle;
  readonly parentId: bigint | null;
  /** The parent's handle (ours or remote), for the record's `wire_parent_span_id`. */
  readonly parentHandle: SpanHandle | undefined;
  readonly attributes: unknown;
  /** Whether its record goes to the store when it ends. */
  readonly keepsRecord: boolean;
  readonly startReading: number;
}

/**
 * A span of the application API: what `startSpan` returns, what `withSpan` passes to its
 * function, what `currentSpan()` gives. It is handle-like in the seed's sense (`id`, `name`) and a
 * contract `SpanHandle` too (`traceId`, `spanId`: the wire ids, zeros when not sampled), so it can
 * be passed as a parent anywhere.
 *
 * Its recording methods never throw and return the span, for chaining; on a span that has ended
 * they do nothing.
 */
export class Span implements SpanHandle {
  /** The local id (the seed's u64 counter); 0n for the inert span. */
  readonly id: bigint;
  readonly name: string;
  /** The parent's local id; null for a root or a remote parent. */
  readonly parentId: bigint | null;
  /**
   * The span that was current when this one became current: where the context returns when this
   * span ends or leaves (see `span-context.ts`). Not the parent, which may have been given.
   */
  previous: Span | undefined = undefined;
  readonly #runtime: TraceRuntime | undefined;
  readonly #scope: InstrumentationScope;
  #plugin: TracerPlugin | undefined;
  readonly #handle: SpanHandle;
  readonly #parentHandle: SpanHandle | undefined;
  readonly #startReading: number;
  #given: unknown;
  #extra: Record<string, unknown> | undefined = undefined;
  #events: TraceEvent[] | undefined = undefined;
  #eventBytes = 0;
  #droppedEvents = 0;
  #status: RecordStatus = 'unset';
  #statusMessage: string | undefined = undefined;
  #keepsRecord: boolean;
  #ended = false;
  /** In the runtime's live table (opened by `start`/`startSpan`): removed from it when it ends. */
  registered = false;

  constructor(init: SpanInit | undefined) {
    if (init === undefined) {
      // The inert span: nothing records, nothing is kept.
      this.id = 0n;
      this.name = '';
      this.parentId = null;
      this.#runtime = undefined;
      this.#scope = { name: '' };
      this.#handle = SpanHandle.INVALID;
      this.#parentHandle = undefined;
      this.#startReading = 0;
      this.#keepsRecord = false;
      this.#ended = true;
      return;
    }
    this.id = init.id;
    this.name = init.name;
    this.parentId = init.parentId;
    this.#runtime = init.runtime;
    this.#scope = init.scope;
    this.#plugin = init.plugin;
    this.#handle = init.handle;
    this.#parentHandle = init.parentHandle;
    this.#startReading = init.startReading;
    this.#given = init.attributes;
    this.#keepsRecord = init.keepsRecord;
  }

  /** The wire trace id: 32 lowercase hex characters, zeros when the span is not sampled. */
  get traceId(): string {
    return this.#handle.traceId;
  }

  /** The wire span id: 16 lowercase hex characters, zeros when the span is not sampled. */
  get spanId(): string {
    return this.#handle.spanId;
  }

  /** The contract handle, for a `TracerPlugin` or a propagator. INVALID when not sampled. */
  get handle(): SpanHandle {
    return this.#handle;
  }

  get scope(): InstrumentationScope {
    return this.#scope;
  }

  /** True once the span has ended (and always for the inert span). */
  get ended(): boolean {
    return this.#ended;
  }

  /** True while something keeps what is recorded on it: a tracer that sampled it, or the record store. */
  isRecording(): boolean {
    return !this.#ended && (this.#plugin !== undefined || this.#keepsRecord);
  }

  /** Sets one attribute; a nested object is flattened into dotted keys. */
  setAttribute(key: string, value: unknown): this {
    // '__proto__' would set the prototype of the object the attributes are kept in.
    if (this.#ended || typeof key !== 'string' || key === '' || key === '__proto__') return this;
    (this.#extra ??= {})[key] = value;
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        this.#setOnPlugin(plugin, key, value);
      } else {
        const flat = toAttributes(value, key);
        if (flat !== undefined) for (const name in flat) this.#setOnPlugin(plugin, name, flat[name]!);
      }
    }
    return this;
  }

  /** FORGE's `current_span().record(key, value)`: the same as {@link setAttribute}. */
  record(key: string, value: unknown): this {
    return this.setAttribute(key, value);
  }

  /** Sets every own key of `attributes`. */
  setAttributes(attributes: Record<string, unknown>): this {
    if (this.#ended || typeof attributes !== 'object' || attributes === null) return this;
    try {
      for (const key of Object.keys(attributes)) this.setAttribute(key, attributes[key]);
    } catch {
      // A throwing getter: keep what was set before it.
    }
    return this;
  }

  /** Adds a point-in-time event. */
  addEvent(name: string, attributes?: unknown): this {
    if (this.#ended || typeof name !== 'string') return this;
    const runtime = this.#runtime!;
    const events = (this.#events ??= []);
    if (events.length >= MAX_RECORD_EVENTS) {
      this.#droppedEvents++;
      runtime.counters.eventsDropped++;
    } else {
      const timestamp = ORIGIN_MILLIS + now() / 1e6;
      events.push(attributes === undefined ? { name, timestamp } : { name, timestamp, attributes });
      this.#eventBytes += EVENT_BYTES + 2 * name.length + (attributes === undefined ? 0 : estimateBytes(attributes));
    }
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      const converted = toAttributes(attributes);
      try {
        plugin.addEvent(this.#handle, converted === undefined ? { name } : { name, attributes: converted });
      } catch {
        runtime.counters.tracerErrors++;
      }
    }
    return this;
  }

  /**
   * Sets the status: `'ok'`, `'error'` (with an optional message) or `'unset'`. The last call
   * before the span ends wins.
   */
  setStatus(status: RecordStatus, message?: string): this {
    if (this.#ended) return this;
    let value: SpanStatus;
    if (status === 'ok') value = OK;
    else if (status === 'unset') value = UNSET;
    else if (status === 'error') {
      value = typeof message === 'string' && message !== '' ? { code: SpanStatusCode.ERROR, message } : { code: SpanStatusCode.ERROR };
    } else return this;
    this.#status = status;
    this.#statusMessage = value.message;
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      try {
        plugin.setStatus(this.#handle, value);
      } catch {
        this.#runtime!.counters.tracerErrors++;
      }
    }
    return this;
  }

  /**
   * Records a thrown value as OpenTelemetry's `exception` event (`exception.type`,
   * `exception.message`, `exception.stacktrace`). Does not change the status.
   */
  recordException(error: unknown): this {
    if (this.#ended) return this;
    return this.addEvent('exception', exceptionAttributes(error));
  }

  /**
   * Ends the span (with `result`, the seed's `end(id, result)`) and returns its record. A second
   * call returns the inert record and does nothing.
   */
  end(result?: unknown): SpanRecord | undefined {
    return this.finish(result, true);
  }

  /**
   * Ends the span. Builds the record when `wantRecord` or when the store keeps it; returns it (or
   * undefined when neither). `withSpan` passes false: most of its spans need no record object.
   * @internal
   */
  finish(result: unknown, wantRecord: boolean, at?: number): SpanRecord | undefined {
    if (this.#ended) return undefined;
    this.#ended = true;
    const endReading = at ?? now();
    const runtime = this.#runtime!;
    runtime.counters.spansEnded++;
    if (this.registered) runtime.live.delete(this.id);
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      this.#plugin = undefined;
      try {
        if (result !== undefined) {
          const flat = toAttributes(result, 'result');
          if (flat !== undefined) for (const name in flat) plugin.setAttribute(this.#handle, name, flat[name]!);
        }
        if (at === undefined) plugin.endSpan(this.#handle);
        else plugin.endSpan(this.#handle, ORIGIN_UNIX_NANOS + BigInt(Math.round(at)));
      } catch {
        runtime.counters.tracerErrors++;
      }
    }
    const store = this.#keepsRecord ? runtime.records : undefined;
    let record: SpanRecord | undefined;
    if (store !== undefined || wantRecord) {
      record = this.#buildRecord(result, endReading);
      if (store !== undefined) {
        store.add(record, RECORD_BYTES + 2 * this.name.length + estimateBytes(record.attributes) + estimateBytes(result) + this.#eventBytes);
      }
    }
    this.#release();
    return record;
  }

  /** Forgotten by the live table (too many live spans): ends nowhere, `end` now throws SpanNotFound. @internal */
  evict(): void {
    this.#ended = true;
    this.#plugin = undefined;
    this.#release();
  }

  /**
   * Lets go of what the span collected once it has ended: a context that outlives the span (a
   * timer started inside it) then keeps only a small object, not its attributes and events.
   */
  #release(): void {
    this.#given = undefined;
    this.#extra = undefined;
    this.#events = undefined;
  }

  #buildRecord(result: unknown, endReading: number): SpanRecord {
    const handle = this.#handle;
    const sampled = handle !== SpanHandle.INVALID;
    return createRecord({
      id: this.id,
      name: this.name,
      started_at: BigInt(Math.floor(ORIGIN_MILLIS + this.#startReading / 1e6)),
      duration_ms: Math.max(0, (endReading - this.#startReading) / 1e6),
      parent_id: this.parentId,
      attributes: this.#attributes(),
      result,
      events: this.#events ?? [],
      trace_id: sampled ? handle.traceId : null,
      wire_span_id: sampled ? handle.spanId : null,
      wire_parent_span_id: sampled && this.#parentHandle !== undefined ? this.#parentHandle.spanId : null,
      scope: this.#scope,
      status: this.#status,
      status_message: this.#statusMessage,
      dropped_events: this.#droppedEvents,
    });
  }

  /** The attributes as given, with what was set later merged over them (a copy only then). */
  #attributes(): unknown {
    const given = this.#given;
    const extra = this.#extra;
    if (extra === undefined) return given;
    if (given === undefined || given === null) return extra;
    if (typeof given !== 'object' || Array.isArray(given)) return { value: given, ...extra };
    try {
      return { ...given, ...extra };
    } catch {
      return extra;
    }
  }

  #setOnPlugin(plugin: TracerPlugin, key: string, value: AttributeValue): void {
    try {
      plugin.setAttribute(this.#handle, key, value);
    } catch {
      this.#runtime!.counters.tracerErrors++;
    }
  }

  /** The ids and names, for logs: `JSON.stringify(span)`. */
  toJSON(): { id: number | string; name: string; traceId: string; spanId: string } {
    const id = this.id <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(this.id) : this.id.toString();
    return { id, name: this.name, traceId: this.traceId, spanId: this.spanId };
  }
}

/** The span `currentSpan()` returns when there is none, and every call returns while disabled. */
export const INERT_SPAN: Span = Object.freeze(new Span(undefined)) as Span;

/** OpenTelemetry's exception event attributes for a thrown value. Never throws. */
export function exceptionAttributes(error: unknown): Record<string, string> {
  try {
    if (error instanceof Error) {
      const out: Record<string, string> = { 'exception.type': error.name, 'exception.message': error.message };
      if (typeof error.stack === 'string') out['exception.stacktrace'] = error.stack;
      return out;
    }
    return { 'exception.message': String(error) };
  } catch {
    return { 'exception.message': 'unprintable thrown value' };
  }
}
