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

/** What was decided for one trace in this process. Shared by every trace decided alike. */
export interface Decision {
  /** The rule that kept it; undefined: sampled out. */
  readonly keptBy: KeepRule | undefined;
  readonly early: EarlyReason | undefined;
  /** Restates the threshold on every span handed on (erases it for a trace kept by a non-probabilistic rule). */
  readonly traceState: ThresholdWriter | undefined;
}

/**
 * One trace's local fragment while this process has something of it: spans live, or spans held
 * for its decision. Pending (no decision yet) it holds the spans that ended and what the tail rules
 * need; decided, it only counts the spans still live, and is forgotten when none is. Keyed by the
 * trace id's words (see `trace-table.ts`).
 *
 * A fragment may have several local roots: two requests of one trace reaching this service. It is
 * decided when the last of them ends.
 */
export class TraceEntry {
  /** Spans of the fragment started here and not ended. */
  open = 1;
  /** Ended spans held for the decision (pending only). */
  held: FinishedSpan[] | undefined = undefined;
  hasError = false;
  decision: Decision | undefined = undefined;
  /** Decided with spans still live: counted among the traces `maxDecidedTraces` bounds. */
  waiting = false;
  /** Forgotten (its last span ended after the decision, or a cap evicted it): skipped by the queues. */
  gone = false;
  /** Local roots not ended yet, and the longest duration (ns) of those that ended. */
  openRoots = 1;
  longestRoot = 0;
  /** Local roots after the first, as word pairs `[s0, s1, ...]` (most fragments have one root). */
  #moreRoots: number[] | undefined = undefined;

  constructor(
    readonly t0: number,
    readonly t1: number,
    readonly t2: number,
    readonly t3: number,
    readonly rootS0: number,
    readonly rootS1: number,
    /** Clock reading (see the core's `now()`) of the first root's start, for how long it has run. */
    readonly rootStart: number,
    /** Clock reading when the entry was made, for `decisionWait`. */
    readonly createdAt: number,
  ) {}

  addRoot(s0: number, s1: number): void {
    (this.#moreRoots ??= []).push(s0, s1);
    this.openRoots++;
  }

  isRoot(s0: number, s1: number): boolean {
    if (s0 === this.rootS0 && s1 === this.rootS1) return true;
    const more = this.#moreRoots;
    if (more === undefined) return false;
    for (let i = 0; i < more.length; i += 2) if (more[i] === s0 && more[i + 1] === s1) return true;
    return false;
  }
}
