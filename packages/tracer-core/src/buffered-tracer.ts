import { startDeadline, shutdownTimeout } from './deadline.js';
import { ExportFailedError, TimeoutError, type TracerError } from './errors.js';
import { ExportScheduler, type ExportSchedulerOptions } from './export-scheduler.js';
import { onProcessShutdown } from './process-hooks.js';
import type { FinishedSpan } from './finished-span.js';
import { CoreTracer } from './core-tracer.js';
import { SpanBuffer, type SpanBufferOptions } from './span-buffer.js';
import type { SpanExporter } from './span-exporter.js';
import type { SpanHandle } from './span-handle.js';
import type { RecorderOptions } from './span-recorder.js';
import type { ShutdownOptions, TracerPlugin } from './tracer-plugin.js';
import type { TracerStats } from './tracer-stats.js';
import { booleanOption, durationMillis, positiveInteger } from './validate.js';

/** Options of a buffering tracer: recording, buffer caps, export schedule and shutdown. */
export interface BufferedTracerOptions extends RecorderOptions, SpanBufferOptions, ExportSchedulerOptions {
  /**
   * Deadline of the final flush in `shutdown()` and in the process hooks; what is not delivered
   * by then is dropped and counted (`shutdown`). @defaultValue 5000
   */
  readonly shutdownTimeoutMillis?: number;
  /**
   * Hook the process: on `beforeExit`, SIGTERM and SIGINT, shut down (final flush within
   * `shutdownTimeoutMillis`), then let the process end as it would have without us. Turn it off
   * when the host calls `shutdown()` itself. @defaultValue true
   */
  readonly hookProcessShutdown?: boolean;
}

/** A TracerPlugin whose optional members (`updateName` and the lifecycle) are always there. */
export interface BufferedTracer extends TracerPlugin {
  updateName(span: SpanHandle, name: string): void;
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): TracerStats;
}

/** Resolved and validated {@link BufferedTracerOptions}, with every default applied. */
export interface ResolvedBufferOptions {
  readonly scheduler: Required<ExportSchedulerOptions>;
  readonly shutdownTimeoutMillis: number;
  readonly hookProcessShutdown: boolean;
}

/**
 * Applies defaults to and validates the schedule and shutdown options (the buffer's caps are
 * `SpanBuffer.fromOptions`'s).
 * @throws InvalidOptionError naming the first bad option and what it allows.
 */
export function resolveBufferOptions(options: BufferedTracerOptions): ResolvedBufferOptions {
  return {
    scheduler: {
      maxExportBatchSize: positiveInteger('maxExportBatchSize', options.maxExportBatchSize, 512),
      scheduledDelayMillis: durationMillis('scheduledDelayMillis', options.scheduledDelayMillis, 1000),
      exportTimeoutMillis: durationMillis('exportTimeoutMillis', options.exportTimeoutMillis, 30_000),
      maxConcurrentExports: positiveInteger('maxConcurrentExports', options.maxConcurrentExports, 1),
    },
    shutdownTimeoutMillis: durationMillis('shutdownTimeoutMillis', options.shutdownTimeoutMillis, 5000),
    hookProcessShutdown: booleanOption('hookProcessShutdown', options.hookProcessShutdown, true),
  };
}

class BufferedTracerImpl extends CoreTracer implements BufferedTracer {
  readonly #buffer: SpanBuffer;
  readonly #scheduler: ExportScheduler;
  readonly #exporter: SpanExporter;
  readonly #shutdownTimeoutMillis: number;
  readonly #unhook: (() => void) | undefined;
  #shutdown: Promise<void> | undefined;

  constructor(name: string, exporter: SpanExporter, options: BufferedTracerOptions) {
    super(name, options);
    const resolved = resolveBufferOptions(options);
    this.#exporter = exporter;
    this.#shutdownTimeoutMillis = resolved.shutdownTimeoutMillis;
    this.#buffer = SpanBuffer.fromOptions(options, this.counters);
    this.#scheduler = new ExportScheduler(this.#buffer, exporter, this.counters, resolved.scheduler);
    this.#unhook = resolved.hookProcessShutdown
      ? onProcessShutdown(() => this.shutdown().catch(() => undefined))
      : undefined;
  }

  protected onSpanEnd(span: FinishedSpan): void {
    if (this.#buffer.push(span)) this.#scheduler.notify();
  }

  flush(): Promise<void> {
    return this.#scheduler.flush();
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    this.#shutdown ??= this.#final(shutdownTimeout(options, this.#shutdownTimeoutMillis));
    return this.#shutdown;
  }

  async #final(timeoutMillis: number): Promise<void> {
    this.#unhook?.();
    this.stopRecording();
    this.#scheduler.stop();
    const deadline = startDeadline(timeoutMillis);
    const outcome = await Promise.race([
      this.#scheduler.flush().then(
        () => undefined,
        (error: TracerError) => error,
      ),
      deadline.passed,
    ]);
    deadline.cancel();
    if (outcome === 'timeout') this.#scheduler.abandon('shutdown');
    const dropped = this.#buffer.dropWaiting('shutdown');
    await Promise.race([
      Promise.resolve()
        .then(() => this.#exporter.shutdown?.())
        .catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, Math.min(timeoutMillis, 1000)).unref()),
    ]);
    if (outcome === 'timeout') {
      throw new TimeoutError(`shutdown: the final flush did not finish within ${timeoutMillis} ms; undelivered spans were dropped`);
    }
    if (outcome !== undefined) {
      throw new ExportFailedError(`shutdown: the final flush failed (${outcome.message}); ${dropped} spans left were dropped`, {
        cause: outcome,
      });
    }
  }

  stats(): TracerStats {
    return this.counters.snapshot(this.liveSpans, this.#buffer.size, this.#buffer.bytes);
  }
}

/**
 * A complete TracerPlugin that records with {@link SpanRecorder}, buffers finished spans in a
 * bounded {@link SpanBuffer} and hands batches to `exporter` on the export schedule, at
 * `flush()` and at shutdown. Backends supply only the exporter; the stdout and OTLP tracers are
 * built this way.
 *
 * @throws InvalidOptionError for a bad option (at construction only).
 */
export function createBufferedTracer(name: string, exporter: SpanExporter, options: BufferedTracerOptions = {}): BufferedTracer {
  return new BufferedTracerImpl(name, exporter, options);
}
