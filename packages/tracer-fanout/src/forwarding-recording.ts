import { SpanHandle, type SpanEvent, type SpanStart, type SpanStatus, type TracerPlugin, type TracerStats } from '@x/tracer-core';
import {
  LIVE,
  LiveSpans,
  TracerCounters,
  type FinishedSpanSink,
  type LiveSpan,
  type Placement,
  type RecordingCalls,
  type SpanRecorder,
  SpanIdentity,
  spanIdHex,
  traceIdHex,
} from '@x/tracer-core/internal';
import type { FanoutChildren } from './fanout-children.js';
import type { FanoutRecording, FanoutSetup } from './fanout-recording.js';
import { recorderForSinks } from './record-once.js';

const enum Op {
  SetAttribute,
  SetStatus,
  AddEvent,
  End,
  UpdateName,
}
const OP_NAMES = ['setAttribute', 'setStatus', 'addEvent', 'endSpan', 'updateName'] as const;
const ZERO_SPAN_ID = SpanHandle.INVALID.spanId;
/**
 * One recording call on `target`. A switch instead of a callback per call: no closure on the hot path.
 * `updateName` is optional for a plugin: a child without it is skipped (one that has something else
 * there throws, and is counted as a fault like any child that throws).
 */
function apply(target: RecordingCalls | TracerPlugin, op: Op, handle: SpanHandle, a: unknown, b: unknown): void {
  if (op === Op.SetAttribute) target.setAttribute(handle, a as string, b as never);
  else if (op === Op.SetStatus) target.setStatus(handle, a as SpanStatus);
  else if (op === Op.AddEvent) target.addEvent(handle, a as SpanEvent);
  else if (op === Op.End) target.endSpan(handle, a as bigint | undefined);
  else target.updateName?.(handle, a as string);
}

/** `endTime` of a forwarded span once it ended (the children keep the real times). */
const ENDED = 0;

/**
 * A span as the fan-out tracks it: which children recorded it, and each child's own handle, so
 * every child is addressed with the handle it issued (its fast path).
 */
class ForwardedSpan extends SpanIdentity implements LiveSpan {
  endTime = LIVE;
  liveSlot = -1;
  constructor(
    ids: Readonly<Placement>,
    /** Children called for this span: forwarded children that did not return INVALID for it. */
    readonly mask: number,
    readonly handles: SpanHandle[],
    /** The span in the shared recorder that feeds the sink children, when there is one. */
    readonly shared: SpanHandle | undefined,
  ) {
    super(ids);
  }
}

/**
 * How a fan-out records when some child is not built on the core (a third-party plugin): it draws
 * the ids, keeps its own table of live spans, and forwards every recording call to each child that
 * recorded the span, each call in its own try/catch. Children built on the core, if any, are still
 * fed by one shared recorder (see `recorderForSinks`), so they cost one recording between them.
 */
export class ForwardingRecording implements FanoutRecording, RecordingCalls {
  readonly recording = this;
  readonly #children: FanoutChildren;
  readonly #counters: TracerCounters;
  readonly #plugins: readonly TracerPlugin[];
  /** The children that get every call forwarded (those that do not accept finished spans), as a bit mask. */
  readonly #forwardedMask: number;
  readonly #live: LiveSpans<ForwardedSpan>;
  readonly #recorder: SpanRecorder | undefined;
  /** The shared recorder's counters: only its attribute and misuse counts surface in the fan-out's stats. */
  readonly #recorderCounters = new TracerCounters();
  /** The first child fed by the shared recorder, as a bit: the recorder answers `traceState` in its place. 0 when none is. */
  readonly #firstSinkBit: number;

