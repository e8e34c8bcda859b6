import type { FinishedSpan } from '@x/tracer-core';
import type { ThresholdWriter } from './ot-trace-state.js';

/**
 * Why a trace was kept, written on its local root as `sampling.rule`: `errors` and
 * `slow_requests` (the tail rules), `parent` (a remote parent's decision followed), `ratio` (the
 * consistent probability sampler), `always_on` (a sample rate of 1).
 */
export type KeepRule = 'errors' | 'slow_requests' | 'parent' | 'ratio' | 'always_on';

/**
 * Why a tail trace was decided before its local root ended: it waited `decisionWait`, it reached
 * `maxSpansPerTrace`, the sampler reached `maxPendingTraces` or `maxPendingSpans` and it was the
 * oldest, or the sampler shut down. Written on its root as `sampling.decided_early`.
 */
export type EarlyReason = 'decision_wait' | 'max_spans_per_trace' | 'max_pending_traces' | 'max_pending_spans' | 'shutdown';

/** The attribute names a kept root carries. */
export const RULE_ATTRIBUTE = 'sampling.rule';
export const EARLY_ATTRIBUTE = 'sampling.decided_early';

/** What was decided for one trace in this process. */
export interface Decision {
  /** The rule that kept it; undefined: sampled out. */
  readonly keptBy: KeepRule | undefined;
  readonly early: EarlyReason | undefined;
  /** The local root's span id, so the root gets the decision's attributes when it is handed on. */
  readonly rootSpanId: string;
  /** Restates the threshold on every span handed on (erases it for a trace kept by a non-probabilistic rule). */
  readonly traceState: ThresholdWriter | undefined;
}

/**
 * The local part of a trace waiting for its decision: the spans that ended so far, held, and what
 * the tail rules need (an error seen, when the root started).
 */
export class Fragment {
  readonly spans: FinishedSpan[] = [];
  hasError = false;
  decided = false;

  constructor(
    readonly traceId: string,
    readonly rootSpanId: string,
    /** Clock reading (see the core's `now()`) of the root's start. */
    readonly rootStart: number,
    /** Clock reading when the fragment was made, for `decisionWait`. */
    readonly createdAt: number,
  ) {}
}
