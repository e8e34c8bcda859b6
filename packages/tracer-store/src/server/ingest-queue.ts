import type { IngestOutcome, IngestSink } from '../otlp/otlp-receiver.js';
import type { SpanRow } from '../span-row.js';
import { isTransientStoreError } from '../store-errors.js';
import { StoreClosedError, type TraceStore } from '../trace-store.js';

interface Waiting {
  readonly rows: readonly SpanRow[];
  readonly settle: (outcome: IngestOutcome) => void;
}

/** Rows one write takes at most: requests queued together are written together, up to this. */
const MAX_ROWS_PER_WRITE = 10_000;
/** What a busy answer asks the sender to wait: long enough for a queue of writes to drain. */
const RETRY_AFTER_SECONDS = 2;

/**
 * The receiver's way into the store: requests wait in a queue bounded by `maxPendingSpans`, and one
 * write at a time takes as many queued requests as fit in {@link MAX_ROWS_PER_WRITE} rows (a
 * transaction per write costs more than its rows, so many small OTLP requests are cheaper together).
 * Each request is answered when its own rows are committed. A full queue answers 'busy' (the sender
 * retries after Retry-After), and so does a write that failed for a reason that passes (a database
 * restarting); spans the store refuses as they are answer 'failed' (500: sending them again would
 * not help), and so does a closed store.
 */
export class IngestQueue implements IngestSink {
  readonly #store: TraceStore;
  readonly #maxPendingSpans: number;
  readonly #waiting: Waiting[] = [];
  #pendingSpans = 0;
  #writing = false;
  #rejectedBusy = 0;
  #lastRefusal = '';

  constructor(store: TraceStore, maxPendingSpans: number) {
    this.#store = store;
    this.#maxPendingSpans = maxPendingSpans;
  }

  /** Requests answered busy because the queue was full. */
  get rejectedBusy(): number {
    return this.#rejectedBusy;
  }

  ingest(rows: readonly SpanRow[]): Promise<IngestOutcome> {
    // One request larger than the whole queue is still taken when the queue is empty: else it could never be.
    if (this.#pendingSpans > 0 && this.#pendingSpans + rows.length > this.#maxPendingSpans) {
      this.#rejectedBusy++;
      return Promise.resolve({ status: 'busy', retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
    this.#pendingSpans += rows.length;
    return new Promise((settle) => {
      this.#waiting.push({ rows, settle });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    while (this.#waiting.length > 0) {
      const batch = this.#takeBatch();
      const rows = batch.flatMap((waiting) => waiting.rows);
      const outcome = await this.#write(rows);
      if (outcome === 'refused' && batch.length > 1) {
        // One request's spans spoil the write for all: each is written alone, and only the
        // requests whose own spans the store refuses are answered 'failed'.
        for (const waiting of batch) {
          const alone = await this.#write(waiting.rows);
          waiting.settle(alone === 'refused' ? refusedOutcome(this.#lastRefusal) : alone);
        }
      } else {
        for (const waiting of batch) waiting.settle(outcome === 'refused' ? refusedOutcome(this.#lastRefusal) : outcome);
      }
      this.#pendingSpans -= rows.length;
    }
    this.#writing = false;
  }

  async #write(rows: readonly SpanRow[]): Promise<IngestOutcome | 'refused'> {
    try {
      await this.#store.write(rows);
      return { status: 'stored' };
    } catch (error) {
      if (error instanceof StoreClosedError) return { status: 'failed', message: 'the trace store is closed' };
      if (isTransientStoreError(error)) return { status: 'busy', retryAfterSeconds: RETRY_AFTER_SECONDS };
      this.#lastRefusal = error instanceof Error ? error.message : String(error);
      return 'refused';
    }
  }

  #takeBatch(): Waiting[] {
    const batch = [this.#waiting.shift()!];
    let size = batch[0]!.rows.length;
    while (this.#waiting.length > 0 && size + this.#waiting[0]!.rows.length <= MAX_ROWS_PER_WRITE) {
      const next = this.#waiting.shift()!;
      size += next.rows.length;
      batch.push(next);
    }
    return batch;
  }

  /** Resolves once every queued request is answered. */
  async idle(): Promise<void> {
    while (this.#writing || this.#waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function refusedOutcome(message: string): IngestOutcome {
  return { status: 'failed', message: `the trace store refused these spans: ${message}` };
}