  /** `sinks[i]` is child i's sink side, or undefined for a child that gets its calls forwarded. */
  constructor(setup: FanoutSetup, sinks: readonly (FinishedSpanSink | undefined)[]) {
    this.#children = setup.children;
    this.#counters = setup.counters;
    this.#plugins = setup.children.plugins;
    this.#forwardedMask = sinks.reduce((mask, sink, i) => (sink === undefined ? mask | (1 << i) : mask), 0);
    const accepting = sinks.filter((sink) => sink !== undefined);
    this.#recorder = accepting.length === 0 ? undefined : recorderForSinks(accepting, setup, this.#recorderCounters);
    const firstSink = sinks.findIndex((sink) => sink !== undefined);
    this.#firstSinkBit = firstSink < 0 ? 0 : 1 << firstSink;
    this.#live = new LiveSpans({
      maxSpans: setup.maxLiveSpans,
      ids: setup.ids,
      counters: setup.counters,
      onEvict: (span) => {
        if (span.shared !== undefined) this.#recorder!.discard(span.shared);
      },
    });
  }

  startSpan(start: SpanStart): SpanHandle {
    return this.#live.start(start, this.#create, this);
  }

  /**
   * Starts the span in the shared recorder and in each child that recorded its parent; undefined
   * when none of them sampled it. (`LiveSpans.start` guards the call and makes the span live.)
   */
  #create(start: SpanStart, placement: Placement<ForwardedSpan>): ForwardedSpan | undefined {
    const { localParent } = placement;
    // Children take ids as hex (the contract's form): made once here, for all of them.
    const traceId = traceIdHex(placement.t0, placement.t1, placement.t2, placement.t3);
    const spanId = spanIdHex(placement.s0, placement.s1);
    // Only children that recorded a local parent record its child: an unsampled trace stays so.
    const mask = localParent === undefined ? this.#forwardedMask : localParent.mask;
    const childParents = localParent?.handles;
    // A parent that is not ours is remote for every child; a local one is addressed per child.
    const remoteParent: SpanHandle | undefined =
      localParent === undefined && (placement.p0 | placement.p1) !== 0 ? { traceId, spanId: spanIdHex(placement.p0, placement.p1) } : undefined;
    const sharedParent = localParent === undefined ? remoteParent : localParent.shared;
    const childStart = {
      name: start.name,
      kind: start.kind,
      parent: remoteParent,
      attributes: start.attributes,
      startTimeUnixNanos: start.startTimeUnixNanos,
      links: start.links,
      traceState: start.traceState,
      // As the caller gave it, unchecked: each child validates (and counts) it as it does alone.
      scope: start.scope,
      traceId,
      spanId,
    };

    let shared: SpanHandle | undefined;
    if (this.#recorder !== undefined && (localParent === undefined || sharedParent !== undefined)) {
      childStart.parent = sharedParent;
      const handle = this.#recorder.startSpan(childStart);
      if (handle !== SpanHandle.INVALID) shared = handle;
      childStart.parent = remoteParent;
    }
    let sampled = 0;
    const handles: SpanHandle[] = new Array(this.#plugins.length);
    for (let i = 0, bits = mask; bits !== 0; i++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      let handle: SpanHandle;
      if (childParents !== undefined) childStart.parent = childParents[i];
      try {
        handle = this.#plugins[i]!.startSpan(childStart);
      } catch (error) {
        this.#children.fault(i, 'startSpan', error);
        continue;
      }
      if (typeof handle !== 'object' || handle === null) {
        this.#children.fault(i, 'startSpan (returned no handle)');
        continue;
      }
      if ((handle.spanId === spanId && handle.traceId === traceId) || SpanHandle.isValid(handle)) {
        // (A child that chose its own ids is still addressed with its own handle; ids differ there.)
        sampled |= 1 << i;
        handles[i] = handle;
      } else if ((handle as SpanHandle).spanId !== ZERO_SPAN_ID) {
        this.#children.fault(i, 'startSpan (returned a malformed handle)');
      }
    }
    if (sampled === 0 && shared === undefined) return undefined;
    return new ForwardedSpan(placement, sampled, handles, shared);
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

  /** As given: the shared recorder and each child check the name and count a bad one themselves, as for `setStatus`. */
  updateName(span: SpanHandle, name: string): void {
    this.#forward(Op.UpdateName, span, name, undefined);
  }

  /**
   * The tracestate of the first child, in child order, that recorded the span and answers with a string.
   * The children fed by the shared recorder are answered for by it (the start's tracestate, as each of
   * them would have recorded it), in the place of the first of them. A forwarded child without
   * `traceState` is skipped, and so is one that answers undefined (it may have evicted the span, or be
   * a fan-out whose children cannot answer); one that throws or answers anything else is counted as a
   * fault and skipped. Undefined when no child answers, and for a span that is not live here.
   */
  traceState(handle: SpanHandle): string | undefined {
    const span = this.#live.target(handle);
    if (span === undefined) return undefined;
    const asked = span.shared === undefined ? span.mask : span.mask | this.#firstSinkBit;
    for (let i = 0, bits = asked; bits !== 0; i++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      const state = (1 << i) === this.#firstSinkBit ? this.#recorder!.traceState(span.shared!) : this.#childTraceState(i, span.handles[i]!);
      if (state !== undefined) return state;
    }
    return undefined;
  }

  /** Child `index`'s answer for its `handle`: a string, or undefined when it has none to give (a fault counted, if it broke the contract). */
  #childTraceState(index: number, handle: SpanHandle): string | undefined {
    let state: unknown;
    try {
      // Optional for a plugin, as `updateName` is: something other than a function there throws, a fault.
      state = this.#plugins[index]!.traceState?.(handle);
    } catch (error) {
      this.#children.fault(index, 'traceState', error);
      return undefined;
    }
    if (state === undefined || typeof state === 'string') return state;
    this.#children.fault(index, 'traceState (returned neither a string nor undefined)');
    return undefined;
  }

  /** Forwards one recording call to the shared recorder and to the children that recorded the span. */
  #forward(op: Op, handle: SpanHandle, a: unknown, b: unknown): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    if (op === Op.End) this.#live.end(span, handle, ENDED);
    // The recorder never throws; it feeds every sink child at the end.
    if (span.shared !== undefined) apply(this.#recorder!, op, span.shared, a, b);
    for (let i = 0, bits = span.mask; bits !== 0; i++, bits >>>= 1) {
      if ((bits & 1) === 0) continue;
      try {
        apply(this.#plugins[i]!, op, span.handles[i]!, a, b);
      } catch (error) {
        this.#children.fault(i, OP_NAMES[op], error);
      }
    }
    if (op === Op.End) {
      this.#counters.spansEnded++;
      this.#counters.spansExported++;
    }
  }

  stop(): void {
    this.#live.close();
    this.#recorder?.close();
  }

  ownStats(): TracerStats {
    const own = this.#counters.snapshot(this.#live.size, 0);
    return {
      ...own,
      attributesDropped: own.attributesDropped + this.#recorderCounters.attributesDropped,
      invalidCalls: own.invalidCalls + this.#recorderCounters.invalidCalls,
    };
  }
}
