import type { FinishedSpan } from './finished-span.js';
import type { SpanLimits } from './span-limits.js';

/**
 * The member by which a tracer built on the core accepts spans recorded elsewhere: a fan-out whose
 * children are all core tracers records each span once and hands the same finished span to every
 * one of them, instead of recording it once per child. `Symbol.for`, so that two copies of this
 * package in one process still agree.
 */
export const ACCEPT_FINISHED: unique symbol = Symbol.for('x-tracing.acceptFinished') as never;

/** What a tracer exposes under {@link ACCEPT_FINISHED}. */
export interface FinishedSpanSink {
  /** The sink's span limits: a recorder feeding several sinks uses the strictest of each. */
  readonly limits: SpanLimits;
  /** Whether the sink packs the spans it records (`packFinishedSpans`): a recorder feeding it packs too. */
  readonly packs: boolean;
  /**
   * Takes a finished span (read-only, possibly shared with other sinks) as if the sink had
   * recorded it: counted as started and ended, then buffered. Returns false, and counts the call
   * as ignored, after shutdown. Never throws.
   */
  accept(span: FinishedSpan): boolean;
}

/** The sink side of `plugin`, when it has one. */
export function sinkOf(plugin: unknown): FinishedSpanSink | undefined {
  if (typeof plugin !== 'object' || plugin === null) return undefined;
  const sink: unknown = (plugin as { [ACCEPT_FINISHED]?: unknown })[ACCEPT_FINISHED];
  return typeof sink === 'object' && sink !== null && typeof (sink as FinishedSpanSink).accept === 'function'
    ? (sink as FinishedSpanSink)
    : undefined;
}
