import {
  InvalidOptionError,
  SpanHandle,
  type IdGenerator,
  type ShutdownOptions,
  type SpanEvent,
  type SpanStart,
  type SpanStatus,
  type TracerPlugin,
  type TracerStats,
} from '@x/tracer-core';
import {
  createIdGenerator,
  durationMillis,
  LiveSpanTable,
  optionsObject,
  positiveInteger,
  EVICTED,
  LIVE,
  resolvedIds,
  resolveIds,
  SpanRef,
  SpanRecorder,
  sinkOf,
  strictestLimits,
  TracerCounters,
  DEFAULT_MAX_LIVE_SPANS,
} from '@x/tracer-core/internal';
import { FanoutError } from './fanout-error.js';
import { settleChildren } from './settle-children.js';

/** Options of {@link createFanoutTracer}. */
export interface FanoutTracerOptions {
  /** @defaultValue 'fanout' */
  readonly name?: string;
  /** Spans started through the fan-out and not ended; the oldest is evicted and counted. @defaultValue 16384 */
  readonly maxLiveSpans?: number;
  /** How long `flush()` waits for the slowest child before calling it failed. @defaultValue 30000 */
  readonly flushTimeoutMillis?: number;
  /** Deadline of `shutdown()` when the caller gives none. @defaultValue 5000 */
  readonly shutdownTimeoutMillis?: number;
  /** Where the shared ids come from. @defaultValue createIdGenerator() */
  readonly idGenerator?: IdGenerator;
}

/** A fan-out's stats: its own counters, each child's stats, and the faults each child committed. */
export interface FanoutStats extends TracerStats {
  readonly children: Readonly<Record<string, TracerStats>>;
  /** Calls on which a child broke the contract (threw, returned garbage), by child. */
  readonly childFaults: Readonly<Record<string, number>>;
}

/** A fan-out tracer: a TracerPlugin with every lifecycle member. */
export interface FanoutTracer extends TracerPlugin {
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): FanoutStats;
}

export const MAX_CHILDREN = 31;

const enum Op {
  SetAttribute,
  SetStatus,
  AddEvent,
  End,
}
const OP_NAMES = ['setAttribute', 'setStatus', 'addEvent', 'endSpan'] as const;
const ZERO_SPAN_ID = SpanHandle.INVALID.spanId;

/**
 * A span as the fan-out tracks it: which children recorded it, and each child's own handle, so
 * every child is addressed with the handle it issued (its fast path).
 */
class FanoutSpan {
  endTime = LIVE;
  liveSlot = -1;
  constructor(
    readonly traceId: string,
    readonly spanId: string,
    /** Children called for this span (those that are not sinks and did not return INVALID). */
    readonly mask: number,
    readonly handles: SpanHandle[],
    /** The span in the shared recorder that feeds the sink children, when there is one. */
    readonly shared: SpanHandle | undefined,
  ) {}
}

function remoteParentOf(traceId: string, parentSpanId: string): SpanHandle | undefined {
  return parentSpanId === '' ? undefined : { traceId, spanId: parentSpanId };
}

function childKeys(children: readonly TracerPlugin[]): string[] {
  const seen = new Map<string, number>();
  return children.map((child) => {
    const base = typeof child.name === 'string' && child.name !== '' ? child.name : 'unnamed';
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}#${count}`;
  });
}

function checkChildren(children: unknown): TracerPlugin[] {
  if (!Array.isArray(children)) throw new InvalidOptionError('children must be an array of TracerPlugins');
  if (children.length > MAX_CHILDREN) {
    throw new InvalidOptionError(`a fan-out takes at most ${MAX_CHILDREN} children, got ${children.length}; nest fan-outs for more`);
  }
  children.forEach((child: unknown, index) => {
    const plugin = child as TracerPlugin;
    for (const method of ['startSpan', 'setAttribute', 'setStatus', 'addEvent', 'endSpan', 'flush'] as const) {
      if (typeof child !== 'object' || child === null || typeof plugin[method] !== 'function') {
        throw new InvalidOptionError(`children[${index}] is not a TracerPlugin: ${method} is not a function`);
      }
    }
  });
  return [...children];
}

