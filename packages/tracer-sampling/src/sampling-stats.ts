import type { TracerStats } from '@x/tracer-core';
import type { EarlyReason, KeepRule } from './decision.js';

/** What the sampler decided, beside the ledger. Traces are counted per local fragment (one per process). */
export interface SamplingCounts {
  /** `head`: decided when a trace's root starts; `tail`: when its local root ends. */
  readonly mode: 'head' | 'tail';
  /** Traces kept, by the rule that kept them. */
  readonly tracesKept: Readonly<Record<KeepRule, number>>;
  /** Traces not kept: head, roots that got INVALID; tail, fragments whose held spans were sampled out. */
  readonly tracesSampledOut: number;
  /** Tail: traces decided before their local root ended, by reason. */
  readonly decidedEarly: Readonly<Record<EarlyReason, number>>;
  /** Tail: traces waiting for their decision now. */
  readonly pendingTraces: number;
  /** Tail: ended spans held for a decision now (the ledger's `spansBuffered`). */
  readonly pendingSpans: number;
  /** Tail: spans started in a trace already sampled out, given INVALID (never recorded, so not in the ledger). */
  readonly startsRefused: number;
}

/** A sampling tracer's stats: its ledger (tail: its own; head: its child's), what it decided, its child's stats. */
export interface SamplingStats extends TracerStats {
  readonly sampling: SamplingCounts;
  readonly children: Readonly<Record<string, TracerStats>>;
}

export function keepCounts(): Record<KeepRule, number> {
  return { errors: 0, slow_requests: 0, parent: 0, ratio: 0, always_on: 0 };
}

export function earlyCounts(): Record<EarlyReason, number> {
  return { decision_wait: 0, max_spans_per_trace: 0, max_pending_traces: 0, max_pending_spans: 0, shutdown: 0 };
}

/** An empty ledger, for a child without `stats()`. */
export const NO_STATS: TracerStats = Object.freeze({
  spansStarted: 0,
  spansEnded: 0,
  spansLive: 0,
  spansBuffered: 0,
  spansExported: 0,
  bytesBuffered: 0,
  spansDropped: Object.freeze({}) as TracerStats['spansDropped'],
  attributesDropped: 0,
  invalidCalls: 0,
  ignoredAfterShutdown: 0,
  exportAttempts: 0,
  exportFailures: 0,
});
