import type { FinishedSpan } from '@x/tracer-core';
import { idWordsOfSpan } from '@x/tracer-core/internal';
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

  constructor(
    readonly t0: number,
    readonly t1: number,
    readonly t2: number,
    readonly t3: number,
    /** Clock reading (see the core's `now()`) of the root's start, also when the entry was made. */
    readonly rootStart: number,
  ) {}
}

/** True for a span whose parent is not in this process: a root, or a child of a remote parent. */
export function isLocalRoot(span: FinishedSpan): boolean {
  if (span.parentIsRemote) return true;
  const words = idWordsOfSpan(span);
  return words === undefined ? span.parentSpanId === '' : (words.p0 | words.p1) === 0;
}
