import {
  SpanHandle,
  toUnixNanos,
  SpanStatusCode,
  type AttributeValue,
  type InstrumentationScope,
  type SpanStatus,
  type TracerPlugin,
} from '@x/tracer-core';
import { now } from '@x/tracer-core/internal';
import { toBigInt, type LocalId } from './local-id.js';
import { RecordNotes } from './record-notes.js';
import type { RecordStatus, SpanRecord } from './span-record.js';
import type { TraceRuntime } from './trace-runtime.js';
import { toAttributes } from './user-attributes.js';
const OK: SpanStatus = Object.freeze({ code: SpanStatusCode.OK });
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** Everything a span is opened with (see `Tracer#open`). */
export interface SpanInit {
  readonly runtime: TraceRuntime;
  readonly id: LocalId;
  readonly name: string;
  readonly scope: InstrumentationScope;
  /** The tracer recording it; undefined when it goes to none (not sampled, or no tracer). */
  readonly plugin: TracerPlugin | undefined;
  /** The tracer's handle, or ids of our own when there is no tracer, or INVALID. */
  readonly handle: SpanHandle;
  readonly parentId: LocalId | null;
  /** The parent's handle (ours or remote), for the record's `wire_parent_span_id`. */
  readonly parentHandle: SpanHandle | undefined;
  readonly attributes: unknown;
  /** Whether its record goes to the store when it ends. */
  readonly keepsRecord: boolean;
  /**
   * Whether anything will read its record: the store, or the caller of `end`/`finishSpan`. A span
   * that collects nothing (a `withSpan` span with records off or not sampled) skips the clock
   * reads and copies that only a record needs; the tracer keeps its own.
   */
  readonly collects: boolean;
  /** A clock reading (`now()`); not read when the span collects nothing. */
  readonly startReading: number;
  /** W3C tracestate the span carries on (its parent's, or the remote caller's); '' when none. */
  readonly traceState: string;
  /** The Level 2 random flag of its trace id: true for ids we drew, as sent for a remote trace. */
  readonly random: boolean;
  /** For a span nobody records: the trace id it continues (a remote or parent trace), if any. */
  readonly traceIdToContinue: string | undefined;
}

/** What `inject` sends for a span. */
export interface PropagationContext {
  readonly traceId: string;
  readonly spanId: string;
  /** Whether the span is recorded: the sampled flag. */
  readonly sampled: boolean;
  readonly random: boolean;
  readonly traceState: string;
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
  /** The local id as kept (see `local-id.ts`): the live table's key. @internal */
  readonly localId: LocalId;
  #name: string;
  readonly #parentId: LocalId | null;
  /**
   * The span that was current when this one became current: where the context returns when this
   * span ends or leaves (see `span-context.ts`). Not the parent, which may have been given.
   * @internal
   */
  previous: Span | undefined = undefined;
  /** Made current by `startSpan` and not yet awaited or read (see `span-context.ts`). @internal */
  armed = false;
  /** In the runtime's live table (opened by `start`/`startSpan`): removed from it when it ends. @internal */
  registered = false;
  /**
   * What the automatic HTTP instrumentation keeps for a server span, so `setHttpRoute` finds it
   * from the current span (see `http/server-spans.ts`): a field, not a WeakMap entry per request.
   * @internal
   */
  httpServer: object | undefined = undefined;
  readonly #runtime: TraceRuntime | undefined;
  readonly #scope: InstrumentationScope;
  #plugin: TracerPlugin | undefined;
  readonly #handle: SpanHandle;
  readonly #keepsRecord: boolean;
  /** What its record needs; undefined when nobody will read its record (see {@link SpanInit.collects}). */
  #notes: RecordNotes | undefined;
  #ended = false;
  readonly #traceState: string;
  readonly #random: boolean;
  /** A span nobody records: the trace id it continues until its propagation ids are made. */
  #traceIdToContinue: string | undefined;
  /** A span nobody records: the ids it sends on (made when first injected). */
  #propagated: { readonly traceId: string; readonly spanId: string } | undefined = undefined;

  constructor(init: SpanInit | undefined) {
    if (init === undefined) {
      // The inert span: nothing records, nothing is kept.
      this.localId = 0;
      this.#name = '';
      this.#parentId = null;
      this.#runtime = undefined;
      this.#scope = { name: '' };
      this.#handle = SpanHandle.INVALID;
      this.#keepsRecord = false;
      this.#notes = undefined;
      this.#ended = true;
      this.#traceState = '';
      this.#random = false;
      return;
    }
    this.localId = init.id;
    this.#name = init.name;
    this.#parentId = init.parentId;
    this.#runtime = init.runtime;
    this.#scope = init.scope;
    this.#plugin = init.plugin;
    this.#handle = init.handle;
    this.#keepsRecord = init.keepsRecord;
    this.#notes = init.collects ? new RecordNotes(init.runtime, init.startReading, init.parentHandle, init.attributes) : undefined;
    this.#traceState = init.traceState;
    this.#random = init.random;
    this.#traceIdToContinue = init.traceIdToContinue;
  }

  /** The Level 2 random flag of its trace id. */
  get random(): boolean {
    return this.#random;
  }

  /** The W3C tracestate this span carries on ('' when none). */
  get traceState(): string {
    return this.#traceState;
  }

