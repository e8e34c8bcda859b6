import { SpanRecorder, strictestLimits, type FinishedSpanSink, type TracerCounters } from '@x/tracer-core/internal';
import type { FanoutSetup } from './fanout-base.js';

/**
 * One recorder for every child that accepts finished spans (a tracer built on the core): the span
 * is recorded once, under the strictest limits of those children, and the same finished span is
 * handed to each of them when it ends. Counted in `counters` as exported once handed over.
 */
export function recorderForSinks(
  sinks: readonly FinishedSpanSink[],
  setup: Pick<FanoutSetup, 'maxLiveSpans' | 'ids'>,
  counters: TracerCounters,
): SpanRecorder {
  const options = { maxLiveSpans: setup.maxLiveSpans, idGenerator: setup.ids, spanLimits: strictestLimits(sinks.map((sink) => sink.limits)) };
  return new SpanRecorder(options, counters, (span) => {
    counters.spansExported++;
    for (const sink of sinks) sink.accept(span);
  });
}
