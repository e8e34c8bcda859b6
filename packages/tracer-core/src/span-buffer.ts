import type { FinishedSpan } from './finished-span.js';
import type { TracerCounters } from './tracer-counters.js';
import type { DropReason } from './tracer-stats.js';
import { positiveInteger } from './validate.js';

/** Caps of a {@link SpanBuffer}. */
export interface SpanBufferOptions {
  /** Most finished spans held. @defaultValue 262144 */
  readonly maxBufferedSpans?: number;
  /**
   * Most bytes held, by each span's `byteSize` estimate (which errs high: it counts shared strings
   * too). Sized so that a burst of 200,000 typical spans in one synchronous loop, before any export
   * can run, still fits. @defaultValue 268435456 (256 MiB)
   */
  readonly maxBufferedBytes?: number;
}

export const DEFAULT_MAX_BUFFERED_SPANS = 262_144;
export const DEFAULT_MAX_BUFFERED_BYTES = 256 * 1024 * 1024;

/**
 * Finished spans waiting for export, first in first out, bounded by count and by approximate
 * bytes. A span that does not fit is refused and counted (`queue-full` or `queue-bytes`), never
 * queued beyond the caps. Spans taken for an export stay counted in `size` until the export
 * settles (`release` or `requeue`), so the buffer's caps also bound what is in flight.
 */
export class SpanBuffer<T extends FinishedSpan = FinishedSpan> {
  #items: T[] = [];
  #head = 0;
  #bytes = 0;
  #inFlight = 0;
  #inFlightBytes = 0;
  readonly #maxSpans: number;
  readonly #maxBytes: number;
  readonly #counters: TracerCounters;

  /**
   * A buffer with the caps in `options`, defaults applied.
   * @throws InvalidOptionError when a cap is not a positive integer.
   */
  static fromOptions<T extends FinishedSpan>(options: SpanBufferOptions, counters: TracerCounters): SpanBuffer<T> {
    return new SpanBuffer<T>(
      positiveInteger('maxBufferedSpans', options.maxBufferedSpans, DEFAULT_MAX_BUFFERED_SPANS),
      positiveInteger('maxBufferedBytes', options.maxBufferedBytes, DEFAULT_MAX_BUFFERED_BYTES),
      counters,
    );
  }

  constructor(maxSpans: number, maxBytes: number, counters: TracerCounters) {
    this.#maxSpans = maxSpans;
    this.#maxBytes = maxBytes;
    this.#counters = counters;
  }

  /** Spans waiting, not counting those taken for an export in flight. */
  get waiting(): number {
    return this.#items.length - this.#head;
  }

  /** Spans held: waiting plus in flight. This is `spansBuffered` in stats. */
  get size(): number {
    return this.waiting + this.#inFlight;
  }

  get bytes(): number {
    return this.#bytes + this.#inFlightBytes;
  }

  /** Adds a finished span; returns false (and counts the drop) when it does not fit. */
  push(span: T): boolean {
    if (this.size >= this.#maxSpans) {
      this.#counters.drop('queue-full');
      return false;
    }
    if (this.bytes + span.byteSize > this.#maxBytes) {
      this.#counters.drop('queue-bytes');
      return false;
    }
    this.#items.push(span);
    this.#bytes += span.byteSize;
    return true;
  }

  /** Takes up to `max` of the oldest spans for an export; they count as in flight until released. */
  take(max: number): T[] {
    const end = Math.min(this.#items.length, this.#head + max);
    const batch = this.#items.slice(this.#head, end);
    // Free the slots: the buffer must not keep delivered spans alive until it compacts.
    for (let i = this.#head; i < end; i++) this.#items[i] = undefined as unknown as T;
    this.#head = end;
    let bytes = 0;
    for (const span of batch) bytes += span.byteSize;
    this.#bytes -= bytes;
    this.#inFlight += batch.length;
    this.#inFlightBytes += bytes;
    this.#compact();
    return batch;
  }

  /** Ends the in-flight life of `batch`; the caller counts what became of it. */
  release(batch: readonly T[]): void {
    let bytes = 0;
    for (const span of batch) bytes += span.byteSize;
    this.#inFlight -= batch.length;
    this.#inFlightBytes -= bytes;
  }

  /**
   * Puts an in-flight `batch` back at the front to be retried, oldest first, as far as the caps
   * allow beside what arrived meanwhile; the rest is counted as dropped for `reason`.
   */
  requeue(batch: readonly T[], reason: DropReason): void {
    this.release(batch);
    this.restore(batch, reason);
  }

  /**
   * Puts spans that were released back at the front, oldest first, as far as the caps allow; the
   * rest is counted as dropped for `reason`.
   */
  restore(spans: readonly T[], reason: DropReason): void {
    if (spans.length === 0) return;
    let room = this.#maxSpans - this.size;
    let roomBytes = this.#maxBytes - this.bytes;
    const kept: T[] = [];
    for (const span of spans) {
      if (room > 0 && span.byteSize <= roomBytes) {
        kept.push(span);
        room--;
        roomBytes -= span.byteSize;
        this.#bytes += span.byteSize;
      }
    }
    this.#counters.drop(reason, spans.length - kept.length);
    if (this.#head >= kept.length) {
      // The slots before the head are free (taken spans came from there): O(kept), no copy of the rest.
      this.#head -= kept.length;
      for (let i = 0; i < kept.length; i++) this.#items[this.#head + i] = kept[i]!;
    } else {
      this.#items = kept.concat(this.#items.slice(this.#head));
      this.#head = 0;
    }
  }

  /** Drops every waiting span for `reason` (at the end of a shutdown that ran out of time). */
  dropWaiting(reason: DropReason): number {
    const count = this.waiting;
    this.#counters.drop(reason, count);
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return count;
  }

  #compact(): void {
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
