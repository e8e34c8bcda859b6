import { ExportFailedError, TimeoutError, toTracerError, type TracerError } from './errors.js';
import type { FinishedSpan } from './finished-span.js';
import type { ExportResult } from './span-exporter.js';
import type { DropReason } from './tracer-stats.js';

/**
 * What becomes of one export's batch, worked out from its result. Every span of the batch is in
 * exactly one place: `exported`, one of the `dropped` counts, or `putBack`.
 */
export interface ExportSettlement {
  /** Spans delivered: added to `spansExported`. */
  readonly exported: number;
  /** Spans given up for good, by reason; no zero counts. */
  readonly dropped: readonly (readonly [DropReason, number])[];
  /**
   * Spans of the batch to put back at the front of the buffer, oldest first, after the batch is
   * released: a `retryable` batch whole, or a partial export's deferred spans.
   */
  readonly putBack: readonly FinishedSpan[];
  /** An export failure: counted in `exportFailures` and kept as `lastError`. */
  readonly failure: TracerError | undefined;
  /** A receiver's warning for `lastError` (code `PARTIAL_SUCCESS`), not counted as a failure. */
  readonly warning: string | undefined;
  /** What a flush waiting for this export sees: `undefined` when everything was delivered. */
  readonly flushError: TracerError | undefined;
  /**
   * Whether the export made room and put nothing back, so further full batches may go at once
   * (after a deferral they would offer the same spans again).
   */
  readonly drainMore: boolean;
}

/** The code of the `lastError` a receiver's warning leaves. */
export const PARTIAL_SUCCESS = 'PARTIAL_SUCCESS';

/**
 * Settles an export of `batch` that ended with `result`, or with `'timeout'` when the scheduler
 * stopped waiting (its spans are then dropped for `timeoutReason`). Pure: it reads its arguments
 * and decides; the scheduler applies the answer to the buffer and the counters.
 *
 * It trusts nothing the exporter returned: a value that is not an {@link ExportResult} is a
 * failure; counts that are not non-negative numbers are 0, fractions are cut, and each count is
 * capped by what is left of the batch; deferred spans that are not in the batch are ignored; an
 * error that is not a `TracerError` is wrapped in one. A `success` carrying the fields of a
 * `partial` (the type forbids it; a JavaScript exporter written before `partial` existed may do
 * it) is settled as the partial it describes, so nothing it reports is lost.
 */
export function settleExport(
  batch: readonly FinishedSpan[],
  result: ExportResult | 'timeout',
  timeoutReason: DropReason = 'export-timeout',
): ExportSettlement {
  if (result === 'timeout') {
    const error = new TimeoutError(`export of ${batch.length} spans timed out`);
    return settled({ dropped: [[timeoutReason, batch.length]], failure: error, flushError: error });
  }
  if (!isExportResult(result)) {
    const error = toTracerError(undefined, 'exporter returned something that is not an ExportResult');
    return settleExport(batch, { status: 'failure', error });
  }
  switch (result.status) {
    case 'success':
    case 'partial':
      return settleDelivered(batch, result);
    case 'retryable': {
      const error = errorOf(result);
      return settled({ putBack: batch, failure: error, flushError: error });
    }
    case 'failure': {
      const error = errorOf(result);
      return settled({ dropped: [[result.reason ?? 'export-failed', batch.length]], failure: error, flushError: error });
    }
  }
}

type Delivered = Extract<ExportResult, { status: 'partial' }> | { readonly status: 'success' };

function settleDelivered(batch: readonly FinishedSpan[], result: Delivered): ExportSettlement {
  // Read as a partial: a success has none of these fields, or is settled as the partial it describes.
  const parts = result as Partial<Extract<ExportResult, { status: 'partial' }>>;
  const putBack = deferredOf(batch, parts.deferred);
  let left = batch.length - putBack.length;
  const rejected = Math.min(left, count(parts.rejected));
  left -= rejected;
  const dropped: [DropReason, number][] = [];
  for (const [reason, n] of Object.entries(parts.dropped ?? {})) {
    const capped = Math.min(left, count(n));
    if (capped > 0) dropped.push([reason, capped]);
    left -= capped;
  }
  if (rejected > 0) dropped.push(['export-rejected', rejected]);
  const base = { exported: left, dropped, putBack, drainMore: putBack.length === 0 };
  if (parts.error !== undefined) {
    const error = errorOf(result);
    return settled({ ...base, failure: error, flushError: error });
  }
  const message = typeof parts.message === 'string' && parts.message !== '' ? parts.message : undefined;
  if (rejected === 0 && message === undefined) return settled(base);
  const warning = `receiver rejected ${rejected} of ${batch.length} spans${message === undefined ? '' : `: ${message}`}`;
  // Rejected spans were not delivered, so the flush says so, with the receiver's warning. The
  // request itself succeeded: it is not an export failure and is not retried.
  return settled({ ...base, warning, flushError: rejected > 0 ? new ExportFailedError(warning) : undefined });
}

function settled(parts: Partial<ExportSettlement>): ExportSettlement {
  return {
    exported: parts.exported ?? 0,
    dropped: parts.dropped ?? [],
    putBack: parts.putBack ?? [],
    failure: parts.failure,
    warning: parts.warning,
    flushError: parts.flushError,
    drainMore: parts.drainMore ?? false,
  };
}

/** A result's error as a `TracerError`: itself, wrapped when it is something else, made up when missing. */
function errorOf(result: { readonly status: string; readonly error?: unknown }): TracerError {
  const error = result.error;
  return toTracerError(error, error === undefined ? `exporter returned ${result.status} without an error` : `exporter returned ${result.status}`);
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
  return status === 'success' || status === 'partial' || status === 'failure' || status === 'retryable';
}
