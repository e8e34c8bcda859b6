import type { IdGenerator, TracerStats } from '@x/tracer-core';
import type { RecordingCalls, TracerCounters } from '@x/tracer-core/internal';
import type { FanoutChildren } from './fanout-children.js';

/** What every fan-out strategy is built from, resolved and validated once by `createFanoutTracer`. */
export interface FanoutSetup {
  readonly name: string;
  readonly children: FanoutChildren;
  /** The fan-out's own counters (the children keep theirs). */
  readonly counters: TracerCounters;
  readonly maxLiveSpans: number;
  readonly ids: IdGenerator;
  readonly flushTimeoutMillis: number;
  readonly shutdownTimeoutMillis: number;
}

/**
 * How a fan-out records: the strategy `createFanoutTracer` picks once (no children, children that all
 * accept finished spans, or some that need every call forwarded). The fan-out delegates the
 * recording calls to `recording` and owns the rest (flush, shutdown, stats).
 */
export interface FanoutRecording {
  /** Every strategy answers `traceState` (optional for plugins): the fan-out always has it. */
  readonly recording: RecordingCalls & Required<Pick<RecordingCalls, 'traceState'>>;
  /** Stops recording for good: later calls are counted as ignored, live spans as `live-evicted`. */
  stop(): void;
  /** The fan-out's own counters as stats (without the children's). */
  ownStats(): TracerStats;
}
