import { SpanHandle, toUnixNanos, type InstrumentationScope, type SpanKind, type SpanLink, type SpanStart } from '@x/tracer-core';
import { describe, isSpanKind, now } from '@x/tracer-core/internal';
import { keyOf, NOT_RECORDED_ID, readLocalId } from './local-id.js';
import { tracingSuppressed } from './tracing-suppressed.js';
import { activeSpan, enterSpan, leaveSpan, runInSpan } from './span-context.js';
import { NOT_RECORDED, type SpanRecord } from './span-record.js';
import { exceptionAttributes, INERT_SPAN, Span } from './span.js';
import { TraceError, TraceErrorCode } from './trace-error.js';
import type { TraceRuntime } from './trace-runtime.js';
import { toAttributes } from './user-attributes.js';
import { contractParent } from './propagation/propagation.js';
import { RemoteContext } from './propagation/remote-context.js';

/**
 * A parent as `startSpan` and `withSpan` take it: one of our spans, a seed-style handle
 * (`{ id }`, the local id of a live span), a contract `SpanHandle` from elsewhere (a remote parent,
 * for example read from a `traceparent` header), or null for a new trace. Absent: the current span.
 */
export type ParentLike = Span | { readonly id: bigint | number } | SpanHandle | null;

/**
 * What `withSpan` returns: what its function returned, but a promise for any thenable (the span
 * ends when it settles), as `await` would see it.
 */
export type WithSpanResult<T> = T extends object & { then(...args: any[]): any } ? Promise<Awaited<T>> : T;

/** Options of `startSpan` and `withSpan`. */
export interface SpanOptions {
  readonly attributes?: unknown;
  /** @defaultValue the current span (none: a new trace) */
  readonly parent?: ParentLike;
  /** @defaultValue SpanKind.INTERNAL */
  readonly kind?: SpanKind;
}

/** Where a new span hangs: one of our spans, a handle from elsewhere, or nothing (a root). */
interface Parent {
  readonly span: Span | undefined;
  /** The contract parent: INVALID when the parent is not recorded. */
  readonly handle: SpanHandle | undefined;
  /** A context read from a carrier (`extract`), for its tracestate, flags and trace id. */
  readonly remote?: RemoteContext;
}

const ROOT: Parent = Object.freeze({ span: undefined, handle: undefined });

/** What `openDetached` takes beyond {@link SpanOptions}: the OpenTelemetry bridge's start time and links. @internal */
export interface DetachedStart {
  /** A clock reading (`now()`); default now. */
  readonly at?: number | undefined;
  readonly links?: readonly SpanLink[] | undefined;
}

/**
 * The application API bound to one instrumentation scope: what `getTracer(name, version)` returns,
 * and (with the application's scope) what the package's top-level functions are. Every method is
 * a bound function: `const { withSpan } = getTracer('billing')` works.
 */
export class Tracer {
  readonly #runtime: TraceRuntime;
  /** undefined: the application's scope, which `configure({ service })` may change later. */
  readonly #scope: InstrumentationScope | undefined;

  constructor(runtime: TraceRuntime, scope: InstrumentationScope | undefined) {
    this.#runtime = runtime;
    this.#scope = scope;
  }

  /** Whether tracing is on (`setEnabled`). @internal */
  get enabled(): boolean {
    return this.#runtime.enabled;
  }

  /** The scope spans of this tracer carry. */
  get scope(): InstrumentationScope {
    return this.#scope ?? this.#runtime.defaultScope;
  }

