import { SpanHandle, SpanStatusCode, type FinishedSpan, type ShutdownOptions, type SpanStart, type TracerPlugin } from '@x/tracer-core';
import { DelegatingTracer, now, resolveSpanLimits, sinkOf, SpanRecorder, strictestLimits, TracerCounters } from '@x/tracer-core/internal';
import { Fragment, type Decision, type EarlyReason, type KeepRule } from './decision.js';
import { FifoQueue } from './fifo-queue.js';
import { ThresholdWriter, traceRandomness } from './ot-trace-state.js';
import { parentVerdict } from './parent-verdict.js';
import type { ResolvedSamplingOptions } from './sampling-options.js';
import { earlyCounts, keepCounts, NO_STATS, type SamplingStats } from './sampling-stats.js';
import { SpanHandoff } from './span-handoff.js';
import { keeps, probabilityToThreshold, type Threshold } from './threshold.js';

const NANOS_PER_MILLI = 1e6;
/** A threshold no randomness meets: what a tail root at sample rate 0 sends, so downstream never takes its sampled flag for a decision. */
const NEVER = probabilityToThreshold(2 ** -56, 14);

/**
 * Tail sampling: every span is recorded; a trace's local fragment is decided when its local root
 * ends (or early, see {@link EarlyReason}), and handed to the child whole or sampled out.
 *
 * What is known at the start is used at the start: a trace the consistent ratio keeps, or whose
 * remote parent decided (`parentBased`), is kept at once and its spans go on as they end; only the
 * others are held, waiting for an error or a slow root. Spans that end after their trace was
 * decided follow the decision; spans that start in a trace sampled out get INVALID.
 *
 * Every ended span is handed on (`spansExported`), held (`spansBuffered`), sampled out
 * (`spansSampledOut`) or dropped by reason (`live-evicted`, `child-refused`).
 */
export class TailSamplingTracer extends DelegatingTracer implements TracerPlugin {
  readonly name: string;
  protected readonly recording: SpanRecorder;
  readonly #counters = new TracerCounters();
  readonly #options: ResolvedSamplingOptions;
  readonly #child: TracerPlugin;
  readonly #handoff: SpanHandoff;
  /** The ratio's threshold; undefined at sample rate 0 (the ratio keeps nothing). */
  readonly #threshold: Threshold | undefined;
  /** What a root's tracestate carries from its start: the ratio's threshold (see {@link NEVER}). */
  readonly #rootTraceState: ThresholdWriter;
  /** Spans of a trace kept by a tail rule lose the threshold: their probability is not known. */
  readonly #eraseThreshold = new ThresholdWriter(undefined);
  readonly #ratioTraceState: ThresholdWriter | undefined;
  readonly #pending = new Map<string, Fragment>();
  /**
   * The pending fragments in creation order (decided ones are skipped as they reach the front).
   * Not the Map's own order: V8 leaves a removed entry in a Map's table until it grows, and
   * reading the first entry of a Map used as a queue walks every removed one (measured: 100,000
   * traces past maxPendingTraces took 3 s instead of 0.2 s).
   */
  readonly #order = new FifoQueue<Fragment>();
  readonly #decided = new Map<string, Decision>();
  readonly #decidedOrder = new FifoQueue<string>();
  #held = 0;
  #sampledOut = 0;
  #tracesSampledOut = 0;
  #startsRefused = 0;
  readonly #kept = keepCounts();
  readonly #early = earlyCounts();
  readonly #timer: ReturnType<typeof setInterval>;
  #shutdown: Promise<void> | undefined;

