import { ExportFailedError, TimeoutError, toTracerError, type TracerError } from './errors.js';
import type { FinishedSpan } from './finished-span.js';
import type { SpanBuffer } from './span-buffer.js';
import type { ExportResult, SpanExporter } from './span-exporter.js';
import type { TracerCounters } from './tracer-counters.js';
import type { DropReason } from './tracer-stats.js';

/** When and how much a buffering tracer exports. */
export interface ExportSchedulerOptions {
  /** Spans per export request; a full batch is exported at once. @defaultValue 512 */
  readonly maxExportBatchSize?: number;
  /** Interval between exports of whatever is waiting. The timer never keeps the process alive. @defaultValue 1000 */
  readonly scheduledDelayMillis?: number;
  /** How long one export may take before it is aborted and its spans counted (`export-timeout`). @defaultValue 30000 */
  readonly exportTimeoutMillis?: number;
  /** Exports in flight at once. @defaultValue 1 */
  readonly maxConcurrentExports?: number;
}

interface InFlight {
  readonly batch: readonly FinishedSpan[];
  readonly controller: AbortController;
  /** Settles the export once; later outcomes (a late reply after a timeout) are ignored. */
  finish(result: ExportResult | 'timeout', reason?: DropReason): void;
  readonly done: Promise<TracerError | undefined>;
}

/**
 * Moves finished spans from a {@link SpanBuffer} to a {@link SpanExporter}: when a batch is full,
 * on an interval, on `flush()` and on `shutdown()`. Every span taken reaches exactly one of:
 * exported, dropped with a reason, or back in the buffer for a retry.
 */
export class ExportScheduler {
  readonly #buffer: SpanBuffer;
  readonly #exporter: SpanExporter;
  readonly #counters: TracerCounters;
  readonly #batchSize: number;
  readonly #timeoutMillis: number;
  readonly #maxConcurrent: number;
  readonly #inFlight = new Set<InFlight>();
  /** One list per flush under way: every export started meanwhile is added, so the flush waits for it. */
  readonly #flushes = new Set<Promise<TracerError | undefined>[]>();
  #timer: NodeJS.Timeout | undefined;
  #kickPending = false;

  constructor(
    buffer: SpanBuffer,
    exporter: SpanExporter,
    counters: TracerCounters,
    options: Required<ExportSchedulerOptions>,
  ) {
    this.#buffer = buffer;
    this.#exporter = exporter;
    this.#counters = counters;
    this.#batchSize = options.maxExportBatchSize;
    this.#timeoutMillis = options.exportTimeoutMillis;
    this.#maxConcurrent = options.maxConcurrentExports;
    this.#timer = setInterval(() => this.#pump(1), options.scheduledDelayMillis);
    this.#timer.unref();
  }

  /** Call after adding to the buffer: starts an export soon (not inline) once a batch is full. */
  notify(): void {
    if (this.#kickPending || this.#buffer.waiting < this.#batchSize) return;
    this.#kickPending = true;
    setImmediate(() => {
      this.#kickPending = false;
      this.#pump(this.#batchSize);
    });
  }

  /** Starts exports while there is room in flight and at least `minimum` spans waiting. */
  #pump(minimum: number): void {
    while (this.#inFlight.size < this.#maxConcurrent && this.#buffer.waiting >= minimum) {
      this.#start(this.#buffer.take(this.#batchSize), false);
    }
  }