  /** Starts a span and returns its local id; end it with `end(id)`. Its parent is the current span; it does not become current. */
  start = (name: string, attributes?: unknown): bigint => {
    if (!this.#runtime.enabled) return NOT_RECORDED_ID;
    const span = this.#open(name, attributes, this.#currentParent(), undefined, false);
    this.#runtime.register(span);
    return span.id;
  };

  /**
   * Ends the span `start` (or `startSpan`) returned and returns its record.
   * @throws TraceError InvalidSpan (9303) when `id` is not a span id; SpanNotFound (9301) when no live span has it.
   */
  end = (id: bigint | number, result?: unknown): SpanRecord => {
    const local = readLocalId(id);
    if (local === undefined) throw invalidSpan(`end() takes a span id (a bigint from start()), got ${describe(id)}`);
    if (local === NOT_RECORDED_ID) return NOT_RECORDED;
    const span = this.#runtime.live.get(keyOf(local));
    if (span === undefined) throw spanNotFound(local);
    return this.#finish(span, result);
  };

  /** Records a point-in-time span of zero duration (a child of the current span) and returns its record. */
  instant = (name: string, attributes?: unknown): SpanRecord => {
    if (!this.#runtime.enabled) return NOT_RECORDED;
    const at = now();
    const span = this.#open(name, attributes, this.#currentParent(), undefined, false, at);
    return span.finish(undefined, true, at)!;
  };

  /**
   * Starts a span and makes it the current span for the rest of the calling function (`await`
   * it, as the seed examples do; see the README's "Context").
   * @throws TraceError InvalidSpan (9303) for a malformed `parent`; SpanNotFound (9301) for a `{ id }` parent that is not live.
   */
  startSpan = (name: string, options?: SpanOptions): Span => {
    if (!this.#runtime.enabled) return INERT_SPAN;
    const current = activeSpan();
    const parent = options?.parent === undefined ? parentOf(current) : this.#parentOf(options.parent);
    const span = this.#open(name, options?.attributes, parent, options?.kind, false);
    this.#runtime.register(span);
    enterSpan(span, current);
    return span;
  };

  /**
   * Ends a span from `startSpan` and returns its record; the span current before it is current again.
   * @throws TraceError InvalidSpan (9303) for something that is not a span handle; SpanNotFound (9301) when it already ended.
   */
  finishSpan = (handle: Span | { readonly id: bigint | number }): SpanRecord => {
    const span = this.#spanOf(handle);
    if (span === undefined) return NOT_RECORDED;
    if (span.ended) throw spanNotFound(span.id);
    // A withSpan span ends with its function; like its id, its handle does not reach it.
    if (!span.registered) throw new TraceError(TraceErrorCode.SpanNotFound, `span ${span.id} belongs to withSpan: it ends when its function does`);
    return this.#finish(span, undefined);
  };

  /** Adds an event to the current span. With no current span the call is counted (`callsWithoutSpan`) and ignored. */
  recordEvent = (name: string, attributes?: unknown): void => {
    if (!this.#runtime.enabled) return;
    const span = activeSpan();
    if (span === undefined) this.#runtime.counters.callsWithoutSpan++;
    else span.addEvent(name, attributes);
  };

  /**
   * Runs `fn` inside a new span, current for all of `fn`'s async flow, and ends the span when `fn`
   * returns or its promise settles. A throw or rejection is recorded (an `exception` event and
   * ERROR status) and passed on unchanged.
   */
  withSpan = <T>(name: string, fn: (span: Span) => T, options?: SpanOptions): WithSpanResult<T> => {
    const runtime = this.#runtime;
    if (typeof fn !== 'function') throw new TypeError(`withSpan(name, fn): fn must be a function, got ${describe(fn)}`);
    if (!runtime.enabled) return fn(INERT_SPAN) as WithSpanResult<T>;
    const current = activeSpan();
    let parent: Parent;
    if (options?.parent === undefined) {
      // Under a span that is not sampled nothing is recorded: run fn as it is.
      if (current !== undefined && current.handle === SpanHandle.INVALID) return fn(INERT_SPAN) as WithSpanResult<T>;
      parent = parentOf(current);
    } else parent = this.#parentOf(options.parent);
    const span = this.#open(name, options?.attributes, parent, options?.kind, true);
    let result: T;
    try {
      result = runInSpan(span, current, fn);
    } catch (error) {
      failed(span, error);
      throw error;
    }
    const settled = whenSettled(result);
    if (settled === undefined) {
      span.finish(undefined, false);
      return result as WithSpanResult<T>;
    }
    return settled.then(
      (value: unknown) => {
        span.finish(undefined, false);
        return value;
      },
      (error: unknown) => {
        failed(span, error);
        throw error;
      },
    ) as WithSpanResult<T>;
  };

  /** The current span, or the inert span (whose methods do nothing) when there is none. */
  currentSpan = (): Span => {
    if (!this.#runtime.enabled) return INERT_SPAN;
    return activeSpan() ?? INERT_SPAN;
  };

  /**
   * Opens a span as `withSpan` does (its record kept only when records are) without touching the
   * context: the automatic HTTP spans use it. `parent`: a span, a remote context, null, or absent
   * for the current span.
   * @internal
   */
  openDetached(name: string, options: SpanOptions, start?: DetachedStart): Span {
    const parent = options.parent === undefined ? this.#currentParent() : this.#parentOf(options.parent);
    return this.#open(name, options.attributes, parent, options.kind, true, start?.at, start?.links);
  }

  /**
   * A span that stands for a parent from elsewhere (the OpenTelemetry bridge's foreign or remote span
   * contexts), to be made current so that spans started under it are its children. It records
   * nothing, is never registered, never ends, and is not counted. INVALID `handle`: the trace is not
   * sampled, and neither are spans under it (which carry `traceId` on).
   * @internal
   */
  standIn(handle: SpanHandle, traceId: string, traceState: string): Span {
    const runtime = this.#runtime;
    return new Span({
      runtime,
      id: runtime.ids.next(),
      name: '',
      scope: this.scope,
      plugin: undefined,
      handle,
      parentId: null,
      parentHandle: undefined,
      attributes: undefined,
      keepsRecord: false,
      collects: false,
      startReading: Number.NaN,
      traceState,
      random: true,
      traceIdToContinue: handle === SpanHandle.INVALID ? traceId : undefined,
    });
  }

  #currentParent(): Parent {
    return parentOf(activeSpan());
  }

  #parentOf(given: ParentLike): Parent {
    if (given === null) return ROOT;
    if (given instanceof Span) return given.localId === 0 ? ROOT : { span: given, handle: given.handle };
    if (given instanceof RemoteContext) return { span: undefined, handle: contractParent(given), remote: given };
    if (typeof given !== 'object') throw badParent(given);
    const id = readField(given, 'id');
    if (id !== undefined) {
      const span = this.#spanOf(given as { id: bigint });
      return span === undefined ? ROOT : { span, handle: span.handle };
    }
    if (SpanHandle.isValid(given)) return { span: undefined, handle: given };
    if (SpanHandle.isInvalid(given)) return { span: undefined, handle: SpanHandle.INVALID };
    throw badParent(given);
  }

  /** The live span a handle names; undefined for the not-recorded id 0. Throws for anything else. */
  #spanOf(handle: unknown): Span | undefined {
    if (handle instanceof Span) return handle.localId === 0 ? undefined : handle;
    const id = readLocalId(typeof handle === 'object' && handle !== null ? readField(handle, 'id') : undefined);
    if (id === undefined) throw invalidSpan(`expected a span handle ({ id, name }), got ${describe(handle)}`);
    if (id === NOT_RECORDED_ID) return undefined;
    const span = this.#runtime.live.get(keyOf(id));
    if (span === undefined) throw spanNotFound(id);
    return span;
  }

  #finish(span: Span, result: unknown): SpanRecord {
    const record = span.finish(result, true)!;
    leaveSpan(span);
    return record;
  }

  /**
   * Opens a span under `parent`: asks the site's tracer (if any) and builds the API span.
   * `ownedByWithSpan`: nobody but the store can ask for its record.
   */
  #open(name: unknown, attributes: unknown, parent: Parent, kind: unknown, ownedByWithSpan: boolean, at?: number, links?: readonly SpanLink[]): Span {
    const runtime = this.#runtime;
    runtime.counters.spansStarted++;
    const scope = this.scope;
    const spanName = nameOf(name);
    const parentHandle = parent.handle;
    const unsampled = parentHandle === SpanHandle.INVALID;
    let plugin = runtime.plugin;
    let handle: SpanHandle = SpanHandle.INVALID;
    // The tracestate the tracer recorded (a sampler adds its threshold there): what children and inject carry on.
    let recordedTraceState: string | undefined;
    // Suppressed (an exporter's own request, under OpenTelemetry's suppressTracing): recorded
    // nowhere, as an unsampled span is, and the trace id still carried on.
    if (unsampled || tracingSuppressed()) plugin = undefined;
    else if (plugin !== undefined) {
      // Every field present, undefined or not: one object shape for every call the tracer sees.
      const start: SpanStart = {
        name: spanName,
        kind: isSpanKind(kind) ? kind : undefined,
        parent: parentHandle,
        attributes: toAttributes(attributes),
        startTimeUnixNanos: at === undefined ? undefined : toUnixNanos(at),
        scope,
        traceState: parent.remote?.traceState ?? parent.span?.traceState,
        links,
      };
      try {
        handle = plugin.startSpan(start);
        // Identity and type only: validating the ids would read them, and a core tracer makes its
        // handle's hex ids only when read. A malformed handle from a third-party plugin is that
        // plugin's no-op, and shows as malformed ids in the record.
        if (handle === SpanHandle.INVALID || typeof handle !== 'object' || handle === null) {
          handle = SpanHandle.INVALID;
          plugin = undefined;
        } else if (plugin.traceState !== undefined) {
          const recorded = plugin.traceState(handle);
          if (typeof recorded === 'string') recordedTraceState = recorded;
        }
      } catch {
        // A tracer must not throw; one that does loses the span, the records do not.
        runtime.counters.tracerErrors++;
        plugin = undefined;
        handle = ownHandle(runtime, parentHandle);
      }
    } else {
      handle = ownHandle(runtime, parentHandle);
    }
    const keepsRecord = handle !== SpanHandle.INVALID && runtime.records !== undefined;
    const collects = keepsRecord || !ownedByWithSpan;
    const { span: parentSpan, remote } = parent;
    return new Span({
      traceState: recordedTraceState ?? remote?.traceState ?? parentSpan?.traceState ?? '',
      // Ids we draw are random; a continued trace keeps the flag it came with.
      random: remote?.random ?? parentSpan?.random ?? true,
      traceIdToContinue:
        handle === SpanHandle.INVALID ? (remote?.traceId ?? parentSpan?.propagation()?.traceId ?? parentTraceId(parentHandle)) : undefined,
      runtime,
      id: runtime.ids.next(),
      name: spanName,
      scope,
      plugin,
      handle,
      parentId: parent.span === undefined ? null : parent.span.localId,
      parentHandle: unsampled ? undefined : parentHandle,
      attributes,
      keepsRecord,
      collects,
      startReading: collects ? (at ?? now()) : NaN,
    });
  }
}

