import { ExportFailedError, toTracerError, type TracerError } from './errors.js';
import { PARTIAL_SUCCESS, settleExport, type ExportSettlement } from './export-settlement.js';
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
 * exported, dropped with a reason, or back in the buffer for a retry. What becomes of a batch is
 * worked out by `settleExport` (a pure function); the scheduler only applies it to the buffer and
 * the counters.
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
        const settlement = settleExport(batch, result, reason);
        this.#apply(batch, settlement);
        resolveDone(settlement.flushError);
        // A delivered batch makes room: keep draining full batches without waiting for the timer.
        if (settlement.drainMore) this.#pump(this.#batchSize);
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
      (result) => entry.finish(result),
      (error: unknown) => entry.finish({ status: 'failure', error: toTracerError(error, 'exporter rejected') }),
    );
    return entry;
  }

  /** Does what `settlement` says with `batch`: release it, put back what goes back, count the rest. */
  #apply(batch: readonly FinishedSpan[], settlement: ExportSettlement): void {
    this.#buffer.release(batch);
    this.#buffer.restore(settlement.putBack, 'queue-full');
    this.#counters.spansExported += settlement.exported;
    for (const [reason, count] of settlement.dropped) this.#counters.drop(reason, count);
    if (settlement.failure !== undefined) this.#counters.recordFailure(settlement.failure);
    if (settlement.warning !== undefined) this.#counters.noteLastError(PARTIAL_SUCCESS, settlement.warning);
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