class FanoutTracerImpl implements FanoutTracer {
  readonly name: string;
  readonly #children: readonly TracerPlugin[];
  readonly #keys: readonly string[];
  readonly #faults: number[];
  readonly #all: number;
  readonly #live: LiveSpanTable<FanoutSpan>;
  readonly #ids: IdGenerator;
  readonly #counters = new TracerCounters();
  readonly #resolved = resolvedIds<FanoutSpan>();
  /** Records once for every child built on the core (a sink); undefined when there is none. */
  readonly #shared: SpanRecorder | undefined;
  readonly #sharedCounters = new TracerCounters();
  /** Every child is a sink: the shared recorder is the whole fan-out (no table of its own). */
  readonly #direct: boolean;
  readonly #flushTimeoutMillis: number;
  readonly #shutdownTimeoutMillis: number;
  #shutdown: Promise<void> | undefined;

  constructor(children: TracerPlugin[], options: FanoutTracerOptions) {
    if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '')) {
      throw new InvalidOptionError('name must be a non-empty string');
    }
    this.name = options.name ?? 'fanout';
    this.#children = children;
    this.#keys = childKeys(children);
    this.#faults = children.map(() => 0);
    const maxLiveSpans = positiveInteger('maxLiveSpans', options.maxLiveSpans, DEFAULT_MAX_LIVE_SPANS);
    this.#live = new LiveSpanTable(maxLiveSpans);
    this.#ids = options.idGenerator ?? createIdGenerator();
    const sinks = children.map((child) => sinkOf(child));
    // Children that are not sinks are called for every span; sinks get the span recorded once.
    this.#all = sinks.reduce((mask, sink, i) => (sink === undefined ? mask | (1 << i) : mask), 0);
    const accepting = sinks.filter((sink) => sink !== undefined);
    this.#shared =
      accepting.length === 0
        ? undefined
        : new SpanRecorder(
            { maxLiveSpans, idGenerator: this.#ids, spanLimits: strictestLimits(accepting.map((sink) => sink.limits)) },
            this.#sharedCounters,
            (span) => {
              this.#sharedCounters.spansExported++;
              for (const sink of accepting) sink.accept(span);
            },
          );
    this.#direct = this.#all === 0 && this.#shared !== undefined;
    this.#flushTimeoutMillis = durationMillis('flushTimeoutMillis', options.flushTimeoutMillis, 30_000);
    this.#shutdownTimeoutMillis = durationMillis('shutdownTimeoutMillis', options.shutdownTimeoutMillis, 5000);
  }

  #fault(index: number, what: string, error?: unknown): void {
    this.#faults[index]!++;
    const detail = error instanceof Error ? `: ${error.message}` : '';
    this.#counters.lastError = Object.freeze({
      code: 'CHILD_FAULT',
      message: `child "${this.#keys[index]}" broke the contract in ${what}${detail}`,
      timeUnixMillis: Date.now(),
    });
  }

  startSpan(start: SpanStart): SpanHandle {
    if (this.#direct) return this.#shared!.startSpan(start);
    if (this.#shutdown !== undefined) {
      this.#counters.ignoredAfterShutdown++;
      return SpanHandle.INVALID;
    }
    try {
      return this.#start(start);
    } catch {
      this.#counters.invalidCalls++;
      return SpanHandle.INVALID;
    }
  }

  #start(start: SpanStart): SpanHandle {
    if (this.#all === 0 && this.#shared === undefined) return SpanHandle.INVALID;
    if (typeof start !== 'object' || start === null) {
      this.#counters.invalidCalls++;
      return SpanHandle.INVALID;
    }
    const resolved = this.#resolved;
    if (!resolveIds(start, this.#live, this.#ids, this.#counters, this, resolved)) return SpanHandle.INVALID;
    const { traceId, spanId, parentSpanId, localParent } = resolved;
    resolved.localParent = undefined;
    // Only children that recorded a local parent record its child: an unsampled trace stays so.
    const mask = localParent === undefined ? this.#all : localParent.mask;
    const childParents = localParent?.handles;
    // A parent that is not ours is remote for every child; a local one is addressed per child.
    const remoteParent = localParent === undefined ? remoteParentOf(traceId, parentSpanId) : undefined;
    const sharedParent = localParent === undefined ? remoteParent : localParent.shared;
    const childStart = {
      name: start.name,
      kind: start.kind,
      parent: remoteParent as SpanHandle | undefined,
      attributes: start.attributes,
      startTimeUnixNanos: start.startTimeUnixNanos,
      links: start.links,
      traceState: start.traceState,
      traceId,
      spanId,
    };

    let shared: SpanHandle | undefined;
    if (this.#shared !== undefined && (localParent === undefined || sharedParent !== undefined)) {
      childStart.parent = sharedParent;
      const handle = this.#shared.startSpan(childStart);
      if (handle !== SpanHandle.INVALID) shared = handle;
      childStart.parent = remoteParent;
    }
    let sampled = 0;
    const handles: SpanHandle[] = new Array(this.#children.length);
    for (let i = 0, bits = mask; bits !== 0; i++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      let handle: SpanHandle;
      if (childParents !== undefined) childStart.parent = childParents[i];
      try {
        handle = this.#children[i]!.startSpan(childStart);
      } catch (error) {
        this.#fault(i, 'startSpan', error);
        continue;
      }
      if (typeof handle !== 'object' || handle === null) {
        this.#fault(i, 'startSpan (returned no handle)');
        continue;
      }
      if ((handle.spanId === spanId && handle.traceId === traceId) || SpanHandle.isValid(handle)) {
        // (A child that chose its own ids is still addressed with its own handle; ids differ there.)
        sampled |= 1 << i;
        handles[i] = handle;
      } else if ((handle as SpanHandle).spanId !== ZERO_SPAN_ID) {
        this.#fault(i, 'startSpan (returned a malformed handle)');
      }
    }
    if (sampled === 0 && shared === undefined) return SpanHandle.INVALID;
    const span = new FanoutSpan(traceId, spanId, sampled, handles, shared);
    const evicted = this.#live.add(span);
    if (evicted !== undefined) this.#evict(evicted);
    this.#counters.spansStarted++;
    return new SpanRef(traceId, spanId, this, span);
  }

  /**
   * Forwards one recording call to the children that recorded the span. A switch instead of a
   * callback per call: no closure is allocated on the hot path.
   */
  #forward(op: Op, handle: SpanHandle, a: unknown, b: unknown): void {
    if (this.#direct) {
      const recorder = this.#shared!;
      if (op === Op.SetAttribute) recorder.setAttribute(handle, a as string, b);
      else if (op === Op.SetStatus) recorder.setStatus(handle, a);
      else if (op === Op.AddEvent) recorder.addEvent(handle, a as SpanEvent);
      else recorder.endSpan(handle, a as bigint | undefined);
      return;
    }
    if (this.#shutdown !== undefined) {
      this.#counters.ignoredAfterShutdown++;
      return;
    }
    try {
      const span = this.#find(handle);
      if (span === undefined) return;
      const ending = op === Op.End;
      if (ending) {
        this.#live.delete(span);
        SpanRef.detach(handle);
        span.endTime = 0;
      }
      const shared = span.shared;
      if (shared !== undefined) {
        // The recorder never throws; it feeds every sink child at the end.
        const recorder = this.#shared!;
        if (op === Op.SetAttribute) recorder.setAttribute(shared, a as string, b);
        else if (op === Op.SetStatus) recorder.setStatus(shared, a);
        else if (op === Op.AddEvent) recorder.addEvent(shared, a as SpanEvent);
        else recorder.endSpan(shared, a as bigint | undefined);
      }
      for (let i = 0, bits = span.mask; bits !== 0; i++, bits >>>= 1) {
        if ((bits & 1) === 0) continue;
        const child = this.#children[i]!;
        const target = span.handles[i]!;
        try {
          switch (op) {
            case Op.SetAttribute:
              child.setAttribute(target, a as string, b as never);
              break;
            case Op.SetStatus:
              child.setStatus(target, a as SpanStatus);
              break;
            case Op.AddEvent:
              child.addEvent(target, a as SpanEvent);
              break;
            case Op.End:
              child.endSpan(target, a as bigint | undefined);
              break;
          }
        } catch (error) {
          this.#fault(i, OP_NAMES[op], error);
        }
      }
      if (ending) {
        this.#counters.spansEnded++;
        this.#counters.spansExported++;
      }
    } catch {
      this.#counters.invalidCalls++;
    }
  }

  #evict(span: FanoutSpan): void {
    span.endTime = EVICTED;
    if (span.shared !== undefined) this.#shared!.discard(span.shared);
    this.#counters.drop('live-evicted');
  }

  #find(handle: SpanHandle): FanoutSpan | undefined {
    if (handle === SpanHandle.INVALID) return undefined;
    const target = SpanRef.target<FanoutSpan>(handle, this);
    if (target !== undefined) return target.endTime === LIVE ? target : undefined;
    if (typeof handle !== 'object' || handle === null) return undefined;
    return this.#live.get(handle.traceId, handle.spanId);
  }

  setAttribute(span: SpanHandle, key: string, value: unknown): void {
    this.#forward(Op.SetAttribute, span, key, value);
  }

  setStatus(span: SpanHandle, status: SpanStatus): void {
    this.#forward(Op.SetStatus, span, status, undefined);
  }

  addEvent(span: SpanHandle, event: SpanEvent): void {
    this.#forward(Op.AddEvent, span, event, undefined);
  }

  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void {
    this.#forward(Op.End, span, endTimeUnixNanos, undefined);
  }

  async flush(): Promise<void> {
    const failures = await settleChildren(this.#keys, (i) => this.#children[i]!.flush(), this.#flushTimeoutMillis);
    if (failures.length > 0) throw this.#failed('flush', failures);
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    this.#shutdown ??= this.#final(options);
    return this.#shutdown;
  }

  async #final(options: ShutdownOptions | undefined): Promise<void> {
    const wanted: unknown = typeof options === 'object' && options !== null ? options.timeoutMillis : undefined;
    const timeoutMillis = typeof wanted === 'number' && Number.isFinite(wanted) && wanted >= 0 ? wanted : this.#shutdownTimeoutMillis;
    for (const span of this.#live.clear()) this.#evict(span);
    this.#shared?.close();
    const failures = await settleChildren(
      this.#keys,
      (i) => {
        const child = this.#children[i]!;
        return typeof child.shutdown === 'function' ? child.shutdown({ timeoutMillis }) : child.flush();
      },
      // Children bound themselves by `timeoutMillis`; the grace covers their bookkeeping.
      timeoutMillis + 250,
    );
    if (failures.length > 0) throw this.#failed('shutdown', failures);
  }

  #failed(operation: 'flush' | 'shutdown', failures: FanoutError['failures']): FanoutError {
    const error = new FanoutError(operation, this.#children.length, failures);
    this.#counters.recordFailure(error);
    return error;
  }

  stats(): FanoutStats {
    const children: Record<string, TracerStats> = {};
    const childFaults: Record<string, number> = {};
    this.#children.forEach((child, i) => {
      const key = this.#keys[i]!;
      if (typeof child.stats === 'function') {
        try {
          children[key] = child.stats();
        } catch (error) {
          this.#fault(i, 'stats', error);
        }
      }
      childFaults[key] = this.#faults[i]!;
    });
    const own = this.#direct ? this.#sharedCounters.snapshot(this.#shared!.liveCount, 0) : this.#counters.snapshot(this.#live.size, 0);
    if (this.#direct) return Object.freeze({ ...own, children, childFaults });
    return Object.freeze({
      ...own,
      attributesDropped: own.attributesDropped + this.#sharedCounters.attributesDropped,
      invalidCalls: own.invalidCalls + this.#sharedCounters.invalidCalls,
      children,
      childFaults,
    });
  }
}