/** Ids of our own, for records when no tracer issues them. */
function ownHandle(runtime: TraceRuntime, parent: SpanHandle | undefined): SpanHandle {
  const ids = runtime.wireIds;
  return Object.freeze({ traceId: parent?.traceId ?? ids.traceId(), spanId: ids.spanId() });
}

/** The trace id of a handle given as parent, when it names one (not INVALID). */
function parentTraceId(handle: SpanHandle | undefined): string | undefined {
  return handle === undefined || handle === SpanHandle.INVALID ? undefined : handle.traceId;
}

function parentOf(span: Span | undefined): Parent {
  return span === undefined ? ROOT : { span, handle: span.handle };
}

/** Records what `fn` threw on its span and ends it. Never throws (the caller rethrows the original). */
function failed(span: Span, error: unknown): void {
  const attributes = exceptionAttributes(error);
  span.addEvent('exception', attributes);
  span.setStatus('error', attributes['exception.message']);
  span.finish(undefined, false);
}

/**
 * A promise that settles when `result` does, or undefined when `result` is not a thenable. A
 * native promise is chained as it is; another thenable goes through `Promise.resolve`, which calls
 * its `then` once, later, and turns a throwing `then` into a rejection. Never throws.
 */
function whenSettled(result: unknown): Promise<unknown> | undefined {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return undefined;
  try {
    if (result instanceof Promise) return result;
    return typeof (result as { then?: unknown }).then === 'function' ? Promise.resolve(result) : undefined;
  } catch (error) {
    // Reading `then` threw (a revoked proxy, a getter): a rejection, as `await` would give.
    return Promise.reject(error);
  }
}

function nameOf(name: unknown): string {
  if (typeof name === 'string') return name;
  try {
    return String(name);
  } catch {
    return '';
  }
}

function readField(value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

function badParent(given: unknown): TraceError {
  return invalidSpan(`parent must be a span, a { id } handle, a SpanHandle or null, got ${describe(given)}`);
}

function invalidSpan(message: string): TraceError {
  return new TraceError(TraceErrorCode.InvalidSpan, message);
}

function spanNotFound(id: bigint): TraceError {
  return new TraceError(TraceErrorCode.SpanNotFound, `no live span has id ${id}: it ended already, was never started, or was evicted (too many live spans)`);
}
