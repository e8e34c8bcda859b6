import type { TracerError } from './errors.js';
import type { FinishedSpan } from './finished-span.js';
import type { DropReason } from './tracer-stats.js';

/**
 * The outcome of one export, as a value (exporters do not throw):
 * - `success`: delivered. `rejected` spans of the batch were refused by the receiver (partial
 *   success); they are counted as dropped (`export-rejected`), not retried. `message` is the
 *   receiver's warning, surfaced in `stats().lastError`. `deferred` spans (objects of this batch)
 *   were not taken yet, for example children waiting for their trace's root: they go back to the
 *   front of the buffer, still counted as buffered, and come again with the next export.
 * - `failure`: the batch can never be delivered; it is dropped and counted for `reason`
 *   (default `export-failed`).
 * - `retryable`: not delivered this time; the batch goes back to the front of the buffer (as far
 *   as its caps allow) and the next scheduled export tries again.
 */
export type ExportResult =
  | {
      readonly status: 'success';
      readonly rejected?: number;
      readonly message?: string;
      readonly deferred?: readonly FinishedSpan[];
      readonly dropped?: Readonly<Partial<Record<DropReason, number>>>;
      readonly error?: TracerError;
    }
  | { readonly status: 'failure'; readonly error: TracerError; readonly reason?: DropReason }
  | { readonly status: 'retryable'; readonly error: TracerError };

/** What an export is for. */
export interface ExportContext {
  /** Aborts at the export's timeout, or when shutdown's deadline passes. */
  readonly signal: AbortSignal;
  /**
   * True when the export serves `flush()` or `shutdown()`: deliver everything, defer nothing.
   * False for exports on the schedule (a full batch, the interval).
   */
  readonly flushing: boolean;
}

/**
 * Serializes and sends a batch of finished spans. Called by the export scheduler, never on the
 * recording path, at most `maxConcurrentExports` at a time.
 *
 * `export` must not throw or reject (a throw is treated as `failure`) and should stop promptly
 * when `context.signal` aborts (at its timeout, or when shutdown's deadline passes): the scheduler stops
 * waiting then anyway and counts the batch as dropped. The batch and its spans are read-only and
 * must not be kept after the promise settles. Retries within one call (with backoff) are the
 * exporter's business; the scheduler only re-queues `retryable` batches.
 */
export interface SpanExporter {
  export(batch: readonly FinishedSpan[], context: ExportContext): Promise<ExportResult>;
  /** Releases connections or handles, after the final export. */
  shutdown?(): Promise<void>;
}