/**
 * One TracerPlugin in front of several: every call goes to each child.
 *
 * - **Same ids everywhere**: the fan-out draws the ids and passes them in `SpanStart`, so a span has
 *   the same trace and span id in every child (children that honor `SpanStart.spanId`, as all of
 *   this project's do), and parent relations hold in each.
 * - **Sampling per child**: a child that returns INVALID for a span is not called for it again, and
 *   its children are INVALID there too; the fan-out returns INVALID only when every child did.
 * - **Isolation**: a child that throws or returns garbage is counted (`childFaults`) and skipped;
 *   the others keep recording; the fan-out never throws.
 * - **Flush and shutdown** run on all children at once, each bounded by a deadline, and reject with a
 *   {@link FanoutError} naming every failing child while the healthy ones deliver.
 *
 * Own counters: a span ended through the fan-out counts as exported (forwarded to the children);
 * each child's ledger is in `stats().children`. Timestamps are read by each child, so they agree to
 * within the microsecond the forwarding takes; pass `startTimeUnixNanos` to make them identical.
 *
 * @throws InvalidOptionError when a child is not a TracerPlugin, there are more than 31, or an option is bad.
 */
export function createFanoutTracer(children: readonly TracerPlugin[], options?: FanoutTracerOptions): FanoutTracer {
  return new FanoutTracerImpl(checkChildren(children), optionsObject('createFanoutTracer options', options));
}