  /**
   * What `inject` sends for this span: its wire ids and the sampled flag when it is recorded; when
   * it is not, the trace id it continues (or a fresh one) and a span id of its own, sampled off, so
   * the next service joins the same trace and keeps the decision. Undefined for the inert span.
   */
  propagation(): PropagationContext | undefined {
    if (this.#runtime === undefined) return undefined;
    const handle = this.#handle;
    // isValid, not identity: a third-party tracer may say "not sampled" with zero ids of its own.
    if (handle !== SpanHandle.INVALID && SpanHandle.isValid(handle)) {
      return { traceId: handle.traceId, spanId: handle.spanId, sampled: true, random: this.#random, traceState: this.#traceState };
    }
    if (this.#propagated === undefined) {
      const ids = this.#runtime.wireIds;
      this.#propagated = { traceId: this.#traceIdToContinue ?? ids.traceId(), spanId: ids.spanId() };
      this.#traceIdToContinue = undefined;
    }
    const { traceId, spanId } = this.#propagated;
    return { traceId, spanId, sampled: false, random: this.#random, traceState: this.#traceState };
  }

  get name(): string {
    return this.#name;
  }

  /**
   * Renames the span, as OpenTelemetry's `updateName`: an HTTP server span starts as `GET` and
   * becomes `GET /users/:id` once the route is known. The tracer is told when it supports it (the
   * optional `updateName` of the contract). A non-string name is ignored.
   */
  updateName(name: string): this {
    if (this.#ended || typeof name !== 'string') return this;
    this.#name = name;
    const plugin = this.#plugin;
    if (plugin !== undefined && typeof plugin.updateName === 'function') {
      try {
        plugin.updateName(this.#handle, name);
      } catch {
        this.#runtime!.counters.tracerErrors++;
      }
    }
    return this;
  }

  /** The local id (the seed's u64 counter); 0n for the inert span. */
  get id(): bigint {
    return toBigInt(this.localId);
  }

  /** The parent's local id; null for a root or a remote parent. */
  get parentId(): bigint | null {
    const parent = this.#parentId;
    return parent === null ? null : toBigInt(parent);
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
    this.#notes?.setAttribute(key, value);
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
    return this.addEventAt(name, attributes, undefined);
  }

  /**
   * Adds an event that happened at `timeUnixNanos` (default now): the OpenTelemetry bridge's
   * `addEvent(name, attributes, time)`. The record's event keeps the time it was added.
   * @internal
   */
  addEventAt(name: string, attributes: unknown, timeUnixNanos: bigint | undefined): this {
    if (this.#ended || typeof name !== 'string') return this;
    const runtime = this.#runtime!;
    this.#notes?.addEvent(name, attributes);
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      const converted = toAttributes(attributes);
      try {
        const event = converted === undefined ? { name } : { name, attributes: converted };
        plugin.addEvent(this.#handle, timeUnixNanos === undefined ? event : { ...event, timeUnixNanos });
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
    const notes = this.#notes;
    if (notes !== undefined) {
      notes.status = status;
      notes.statusMessage = value.message;
    }
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
   * Ends the span (with `result`, the seed's `end(id, result)`) and returns its record, or
   * undefined for a span that collects none (a `withSpan` span while records are off or not kept).
   * A second call does nothing and returns undefined.
   */
  end(result?: unknown): SpanRecord | undefined {
    return this.finish(result, true);
  }

  /**
   * Ends the span at `at` (a clock reading; default now). Returns its record when the span has
   * notes and `wantRecord` or the store keeps it; undefined otherwise. `withSpan` passes false.
   * @internal
   */
  finish(result: unknown, wantRecord: boolean, at?: number): SpanRecord | undefined {
    if (this.#ended) return undefined;
    this.#ended = true;
    const runtime = this.#runtime!;
    runtime.counters.spansEnded++;
    if (this.registered) runtime.live.delete(this.localId);
    const plugin = this.#plugin;
    if (plugin !== undefined) {
      this.#plugin = undefined;
      try {
        if (result !== undefined) {
          const flat = toAttributes(result, 'result');
          if (flat !== undefined) for (const name in flat) plugin.setAttribute(this.#handle, name, flat[name]!);
        }
        if (at === undefined) plugin.endSpan(this.#handle);
        else plugin.endSpan(this.#handle, toUnixNanos(at));
      } catch {
        runtime.counters.tracerErrors++;
      }
    }
    const notes = this.#notes;
    // Once ended the span keeps nothing it collected: a context that outlives it (a timer
    // started inside it) holds a small object, not its attributes and events, nor ended ancestors.
    this.#notes = undefined;
    this.previous = nearestLive(this.previous);
    if (notes === undefined) return undefined;
    const store = this.#keepsRecord ? runtime.records : undefined;
    if (store === undefined && !wantRecord) return undefined;
    return notes.record(this, this.#handle, this.#handle !== SpanHandle.INVALID, result, at ?? now(), store);
  }

  /** Forgotten by the live table (too many live spans): ends nowhere, `end` now throws SpanNotFound. @internal */
  evict(): void {
    this.#ended = true;
    this.#plugin = undefined;
    this.#notes = undefined;
    this.previous = nearestLive(this.previous);
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

/** `span`, or the nearest span that was current before it and has not ended. */
export function nearestLive(span: Span | undefined): Span | undefined {
  while (span !== undefined && span.ended) span = span.previous;
  return span;
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
