import type { AttributeValue, Attributes } from './attributes.js';
import type { SpanHandle } from './span-handle.js';
import type { SpanKind } from './span-kind.js';
import type { SpanStatus } from './span-status.js';
import type { TracerStats } from './tracer-stats.js';

/** A link from a span to another span, possibly in another trace. */
export interface SpanLink {
  readonly context: SpanHandle;
  readonly attributes?: Attributes;
  /** W3C `tracestate` of the linked span, carried as is. */
  readonly traceState?: string;
}

/**
 * What produced a span: the instrumented library or application, as OpenTelemetry's
 * `InstrumentationScope` (`getTracer(name, version)`). Exporters group spans by it (OTLP
 * `scopeSpans`); a tracer that knows nothing of scopes ignores it.
 */
export interface InstrumentationScope {
  /** The library or application, for example `@x/trace` or `checkout`. Not empty. */
  readonly name: string;
  readonly version?: string;
}

/**
 * Everything `startSpan` takes, as one options object so that it can grow without breaking
 * plugins: a plugin reads the fields it knows and ignores the rest.
 */
export interface SpanStart {
  readonly name: string;
  /** @defaultValue SpanKind.INTERNAL */
  readonly kind?: SpanKind;
  /**
   * The parent. Absent (or null): a root with a new trace id. `SpanHandle.INVALID`: the trace
   * is not sampled and the child is INVALID too. A handle this tracer never issued (a remote
   * parent, for example from a `traceparent` header): the child joins that trace id with that
   * parent span id.
   */
  readonly parent?: SpanHandle | null;
  readonly attributes?: Attributes;
  /** Unix time in nanoseconds. @defaultValue the tracer's clock */
  readonly startTimeUnixNanos?: bigint;
  readonly links?: readonly SpanLink[];
  /**
   * Ids chosen by the caller, so that several tracers record one span under the same ids
   * (the fan-out tracer does this). `traceId` is used for a root only: a child always takes its
   * parent's trace id. A malformed id, or a span id that is already live, is replaced by a
   * fresh one.
   */
  readonly traceId?: string;
  readonly spanId?: string;
  /** W3C `tracestate` to carry with the span (for example the remote parent's). */
  readonly traceState?: string;
  /**
   * What produced the span. Pass the same object for every span of a scope: tracers may keep
   * it by reference. Absent (undefined or null) or malformed: the tracer's own default scope.
   */
  readonly scope?: InstrumentationScope;
}

/** A point-in-time event on a span: OpenTelemetry's span event, a structured log line. */
export interface SpanEvent {
  readonly name: string;
  /** Unix time in nanoseconds. @defaultValue the tracer's clock */
  readonly timeUnixNanos?: bigint;
  readonly attributes?: Attributes;
}

/** Options for {@link TracerPlugin.shutdown}. */
export interface ShutdownOptions {
  /**
   * How long the final flush may take before what is left is dropped and counted. Any length is
   * taken as given (`Infinity`: no deadline); not a number from 0 up: the tracer's default.
   */
  readonly timeoutMillis?: number;
}

/**
 * A tracing backend. There is at most one active plugin per site; several backends are reached
 * by chaining them through a fan-out, which is itself a plugin.
 *
 * **Recording** (`startSpan`, `setAttribute`, `setStatus`, `addEvent`, `endSpan`, and the optional
 * `updateName`) runs inline with the code it describes. Every implementation must keep these methods
 * synchronous, free of I/O, and infallible: they never throw, whatever they are given. A call on an
 * unknown, ended, foreign or INVALID handle is a cheap no-op. Values that are not valid are dropped
 * and counted.
 *
 * **Flushing** is the only fallible operation. `flush()` never throws synchronously; it returns a
 * promise that rejects with a `TracerError` when spans could not be delivered. After a failed
 * flush the buffered spans are still the plugin's responsibility: it retries them, or drops them
 * and counts the drop, or spills them; they never vanish.
 *
 * **Optional recording.** `updateName` is optional so that plugins written before it keep working;
 * callers call it as `plugin.updateName?.(span, name)`, and a plugin without it keeps the start name.
 *
 * **Optional lifecycle.** Hosts call these when present:
 * - `shutdown(options?)`: a final flush bounded by a deadline; stops timers and process hooks.
 *   Idempotent: a second call returns the first call's promise. Recording afterwards is a no-op
 *   that is counted (`ignoredAfterShutdown`), and `startSpan` returns INVALID.
 * - `stats()`: counters, so that every span is accounted for (see {@link TracerStats}).
 *
 * The interface is object-safe: no generic methods, no classes required. Any plain object with
 * these members is a plugin.
 */
export interface TracerPlugin {
  /** A short, stable name, used in fan-out stats and errors. */
  readonly name: string;
  /**
   * Begins a span. Returns its handle, or `SpanHandle.INVALID` when the span is not recorded
   * (not sampled, INVALID parent, after shutdown). Thread INVALID through as a parent like any
   * other handle.
   */
  startSpan(start: SpanStart): SpanHandle;
  /** Sets or overwrites one attribute on a live span. */
  setAttribute(span: SpanHandle, key: string, value: AttributeValue): void;
  /** Sets the span's status; the last call before `endSpan` wins. */
  setStatus(span: SpanHandle, status: SpanStatus): void;
  /** Adds a point-in-time event to a live span. */
  addEvent(span: SpanHandle, event: SpanEvent): void;
  /**
   * Ends a live span at `endTimeUnixNanos` (default: now). The handle is dead afterwards: later
   * calls with it, including a second `endSpan`, are no-ops.
   */
  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void;
  /**
   * Renames a live span: OpenTelemetry's `Span.updateName`, for a name known only after the span
   * started (an HTTP server span starts as `GET` and becomes `GET /users/:id` once the router has
   * matched the route). The last call before `endSpan` wins; the name is kept as a start name is
   * (cut at 4096 characters). A name that is not a string is ignored and counted (`invalidCalls`).
   * Like every recording call: a no-op on an unknown, ended, foreign or INVALID handle (after
   * `endSpan` the exported span keeps the name it ended with), counted in `ignoredAfterShutdown`
   * after shutdown, synchronous, no I/O, never throws.
   *
   * Optional: call it as `plugin.updateName?.(span, name)`. Every tracer in this project has it; a
   * fan-out forwards it to the children that have it and skips the others.
   */
  updateName?(span: SpanHandle, name: string): void;
  /**
   * The W3C `tracestate` a live span carries as this tracer recorded it ('' for none), undefined
   * for an unknown, ended, foreign or INVALID handle. A tracer may record another tracestate than
   * the start's: a sampler writes its threshold (`ot=th:...`) there. Callers that propagate a span
   * (`inject`) or start its children read it here, so what the next service receives is what
   * this tracer decided. Synchronous, no I/O, never throws.
   *
   * Optional: call it as `plugin.traceState?.(span)`; without it, the start's tracestate stands.
   */
  traceState?(span: SpanHandle): string | undefined;
  /** Delivers what is buffered. Rejects with a `TracerError`; never throws synchronously. */
  flush(): Promise<void>;
  shutdown?(options?: ShutdownOptions): Promise<void>;
  stats?(): TracerStats;
}
