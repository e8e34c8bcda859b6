import type { RecordedSpan } from './recorded-span.js';
import type { SpanLimits } from './span-limits.js';

/**
 * The member by which a tracer built on the core accepts spans recorded elsewhere: a fan-out whose
 * children are all core tracers records each span once and hands the same finished span to every
 * one of them, instead of recording it once per child. `Symbol.for`, so that two copies of this
 * package in one process still agree.
 */
export const ACCEPT_RECORDED: unique symbol = Symbol.for('x-tracing.acceptRecorded') as never;

/** What a sink exposes under {@link ACCEPT_RECORDED}. */
export interface RecordedSpanSink {
  readonly [ACCEPT_RECORDED]: {
    /** The sink's span limits: a recorder feeding several sinks uses the strictest of each. */
    readonly limits: SpanLimits;
    /**
     * Takes a finished span (read-only, possibly shared with other sinks) as if the sink had
     * recorded it: counted as started and ended, then buffered. Returns false, and counts the call
     * as ignored, after shutdown. Never throws.
     */
    accept(span: RecordedSpan): boolean;
  };
}

/** The sink side of `plugin`, when it has one. */
export function sinkOf(plugin: unknown): RecordedSpanSink[typeof ACCEPT_RECORDED] | undefined {
  if (typeof plugin !== 'object' || plugin === null) return undefined;
  const sink = (plugin as Partial<RecordedSpanSink>)[ACCEPT_RECORDED];
  return typeof sink === 'object' && sink !== null && typeof sink.accept === 'function' ? sink : undefined;
}
