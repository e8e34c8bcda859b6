import type { TracerError } from './errors.js';
import type { FinishedSpan } from './finished-span.js';
import type { DropReason } from './tracer-stats.js';

/**
 * The outcome of one export, as a value (exporters do not throw). One status per kind of outcome:
 *
 * - `success`: every span of the batch was delivered. `message` is a warning the receiver sent
 *   with it (an OTLP partial success that rejected nothing): it goes to `stats().lastError`, the
 *   flush still resolves. A success never carries an error and never leaves a span behind.
 * - `partial`: a mixed outcome. Some spans may have been delivered; the others are listed:
 *   - `deferred` spans (objects of this batch; any others are ignored) were not taken yet, for
 *     example children waiting for their trace's root, or a split batch's part whose retries ran
 *     out: they go back to the front of the buffer, still counted as buffered, and come again with
 *     the next export;
 *   - `dropped` counts spans given up for good, by reason (`http-400`, `span-too-large`, ...);
 *   - `rejected` counts spans the receiver refused in an accepted request (OTLP partial success):
 *     counted as `export-rejected`, not retried, and the flush rejects with the receiver's
 *     `message`, which also goes to `stats().lastError`. This is not counted as an export failure;
 *   - `error`, when set, says why the parts that were not delivered were not: the flush rejects
 *     with it and it counts as an export failure.
 *
 *   Every span not deferred, dropped or rejected counts as delivered. Counts are capped by what is
 *   left of the batch, so an exporter's arithmetic cannot unbalance the ledger.
 * - `failure`: the batch can never be delivered; it is dropped and counted for `reason`
 *   (default `export-failed`).
 * - `retryable`: nothing was delivered this time; the batch goes back to the front of the buffer
 *   (as far as its caps allow) and the next scheduled export tries again.
 */
export type ExportResult =
  | { readonly status: 'success'; readonly message?: string }
  | {
      readonly status: 'partial';
      readonly deferred?: readonly FinishedSpan[];
      readonly dropped?: Readonly<Partial<Record<DropReason, number>>>;
      readonly rejected?: number;
      readonly message?: string;
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
 * `export` must not throw or reject (a throw is treated as `failure`, and so is a value that is
 * not an {@link ExportResult}) and should stop promptly when `context.signal` aborts (at its
 * timeout, or when shutdown's deadline passes): the scheduler stops waiting then anyway and counts
 * the batch as dropped. The batch and its spans are read-only and must not be kept after the
 * promise settles. Retries within one call (with backoff) are the exporter's business; the
 * scheduler only puts `retryable` batches and `deferred` spans back for the next export.
 */
export interface SpanExporter {
  export(batch: readonly FinishedSpan[], context: ExportContext): Promise<ExportResult>;
  /** Releases connections or handles, after the final export. */
  shutdown?(): Promise<void>;
}
