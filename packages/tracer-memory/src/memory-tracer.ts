import {
  toPlainSpan,
  type RecorderOptions,
  type ShutdownOptions,
  type SpanBufferOptions,
  type FinishedSpan,
  type PlainSpan,
  type SpanHandle,
  type TracerPlugin,
  type TracerStats,
} from '@x/tracer-core';
import { CoreTracer, SpanBuffer, optionsObject } from '@x/tracer-core/internal';

/** Options of {@link createMemoryTracer}. */
export interface MemoryTracerOptions extends RecorderOptions, SpanBufferOptions {
  /** @defaultValue 'memory' */
  readonly name?: string;
}

/** A TracerPlugin that keeps finished spans in memory until {@link MemoryTracer.drain}. */
export interface MemoryTracer extends TracerPlugin {
  /**
   * Returns every finished span held, oldest first, as plain records, and empties the buffer.
   * Drained spans count as exported in `stats()`.
   */
  drain(): PlainSpan[];
  updateName(span: SpanHandle, name: string): void;
  /** Stops recording (idempotent). Spans already finished stay drainable. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): TracerStats;
}

class MemoryTracerImpl extends CoreTracer implements MemoryTracer {
  readonly #buffer: SpanBuffer;

  constructor(options: MemoryTracerOptions) {
    super(options.name ?? 'memory', options);
    this.#buffer = SpanBuffer.fromOptions(options, this.counters);
  }

  protected onSpanEnd(span: FinishedSpan): void {
    this.#buffer.push(span);
  }

  /** Nothing to deliver: spans wait for `drain()`. Always resolves. */
  flush(): Promise<void> {
    return Promise.resolve();
  }

  drain(): PlainSpan[] {
    const batch = this.#buffer.take(this.#buffer.waiting);
    this.#buffer.release(batch);
    this.counters.spansExported += batch.length;
    return batch.map(toPlainSpan);
  }

  shutdown(): Promise<void> {
    this.stopRecording();
    return Promise.resolve();
  }

  stats(): TracerStats {
    return this.counters.snapshot(this.liveSpans, this.#buffer.size, this.#buffer.bytes);
  }
}

/**
 * The reference TracerPlugin: records with the core's recorder and keeps finished spans, bounded
 * by the buffer caps (overflow is counted as `queue-full` / `queue-bytes`), until `drain()`.
 * Tests, examples and the conformance kit build on it.
 *
 * @throws InvalidOptionError for a bad option.
 */
export function createMemoryTracer(options?: MemoryTracerOptions): MemoryTracer {
  return new MemoryTracerImpl(optionsObject('createMemoryTracer options', options));
}