  constructor(child: TracerPlugin, options: ResolvedSamplingOptions) {
    super();
    this.name = options.name;
    this.#options = options;
    this.#child = child;
    // Held spans are recorded with the child's limits when it has them (what it would have kept),
    // and with the stricter of its and the given ones when both are.
    const childLimits = sinkOf(child)?.limits;
    const given = options.spanLimits === undefined ? undefined : resolveSpanLimits(options.spanLimits);
    const limits = childLimits === undefined ? (given ?? resolveSpanLimits()) : given === undefined ? childLimits : strictestLimits([given, childLimits]);
    this.#handoff = new SpanHandoff(child, limits);
    this.recording = new SpanRecorder({ maxLiveSpans: options.maxLiveSpans, spanLimits: limits }, this.#counters, (span) => this.#onSpanEnd(span));
    this.#threshold = options.sampleRate > 0 ? probabilityToThreshold(options.sampleRate, options.thresholdPrecision) : undefined;
    this.#rootTraceState = new ThresholdWriter((this.#threshold ?? NEVER).th);
    this.#ratioTraceState = this.#threshold === undefined ? undefined : new ThresholdWriter(this.#threshold.th);
    const sweepEvery = Math.max(1, Math.min(options.decisionWaitMillis, 1000));
    this.#timer = setInterval(() => this.#sweep(), sweepEvery);
    this.#timer.unref();
  }

  override startSpan(start: SpanStart): SpanHandle {
    try {
      return this.#start(start);
    } catch {
      // A start whose fields throw when read: the recorder refuses it and counts it as invalid.
      return this.recording.startSpan(start);
    }
  }

  #start(start: SpanStart): SpanHandle {
    const parent = start.parent;
    const traceState = start.traceState;
    if (parent === undefined || parent === null) return this.#startRoot(start, traceState);
    if (SpanHandle.isInvalid(parent)) return SpanHandle.INVALID;
    const traceId = traceIdOf(parent);
    if (traceId === undefined || this.#pending.has(traceId)) return this.recording.startSpan(start);
    const decision = this.#decided.get(traceId);
    if (decision !== undefined) {
      if (decision.keptBy !== undefined) return this.recording.startSpan(start);
      this.#startsRefused++;
      return SpanHandle.INVALID;
    }
    // A parent this sampler does not know: a remote one (or a decision long forgotten). A new local root.
    const handle = this.recording.startSpan(start);
    if (handle !== SpanHandle.INVALID) this.#begin(traceId, handle.spanId, traceState, this.#options.parentBased ? parentVerdict(traceState, traceId) : undefined);
    return handle;
  }

  #startRoot(start: SpanStart, traceState: string | undefined): SpanHandle {
    const handle = this.recording.startSpan({ ...start, traceState: this.#rootTraceState.write(traceState) });
    if (handle !== SpanHandle.INVALID) this.#begin(handle.traceId, handle.spanId, traceState, undefined);
    return handle;
  }

  /** A new local fragment: kept at once when the parent or the ratio decides it, else held. */
  #begin(traceId: string, rootSpanId: string, traceState: string | undefined, verdict: KeepRule | undefined): void {
    let keptBy = verdict;
    if (keptBy === undefined && this.#threshold !== undefined) {
      const randomness = traceRandomness(traceState, traceId);
      if (randomness !== undefined && keeps(randomness, this.#threshold)) keptBy = 'ratio';
    }
    if (keptBy !== undefined) {
      this.#kept[keptBy]++;
      this.#remember(traceId, { keptBy, early: undefined, rootSpanId, traceState: keptBy === 'ratio' ? this.#ratioTraceState : undefined });
      return;
    }
    while (this.#pending.size >= this.#options.maxPendingTraces) this.#decide(this.#oldest()!, 'max_pending_traces', undefined);
    const at = now();
    const fragment = new Fragment(traceId, rootSpanId, at, at);
    this.#pending.set(traceId, fragment);
    this.#order.push(fragment);
  }

  #onSpanEnd(span: FinishedSpan): void {
    const traceId = span.traceId;
    const fragment = this.#pending.get(traceId);
    if (fragment !== undefined) {
      if (span.status.code === SpanStatusCode.ERROR) fragment.hasError = true;
      fragment.spans.push(span);
      this.#held++;
      if (span.spanId === fragment.rootSpanId) this.#decide(fragment, undefined, span);
      else if (fragment.spans.length >= this.#options.maxSpansPerTrace) this.#decide(fragment, 'max_spans_per_trace', undefined);
      else if (this.#held > this.#options.maxPendingSpans) this.#decide(this.#oldest()!, 'max_pending_spans', undefined);
      return;
    }
    const decision = this.#decided.get(traceId) ?? this.#decideAlone(span);
    if (decision.keptBy === undefined) this.#sampledOut++;
    else this.#handOff([span], decision);
  }

  /** Applies the tail rules to a held fragment: its root ended (`root`), or it is decided early. */
  #decide(fragment: Fragment, early: EarlyReason | undefined, root: FinishedSpan | undefined): void {
    this.#pending.delete(fragment.traceId);
    fragment.decided = true;
    this.#held -= fragment.spans.length;
    if (early !== undefined) this.#early[early]++;
    const rules = this.#options.alwaysSample;
    const rootNanos = root === undefined ? now() - fragment.rootStart : root.endTime - root.startTime;
    let keptBy: KeepRule | undefined;
    if (rules.has('errors') && fragment.hasError) keptBy = 'errors';
    else if (rules.has('slow_requests') && rootNanos > this.#options.slowThresholdMillis * NANOS_PER_MILLI) keptBy = 'slow_requests';
    const decision: Decision = { keptBy, early, rootSpanId: fragment.rootSpanId, traceState: keptBy === undefined ? undefined : this.#eraseThreshold };
    this.#remember(fragment.traceId, decision);
    if (keptBy === undefined) {
      this.#tracesSampledOut++;
      this.#sampledOut += fragment.spans.length;
    } else {
      this.#kept[keptBy]++;
      this.#handOff(fragment.spans, decision);
    }
  }

  /** A span of a trace neither held nor remembered: the ratio and its own status decide. */
  #decideAlone(span: FinishedSpan): Decision {
    const randomness = traceRandomness(span.traceState, span.traceId);
    let keptBy: KeepRule | undefined;
    if (this.#threshold !== undefined && randomness !== undefined && keeps(randomness, this.#threshold)) keptBy = 'ratio';
    else if (this.#options.alwaysSample.has('errors') && span.status.code === SpanStatusCode.ERROR) keptBy = 'errors';
    const decision: Decision = { keptBy, early: undefined, rootSpanId: '', traceState: keptBy === 'errors' ? this.#eraseThreshold : undefined };
    if (keptBy === undefined) this.#tracesSampledOut++;
    else this.#kept[keptBy]++;
    this.#remember(span.traceId, decision);
    return decision;
  }

  #handOff(spans: readonly FinishedSpan[], decision: Decision): void {
    const accepted = spans.length === 1 ? Number(this.#handoff.handOff(spans[0]!, decision)) : this.#handoff.handOffHeld(spans, decision);
    this.#counters.spansExported += accepted;
    this.#counters.drop('child-refused', spans.length - accepted);
  }

  #remember(traceId: string, decision: Decision): void {
    const decided = this.#decided;
    if (!decided.has(traceId)) this.#decidedOrder.push(traceId);
    decided.set(traceId, decision);
    if (decided.size > this.#options.maxDecidedTraces) decided.delete(this.#decidedOrder.shift()!);
  }

  #oldest(): Fragment | undefined {
    const order = this.#order;
    while (order.peek()?.decided) order.shift();
    return order.peek();
  }

  /** Decides the fragments that waited `decisionWait`, oldest first. */
  #sweep(): void {
    const limit = now() - this.#options.decisionWaitMillis * NANOS_PER_MILLI;
    for (let fragment = this.#oldest(); fragment !== undefined && fragment.createdAt <= limit; fragment = this.#oldest()) {
      this.#decide(fragment, 'decision_wait', undefined);
    }
  }

  flush(): Promise<void> {
    return this.#child.flush();
  }

  /**
   * Decides every held trace (early, `shutdown`), stops recording (spans still live are counted as
   * `live-evicted`), then shuts the child down (or flushes it, when it has no `shutdown`).
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    clearInterval(this.#timer);
    for (let fragment = this.#oldest(); fragment !== undefined; fragment = this.#oldest()) this.#decide(fragment, 'shutdown', undefined);
    this.recording.close();
    const child = this.#child;
    this.#shutdown = child.shutdown !== undefined ? child.shutdown(options) : child.flush();
    return this.#shutdown;
  }

  stats(): SamplingStats {
    const own = this.#counters.snapshot(this.recording.liveCount, this.#held);
    return Object.freeze({
      ...own,
      spansSampledOut: this.#sampledOut,
      sampling: Object.freeze({
        mode: 'tail' as const,
        tracesKept: Object.freeze({ ...this.#kept }),
        tracesSampledOut: this.#tracesSampledOut,
        decidedEarly: Object.freeze({ ...this.#early }),
        pendingTraces: this.#pending.size,
        pendingSpans: this.#held,
        startsRefused: this.#startsRefused,
      }),
      children: Object.freeze({ [this.#child.name]: this.#child.stats?.() ?? NO_STATS }),
    });
  }
}

/** The trace id of a parent handle, undefined when it cannot be read. */
export function traceIdOf(handle: SpanHandle): string | undefined {
  try {
    const traceId = handle.traceId;
    return typeof traceId === 'string' && traceId.length === 32 ? traceId : undefined;
  } catch {
    return undefined;
  }
}