  #start(batch: readonly FinishedSpan[], flushing: boolean): InFlight {
    const controller = new AbortController();
    let resolveDone!: (error: TracerError | undefined) => void;
    const done = new Promise<TracerError | undefined>((resolve) => (resolveDone = resolve));
    const timer = setTimeout(() => entry.finish('timeout'), this.#timeoutMillis);
    timer.unref();
    let settled = false;
    const entry: InFlight = {
      batch,
      controller,
      done,
      finish: (result, reason) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.#inFlight.delete(entry);
        if (result === 'timeout') controller.abort();
        resolveDone(this.#settle(batch, result, reason));
        // A delivered batch makes room: keep draining full batches without waiting for the timer.
        // Not after a deferral, which would offer the same spans again at once.
        if (result !== 'timeout' && result.status === 'success' && !result.deferred?.length) this.#pump(this.#batchSize);
      },
    };
    this.#inFlight.add(entry);
    for (const waits of this.#flushes) waits.push(done);
    this.#counters.exportAttempts++;
    let call: Promise<ExportResult>;
    try {
      call = this.#exporter.export(batch, { signal: controller.signal, flushing });
    } catch (error) {
      call = Promise.resolve({ status: 'failure', error: toTracerError(error, 'exporter threw') });
    }
    Promise.resolve(call).then(
      (result) => entry.finish(isExportResult(result) ? result : badResult()),
      (error: unknown) => entry.finish({ status: 'failure', error: toTracerError(error, 'exporter rejected') }),
    );
    return entry;
  }

  #settle(batch: readonly FinishedSpan[], result: ExportResult | 'timeout', reason?: DropReason): TracerError | undefined {
    const buffer = this.#buffer;
    if (result === 'timeout') {
      const error = new TimeoutError(`export of ${batch.length} spans timed out`);
      buffer.release(batch);
      this.#counters.drop(reason ?? 'export-timeout', batch.length);
      this.#counters.recordFailure(error);
      return error;
    }
    if (result.status === 'success') {
      const deferred = deferredOf(batch, result.deferred);
      // Each count is capped by what is left, so an exporter's arithmetic cannot unbalance the ledger.
      let left = batch.length - deferred.length;
      const rejected = Math.min(left, count(result.rejected));
      left -= rejected;
      for (const [reason, n] of Object.entries(result.dropped ?? {})) {
        const dropped = Math.min(left, count(n));
        this.#counters.drop(reason, dropped);
        left -= dropped;
      }
      buffer.release(batch);
      buffer.restore(deferred, 'queue-full');
      this.#counters.spansExported += left;
      this.#counters.drop('export-rejected', rejected);
      if (result.error !== undefined) {
        this.#counters.recordFailure(result.error);
        return result.error;
      }
      if (rejected > 0 || result.message) {
        const message = `receiver rejected ${rejected} of ${batch.length} spans${result.message ? `: ${result.message}` : ''}`;
        this.#counters.lastError = Object.freeze({ code: 'PARTIAL_SUCCESS', message, timeUnixMillis: Date.now() });
        // Rejected spans were not delivered, so the flush says so, with the receiver's warning.
        // The request itself succeeded: it is not an export failure and is not retried.
        if (rejected > 0) return new ExportFailedError(message);
      }
      return undefined;
    }
    this.#counters.recordFailure(result.error);
    if (result.status === 'retryable') buffer.requeue(batch, 'queue-full');
    else {
      buffer.release(batch);
      this.#counters.drop(result.reason ?? 'export-failed', batch.length);
    }
    return result.error;
  }

  /**
   * Exports everything waiting now and waits for every export in flight. Resolves when all of it
   * was delivered; rejects with an `ExportFailedError` (cause: the first error, or an
   * `AggregateError` of all) when any of it was not. Spans arriving meanwhile wait for the next
   * round, so a busy application cannot keep a flush going forever.
   */
  async flush(): Promise<void> {
    const waits: Promise<TracerError | undefined>[] = [...this.#inFlight].map((entry) => entry.done);
    this.#flushes.add(waits);
    let results: (TracerError | undefined)[];
    try {
      let remaining = this.#buffer.waiting;
      while (remaining > 0) {
        while (this.#inFlight.size >= this.#maxConcurrent) {
          await Promise.race([...this.#inFlight].map((entry) => entry.done));
        }
        // Exports started by the pump meanwhile took their share; the flush waits for those too.
        const batch = this.#buffer.take(Math.min(remaining, this.#batchSize));
        if (batch.length === 0) break;
        remaining -= batch.length;
        this.#start(batch, true);
      }
      results = await Promise.all(waits);
    } finally {
      this.#flushes.delete(waits);
    }
    const errors = results.filter((error): error is TracerError => error !== undefined);
    if (errors.length === 0) return;
    const [first] = errors;
    const cause = errors.length === 1 ? first : new AggregateError(errors, `${errors.length} exports failed`);
    throw new ExportFailedError(`flush failed: ${errors.length} export(s) did not deliver: ${first!.message}`, { cause });
  }

  /** Stops the interval timer. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Gives up on every export in flight: they are aborted and their spans counted for `reason`. */
  abandon(reason: DropReason): void {
    for (const entry of [...this.#inFlight]) entry.finish('timeout', reason);
  }
}

/** A count from an exporter: a non-negative integer, anything else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

/** The deferred spans that really belong to `batch` (an exporter cannot smuggle others in). */
function deferredOf(batch: readonly FinishedSpan[], deferred: unknown): readonly FinishedSpan[] {
  if (!Array.isArray(deferred) || deferred.length === 0) return [];
  const wanted = new Set<unknown>(deferred);
  return batch.filter((span) => wanted.has(span));
}

function isExportResult(value: unknown): value is ExportResult {
  if (typeof value !== 'object' || value === null) return false;
  const status = (value as ExportResult).status;
  return status === 'success' || status === 'failure' || status === 'retryable';
}

function badResult(): ExportResult {
  return { status: 'failure', error: toTracerError(undefined, 'exporter returned something that is not an ExportResult') };
}
