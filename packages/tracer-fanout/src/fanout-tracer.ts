import type { IdGenerator, ShutdownOptions, SpanHandle, TracerPlugin, TracerStats } from '@x/tracer-core';
import {
  createIdGenerator,
  DEFAULT_MAX_LIVE_SPANS,
  DelegatingTracer,
  durationMillis,
  optionsObject,
  pluginName,
  positiveInteger,
  shutdownTimeout,
  sinkOf,
  TracerCounters,
  type FinishedSpanSink,
  type RecordingCalls,
} from '@x/tracer-core/internal';
import { EmptyRecording } from './empty-recording.js';
import { FanoutChildren } from './fanout-children.js';
import { FanoutError } from './fanout-error.js';
import type { FanoutRecording, FanoutSetup } from './fanout-recording.js';
import { ForwardingRecording } from './forwarding-recording.js';
import { recordOnce } from './record-once.js';
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

/** A fan-out tracer: a TracerPlugin with every optional member. */
export interface FanoutTracer extends TracerPlugin {
  /** Forwarded to every child that recorded the span and has `updateName`; the others are skipped. */
  updateName(span: SpanHandle, name: string): void;
  /**
   * The tracestate of the first child, in child order, that recorded the live span and answers with a
   * string (children built on the core answer the start's); undefined when none does, or for a span
   * that is not live. A child that throws or answers something else is skipped and counted in `childFaults`.
   */
  traceState(span: SpanHandle): string | undefined;
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): FanoutStats;
}

/**
 * The fan-out: recording is its strategy's (see {@link FanoutRecording}); flush and shutdown run on
 * every child at once, each bounded by a deadline, failures named per child; stats carry each child's.
 */
class FanoutTracerImpl extends DelegatingTracer implements FanoutTracer {
  readonly name: string;
  protected readonly recording: RecordingCalls;
  readonly #strategy: FanoutRecording;
  readonly #children: FanoutChildren;
  readonly #counters: TracerCounters;
  readonly #flushTimeoutMillis: number;
  readonly #shutdownTimeoutMillis: number;
  #shutdown: Promise<void> | undefined;

  constructor(setup: FanoutSetup, strategy: FanoutRecording) {
    super();
    this.name = setup.name;
    this.recording = strategy.recording;
    this.#strategy = strategy;
    this.#children = setup.children;
    this.#counters = setup.counters;
    this.#flushTimeoutMillis = setup.flushTimeoutMillis;
    this.#shutdownTimeoutMillis = setup.shutdownTimeoutMillis;
  }

  async flush(): Promise<void> {
    const plugins = this.#children.plugins;
    const failures = await settleChildren(this.#children.keys, (i) => plugins[i]!.flush(), this.#flushTimeoutMillis);
    if (failures.length > 0) throw this.#failed('flush', failures);
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    this.#shutdown ??= this.#final(shutdownTimeout(options, this.#shutdownTimeoutMillis));
    return this.#shutdown;
  }

  async #final(timeoutMillis: number): Promise<void> {
    this.#strategy.stop();
    const plugins = this.#children.plugins;
    const failures = await settleChildren(
      this.#children.keys,
      (i) => {
        const child = plugins[i]!;
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
    return Object.freeze({ ...this.#strategy.ownStats(), ...this.#children.stats() });
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
 *   `FanoutError` naming every failing child while the healthy ones deliver.
 *
 * How it records is chosen here, once: with no children, every span is INVALID (`EmptyRecording`);
 * when every child is built on the core, each span is recorded once and the finished span handed to
 * all of them (`recordOnce`); otherwise calls are forwarded to each child (`ForwardingRecording`).
 *
 * Own counters: a span ended through the fan-out counts as exported (handed to the children); each
 * child's ledger is in `stats().children`. Timestamps of forwarded children are read by each child,
 * so they agree to within the microsecond the forwarding takes; pass `startTimeUnixNanos` to make
 * them identical.
 *
 * @throws InvalidOptionError when a child is not a TracerPlugin, there are more than 31, or an option is bad.
 */
export function createFanoutTracer(children: readonly TracerPlugin[], options?: FanoutTracerOptions): FanoutTracer {
  const given = optionsObject('createFanoutTracer options', options);
  const counters = new TracerCounters();
  const setup: FanoutSetup = {
    name: pluginName(given.name, 'fanout'),
    children: new FanoutChildren(children, counters),
    counters,
    maxLiveSpans: positiveInteger('maxLiveSpans', given.maxLiveSpans, DEFAULT_MAX_LIVE_SPANS),
    ids: given.idGenerator ?? createIdGenerator(),
    flushTimeoutMillis: durationMillis('flushTimeoutMillis', given.flushTimeoutMillis, 30_000),
    shutdownTimeoutMillis: durationMillis('shutdownTimeoutMillis', given.shutdownTimeoutMillis, 5000),
  };
  return new FanoutTracerImpl(setup, chooseRecording(setup));
}

/** How the fan-out records, chosen once from what its children are. */
function chooseRecording(setup: FanoutSetup): FanoutRecording {
  const sinks = setup.children.plugins.map((child) => sinkOf(child));
  if (sinks.length === 0) return new EmptyRecording(setup.counters);
  if (sinks.every((sink) => sink !== undefined)) return recordOnce(setup, sinks as FinishedSpanSink[]);
  return new ForwardingRecording(setup, sinks);
}
