import { SpanHandle, SpanStatusCode, type FinishedSpan, type ShutdownOptions, type SpanStart, type TracerPlugin } from '@x/tracer-core';
import { DelegatingTracer, idWordsOfSpan, now, readTraceId, resolveSpanLimits, sinkOf, SpanRecorder, strictestLimits, TracerCounters, type TraceWords } from '@x/tracer-core/internal';
import { TraceEntry, type Decision, type EarlyReason, type KeepRule } from './decision.js';
import { childFlush, childShutdown, childStats } from './child-calls.js';
import { FifoQueue } from './fifo-queue.js';
import { readOtSampling, ThresholdWriter, traceRandomness } from './ot-trace-state.js';
import { TraceTable } from './trace-table.js';
import { parentVerdict } from './parent-verdict.js';
import type { ResolvedSamplingOptions } from './sampling-options.js';
import { earlyCounts, keepCounts, type SamplingStats } from './sampling-stats.js';
import { SpanHandoff } from './span-handoff.js';
import { keeps, probabilityToThreshold, randomnessOfWords, type Threshold } from './threshold.js';

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
  readonly #keepErrors: boolean;
  readonly #keepSlow: boolean;
  readonly #slowNanos: number;
  readonly #maxSpansPerTrace: number;
  readonly #maxPendingSpans: number;
  readonly #child: TracerPlugin;
  readonly #handoff: SpanHandoff;
  /** The ratio's threshold; undefined at sample rate 0 (the ratio keeps nothing). */
  readonly #threshold: Threshold | undefined;
  /** What a root's tracestate carries from its start: the ratio's threshold (see {@link NEVER}). */
  readonly #rootTraceState: ThresholdWriter;
  /** Spans of a trace kept by a tail rule lose the threshold: their probability is not known. */
  readonly #eraseThreshold = new ThresholdWriter(undefined);
  readonly #ratioTraceState: ThresholdWriter | undefined;
  /** Every trace this process has spans of (live, or held for a decision), by trace id. */
  readonly #traces = new TraceTable();
  /** The decisions, made once: every trace decided alike shares one. */
  readonly #decisions = new Map<string, Decision>();
  #sampledOutDecision: Decision | undefined;
  readonly #words: TraceWords = { t0: 0, t1: 0, t2: 0, t3: 0 };
  readonly #randomness = { hi: 0, lo: 0 };
  /**
   * The pending traces in creation order, and the decided ones still waiting for live spans, each
   * oldest first (entries decided or forgotten since are skipped as they reach the front). Not the
   * Map's own order: V8 leaves a removed entry in a Map's table until it grows, and reading the
   * first entry of a Map used as a queue walks every removed one (measured: 100,000 traces past
   * maxPendingTraces took 3 s instead of 0.2 s).
   */
  readonly #pendingOrder = new FifoQueue<TraceEntry>();
  readonly #decidedOrder = new FifoQueue<TraceEntry>();
  #pending = 0;
  #decidedWithLiveSpans = 0;
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
    this.#keepErrors = options.alwaysSample.has('errors');
    this.#keepSlow = options.alwaysSample.has('slow_requests');
    this.#slowNanos = options.slowThresholdMillis * NANOS_PER_MILLI;
    this.#maxSpansPerTrace = options.maxSpansPerTrace;
    this.#maxPendingSpans = options.maxPendingSpans;
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
    this.#timer = TailSamplingTracer.#sweepEvery(new WeakRef(this), Math.max(1, Math.min(options.decisionWaitMillis, 1000)));
  }

  /**
   * The `decisionWait` timer. It holds the sampler weakly, so one dropped without shutdown() is
   * still collected and its timer stops; made in a static method because a closure made in the
   * constructor would share the constructor's context, `this` included, and hold it strongly.
   */
  static #sweepEvery(sampler: WeakRef<TailSamplingTracer>, millis: number): ReturnType<typeof setInterval> {
    const timer = setInterval(() => {
      const alive = sampler.deref();
      if (alive === undefined) clearInterval(timer);
      else alive.#sweep();
    }, millis);
    timer.unref();
    return timer;
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
    // The parent's trace id as words: from the live span when it is ours (no hex made), else read from its hex.
    const live = this.recording.liveSpan(parent);
    if (live === undefined && SpanHandle.isInvalid(parent)) return SpanHandle.INVALID;
    const words = (live === undefined ? undefined : idWordsOfSpan(live)) ?? (readTraceId(traceIdOf(parent), this.#words) ? this.#words : undefined);
    if (words === undefined) return this.recording.startSpan(start);
    const entry = this.#traces.getWords(words);
    if (entry === undefined) {
      // A parent this sampler has nothing of: a remote one (or a trace already forgotten). A new local root.
      const verdict = this.#options.parentBased ? parentVerdict(traceState, traceIdOf(parent) ?? '') : undefined;
      const handle = this.recording.startSpan(start);
      this.#begin(handle, traceState, verdict);
      return handle;
    }
    if (live !== undefined || this.recording.issued(parent)) {
      // A child of a span of this fragment (live, or ended): it follows the fragment.
      if (entry.decision !== undefined && entry.decision.keptBy === undefined) {
        this.#startsRefused++;
        return SpanHandle.INVALID;
      }
      const handle = this.recording.startSpan(start);
      if (handle !== SpanHandle.INVALID) entry.open++;
      return handle;
    }
    // Another request of this trace under a remote parent: another local root of the fragment. One
    // that arrives after the fragment was sampled out reopens it: its own spans get their chance.
    const handle = this.recording.startSpan(start);
    const root = this.recording.liveSpan(handle);
    const rootWords = root === undefined ? undefined : idWordsOfSpan(root);
    if (rootWords === undefined) return handle;
    entry.open++;
    entry.addRoot(rootWords.s0, rootWords.s1);
    if (entry.decision !== undefined && entry.decision.keptBy === undefined) this.#reopen(entry);
    return handle;
  }

  #startRoot(start: SpanStart, traceState: string | undefined): SpanHandle {
    // The root's tracestate gets the ratio's threshold where it is read (traceState(), the hand-off), not by copying `start`.
    const handle = this.recording.startSpan(start);
    this.#begin(handle, traceState, undefined, start.startTimeUnixNanos === undefined);
    return handle;
  }

  /**
   * The tracestate a live span carries on: a root's with the ratio's threshold (so the next service
   * sees it), any other span's as recorded (a child carries what its parent's gave it).
   */
  override traceState(span: SpanHandle): string | undefined {
    const live = this.recording.liveSpan(span);
    if (live === undefined) return undefined;
    const words = idWordsOfSpan(live);
    return words !== undefined && (words.p0 | words.p1) === 0 ? this.#rootTraceState.write(live.traceState) : live.traceState;
  }

  /** A new local fragment: decided at once when the parent or the ratio keeps it, else pending. */
  #begin(handle: SpanHandle, traceState: string | undefined, verdict: KeepRule | undefined, startedNow = false): void {
    const root = this.recording.liveSpan(handle);
    const words = root === undefined ? undefined : idWordsOfSpan(root);
    if (words === undefined) return; // INVALID: nothing was recorded
    let keptBy = verdict;
    if (keptBy === undefined && this.#threshold !== undefined) {
      const randomness = this.#randomness;
      randomnessOfWords(words.t2, words.t3, randomness);
      const explicit = traceState !== undefined && traceState.includes('rv:') ? readOtSampling(traceState).randomness : undefined;
      if (keeps(explicit ?? randomness, this.#threshold)) keptBy = 'ratio';
    }
    // When the root started now, its start reading is the clock: no second reading.
    const entry = new TraceEntry(words.t0, words.t1, words.t2, words.t3, words.s0, words.s1, root!.startTime, startedNow ? root!.startTime : now());
    this.#traces.add(entry);
    if (keptBy !== undefined) {
      this.#kept[keptBy]++;
      entry.decision = this.#decision(keptBy, undefined);
      this.#waitForLiveSpans(entry);
      return;
    }
    this.#addPending(entry);
  }

  #addPending(entry: TraceEntry): void {
    while (this.#pending >= this.#options.maxPendingTraces) this.#decide(this.#oldestPending()!, 'max_pending_traces', undefined);
    this.#pending++;
    const order = this.#pendingOrder;
    // Most traces are decided in the order they came: drop those at the front as new ones come.
    while (order.peek()?.decision !== undefined && order.size > 0) order.shift();
    order.push(entry);
    // Traces decided behind one that waits long stay in the queue: drop them once they outnumber the pending.
    if (order.size > 2 * this.#pending + 1024) order.compact((pending) => pending.decision === undefined);
  }

  /** A sampled-out fragment that got a new local root: pending again (its counts as a sampled-out trace stay). */
  #reopen(entry: TraceEntry): void {
    if (entry.waiting) {
      entry.waiting = false;
      this.#decidedWithLiveSpans--;
    }
    entry.decision = undefined;
    this.#addPending(entry);
  }

  /** The shared decision for a rule and a reason (made on first use; most traces share "sampled out"). */
  #decision(keptBy: KeepRule | undefined, early: EarlyReason | undefined): Decision {
    if (keptBy === undefined && early === undefined) return (this.#sampledOutDecision ??= this.#makeDecision(undefined, undefined));
    const key = `${keptBy}/${early}`;
    let decision = this.#decisions.get(key);
    if (decision === undefined) {
      decision = this.#makeDecision(keptBy, early);
      this.#decisions.set(key, decision);
    }
    return decision;
  }

  #makeDecision(keptBy: KeepRule | undefined, early: EarlyReason | undefined): Decision {
    const traceState = keptBy === undefined || keptBy === 'parent' ? undefined : keptBy === 'ratio' ? this.#ratioTraceState : this.#eraseThreshold;
    return Object.freeze({ keptBy, early, traceState });
  }

  #onSpanEnd(span: FinishedSpan): void {
    const words = idWordsOfSpan(span);
    const entry = words === undefined ? undefined : this.#traces.getWords(words);
    if (words === undefined || entry === undefined) {
      this.#follow(span, this.#decideAlone(span), false);
      return;
    }
    entry.open--;
    const isRoot = entry.isRoot(words.s0, words.s1);
    if (entry.decision === undefined) {
      if (span.status.code === SpanStatusCode.ERROR) entry.hasError = true;
      if (isRoot) {
        entry.openRoots--;
        entry.longestRoot = Math.max(entry.longestRoot, span.endTime - span.startTime);
        // The last root decides at once, with itself in hand (it is not held first).
        if (entry.openRoots <= 0) {
          this.#decide(entry, undefined, span);
          return;
        }
      }
      let held = entry.held;
      if (held === undefined) entry.held = held = [span];
      else held.push(span);
      this.#held++;
      if (!isRoot && held.length >= this.#maxSpansPerTrace) this.#decide(entry, 'max_spans_per_trace', undefined);
      // Past the cap, the trace that brought it there is decided: that frees what it holds, at least this span.
      else if (this.#held > this.#maxPendingSpans) this.#decide(entry, 'max_pending_spans', undefined);
    } else {
      this.#follow(span, entry.decision, isRoot);
      if (entry.open <= 0) this.#forget(entry);
    }
  }

  /** A span that ended after its trace was decided: handed on or sampled out. */
  #follow(span: FinishedSpan, decision: Decision, isRoot: boolean): void {
    if (decision.keptBy === undefined) this.#sampledOut++;
    else this.#count(this.#handoff.handOff(span, decision, isRoot) ? 1 : 0, 1);
  }

  /**
   * Applies the tail rules to a pending fragment: when its last local root ended, or early. The
   * slow rule reads the longest root that ended, or, early, how long the first root has run.
   */
  #decide(entry: TraceEntry, early: EarlyReason | undefined, lastRoot: FinishedSpan | undefined): void {
    const held = entry.held ?? [];
    entry.held = undefined;
    this.#pending--;
    this.#held -= held.length;
    if (lastRoot !== undefined) held.push(lastRoot);
    if (early !== undefined) this.#early[early]++;
    let keptBy: KeepRule | undefined;
    if (this.#keepErrors && entry.hasError) keptBy = 'errors';
    else if (this.#keepSlow && Math.max(entry.longestRoot, entry.openRoots > 0 ? now() - entry.rootStart : 0) > this.#slowNanos) keptBy = 'slow_requests';
    const decision = this.#decision(keptBy, early);
    entry.decision = decision;
    if (keptBy === undefined) {
      this.#tracesSampledOut++;
      this.#sampledOut += held.length;
    } else {
      this.#kept[keptBy]++;
      if (held.length > 0) this.#count(this.#handoff.handOffHeld(held, decision, (span) => isRootOf(entry, span)), held.length);
    }
    if (entry.open > 0) this.#waitForLiveSpans(entry);
    else this.#forget(entry);
  }

  /** A span of a trace this sampler has forgotten (a cap evicted it): the ratio and its own status decide. */
  #decideAlone(span: FinishedSpan): Decision {
    const randomness = traceRandomness(span.traceState, span.traceId);
    let keptBy: KeepRule | undefined;
    if (this.#threshold !== undefined && randomness !== undefined && keeps(randomness, this.#threshold)) keptBy = 'ratio';
    else if (this.#keepErrors && span.status.code === SpanStatusCode.ERROR) keptBy = 'errors';
    // A span, not a trace: counted with the spans (sampled out or handed on), not among the traces.
    return this.#decision(keptBy, undefined);
  }

  /** `accepted` of `offered` spans reached the child; the rest count as refused. */
  #count(accepted: number, offered: number): void {
    this.#counters.spansExported += accepted;
    this.#counters.drop('child-refused', offered - accepted);
  }

  /** A decided trace with spans still live: kept until they end, or until `maxDecidedTraces` newer ones push it out. */
  #waitForLiveSpans(entry: TraceEntry): void {
    entry.waiting = true;
    this.#decidedWithLiveSpans++;
    const order = this.#decidedOrder;
    order.push(entry);
    while (this.#decidedWithLiveSpans > this.#options.maxDecidedTraces) this.#forget(order.shift()!);
    // Entries forgotten behind a long-lived one stay in the queue: drop them once they outnumber the live ones.
    if (order.size > 2 * this.#decidedWithLiveSpans + 1024) order.compact((waiting) => !waiting.gone);
  }

  #forget(entry: TraceEntry): void {
    if (entry.gone) return;
    entry.gone = true;
    if (entry.waiting) this.#decidedWithLiveSpans--;
    this.#traces.delete(entry);
  }

  #oldestPending(): TraceEntry | undefined {
    const order = this.#pendingOrder;
    while (order.peek() !== undefined && order.peek()!.decision !== undefined) order.shift();
    return order.peek();
  }

  /** Decides the fragments that waited `decisionWait`, oldest first. */
  #sweep(): void {
    const limit = now() - this.#options.decisionWaitMillis * NANOS_PER_MILLI;
    for (let entry = this.#oldestPending(); entry !== undefined && entry.createdAt <= limit; entry = this.#oldestPending()) {
      this.#decide(entry, 'decision_wait', undefined);
    }
  }

  flush(): Promise<void> {
    return childFlush(this.#child);
  }

  /**
   * Decides every pending trace (early, `shutdown`), stops recording (spans still live are counted
   * as `live-evicted`), then shuts the child down (or flushes it, when it has no `shutdown`).
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    clearInterval(this.#timer);
    for (let entry = this.#oldestPending(); entry !== undefined; entry = this.#oldestPending()) this.#decide(entry, 'shutdown', undefined);
    this.recording.close();
    this.#shutdown = childShutdown(this.#child, options);
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
        pendingTraces: this.#pending,
        pendingSpans: this.#held,
        startsRefused: this.#startsRefused,
      }),
      children: Object.freeze({ [this.#child.name]: childStats(this.#child) }),
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

function isRootOf(entry: TraceEntry, span: FinishedSpan): boolean {
  const words = idWordsOfSpan(span);
  return words !== undefined && entry.isRoot(words.s0, words.s1);
}
