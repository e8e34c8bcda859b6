import type { SpanEvent, SpanHandle, SpanStart, SpanStatus, TracerStats } from '@x/tracer-core';
import type { FinishedSpanSink, SpanRecorder } from '@x/tracer-core/internal';
import { FanoutBase, type FanoutSetup } from './fanout-base.js';
import { recorderForSinks } from './shared-recorder.js';

/**
 * The fan-out when every child is built on the core: one recorder records each span once and hands
 * the finished span to every child, so a span costs about what it costs one tracer, whatever the
 * number of children. The fan-out keeps no table of its own; its counters are the recorder's.
 */
export class RecordingFanout extends FanoutBase {
  readonly #recorder: SpanRecorder;

  constructor(setup: FanoutSetup, sinks: readonly FinishedSpanSink[]) {
    super(setup);
    this.#recorder = recorderForSinks(sinks, setup, setup.counters);
  }

  startSpan(start: SpanStart): SpanHandle {
    return this.#recorder.startSpan(start);
  }

  setAttribute(span: SpanHandle, key: string, value: unknown): void {
    this.#recorder.setAttribute(span, key, value);
  }

  setStatus(span: SpanHandle, status: SpanStatus): void {
    this.#recorder.setStatus(span, status);
  }

  addEvent(span: SpanHandle, event: SpanEvent): void {
    this.#recorder.addEvent(span, event);
  }

  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void {
    this.#recorder.endSpan(span, endTimeUnixNanos);
  }

  protected stopRecording(): void {
    this.#recorder.close();
  }

  protected ownStats(): TracerStats {
    return this.counters.snapshot(this.#recorder.liveCount, 0);
  }
}
