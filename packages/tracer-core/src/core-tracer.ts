import type { FinishedSpan } from './finished-span.js';
import { ACCEPT_FINISHED, type FinishedSpanSink } from './finished-span-sink.js';
import { DelegatingTracer } from './delegating-tracer.js';
import { SpanRecorder, type RecorderOptions } from './span-recorder.js';
import { TracerCounters } from './tracer-counters.js';
import type { TracerPlugin } from './tracer-plugin.js';
import { pluginName } from './validate.js';

/**
 * Base of tracers built on {@link SpanRecorder}: the recording methods, delegated to it, with the
 * recorder's guarantees (never throw, no-op on unknown handles, counted drops). A subclass says
 * only what happens to a finished span (`onSpanEnd`, called synchronously inside `endSpan`: it
 * must not throw or do I/O) and how to `flush`.
 */
export abstract class CoreTracer extends DelegatingTracer implements TracerPlugin {
  readonly name: string;
  /** The counters behind `stats()`, shared with the subclass's buffer and scheduler. */
  protected readonly counters = new TracerCounters();
  protected readonly recording: SpanRecorder;

  readonly [ACCEPT_FINISHED]: FinishedSpanSink;

  constructor(name: string, options: RecorderOptions) {
    super();
    this.name = pluginName(name, 'tracer');
    const recorder = new SpanRecorder(options, this.counters, (span) => this.onSpanEnd(span));
    this.recording = recorder;
    const counters = this.counters;
    this[ACCEPT_FINISHED] = Object.freeze({
      limits: recorder.limits,
      packs: recorder.packs,
      accept: (span: FinishedSpan): boolean => {
        if (recorder.closed) {
          counters.ignoredAfterShutdown++;
          return false;
        }
        counters.spansStarted++;
        counters.spansEnded++;
        try {
          this.onSpanEnd(span);
        } catch {
          counters.invalidCalls++;
        }
        return true;
      },
    });
  }

  protected abstract onSpanEnd(span: FinishedSpan): void;
  abstract flush(): Promise<void>;

  /** Spans started and not ended. */
  protected get liveSpans(): number {
    return this.recording.liveCount;
  }

  /** Stops recording for good; live spans are counted as `live-evicted`. */
  protected stopRecording(): void {
    this.recording.close();
  }
}
