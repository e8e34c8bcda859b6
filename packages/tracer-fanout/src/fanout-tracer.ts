import type { ShutdownOptions, TracerPlugin, TracerStats, IdGenerator } from '@x/tracer-core';
import {
  createIdGenerator,
  DEFAULT_MAX_LIVE_SPANS,
  durationMillis,
  optionsObject,
  pluginName,
  positiveInteger,
  sinkOf,
  TracerCounters,
  type FinishedSpanSink,
} from '@x/tracer-core/internal';
import { EmptyFanout } from './empty-fanout.js';
import type { FanoutSetup } from './fanout-base.js';
import { FanoutChildren } from './fanout-children.js';
import { ForwardingFanout } from './forwarding-fanout.js';
import { RecordingFanout } from './recording-fanout.js';

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
 * How it records is chosen here, once: with no children, every span is INVALID (`EmptyFanout`);
 * when every child is built on the core, each span is recorded once and the finished span handed to
 * all of them (`RecordingFanout`); otherwise calls are forwarded to each child (`ForwardingFanout`).
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
  const sinks = setup.children.plugins.map((child) => sinkOf(child));
  if (sinks.length === 0) return new EmptyFanout(setup);
  if (sinks.every((sink) => sink !== undefined)) return new RecordingFanout(setup, sinks as FinishedSpanSink[]);
  return new ForwardingFanout(setup, sinks);
}
