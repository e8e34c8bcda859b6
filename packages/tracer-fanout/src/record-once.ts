import type { TracerStats } from '@x/tracer-core';
import { SpanRecorder, strictestLimits, type FinishedSpanSink, type TracerCounters } from '@x/tracer-core/internal';
import type { FanoutRecording, FanoutSetup } from './fanout-recording.js';

/**
 * One recorder for every child that accepts finished spans (a tracer built on the core): the span
 * is recorded once, under the strictest limits of those children (packed if any of them packs), and the same finished span is
 * handed to each of them when it ends. Counted in `counters` as exported once handed over.
 */
export function recorderForSinks(
  sinks: readonly FinishedSpanSink[],
  setup: Pick<FanoutSetup, 'maxLiveSpans' | 'ids'>,
  counters: TracerCounters,
): SpanRecorder {
  const options = {
    maxLiveSpans: setup.maxLiveSpans,
    idGenerator: setup.ids,
    spanLimits: strictestLimits(sinks.map((sink) => sink.limits)),
    // One child that packs (its buffer is the one to keep small) makes the shared span packed for all.
    packFinishedSpans: sinks.some((sink) => sink.packs),
  };
  return new SpanRecorder(options, counters, (span) => {
    counters.spansExported++;
    for (const sink of sinks) sink.accept(span);
  });
}

/**
 * How a fan-out records when every child is built on the core: the shared recorder is the whole of
 * it, so a span costs about what it costs one tracer, whatever the number of children. The recording
 * calls go straight to the recorder; the fan-out's counters are the recorder's. `traceState` is the
 * recorder's too: the start's tracestate, which is what each of those children would have recorded alone.
 */
export function recordOnce(setup: FanoutSetup, sinks: readonly FinishedSpanSink[]): FanoutRecording {
  const recorder = recorderForSinks(sinks, setup, setup.counters);
  return {
    recording: recorder,
    stop: () => recorder.close(),
    ownStats: (): TracerStats => setup.counters.snapshot(recorder.liveCount, 0),
  };
}
