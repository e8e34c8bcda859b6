import type { SpanRecord } from './span-record.js';

/** Bounds of the record store. */
export interface RecordLimits {
  /** Most records kept. @defaultValue 4096 */
  readonly maxRecords: number;
  /** Most bytes kept (an estimate, as the core's buffers count them). @defaultValue 8 MiB */
  readonly maxBytes: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = Object.freeze({ maxRecords: 4096, maxBytes: 8 * 1024 * 1024 });

/**
 * Finished records kept for `flush()` and `exportRecords()`, bounded by count and bytes.
 *
 * When full, the oldest record goes and is counted in `dropped`: a process that never calls
 * `flush()` keeps its most recent activity, which is what `exportRecords()` is read for. (The
 * tracers' export buffers do the opposite, dropping the newest, because there the oldest are
 * already on their way.)
 */
export class RecordStore {
  readonly #limits: RecordLimits;
  #records: SpanRecord[] = [];
  #sizes: number[] = [];
  /** Index of the oldest record kept: dropping from the front is O(1), compaction amortized. */
  #head = 0;
  #bytes = 0;
  dropped = 0;

  constructor(limits: RecordLimits) {
    this.#limits = limits;
  }

  get limits(): RecordLimits {
    return this.#limits;
  }

  get size(): number {
    return this.#records.length - this.#head;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(record: SpanRecord, bytes: number): void {
    const limits = this.#limits;
    if (bytes > limits.maxBytes) {
      this.dropped++;
      return;
    }
    while (this.size >= limits.maxRecords || this.#bytes + bytes > limits.maxBytes) this.#dropOldest();
    this.#records.push(record);
    this.#sizes.push(bytes);
    this.#bytes += bytes;
  }

  /** Every record kept, oldest first, and forgets them. */
  drain(): SpanRecord[] {
    const out = this.snapshot();
    this.clear();
    return out;
  }

  /** Every record kept, oldest first; they stay. */
  snapshot(): SpanRecord[] {
    return this.#records.slice(this.#head);
  }

  /** Hands every record, oldest first, to `other` (which applies its own bounds), and forgets them. */
  moveTo(other: RecordStore): void {
    for (let i = this.#head; i < this.#records.length; i++) other.add(this.#records[i]!, this.#sizes[i]!);
    this.clear();
  }

  clear(): void {
    this.#records = [];
    this.#sizes = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #dropOldest(): void {
    this.#bytes -= this.#sizes[this.#head]!;
    this.#records[this.#head] = undefined as never;
    this.#head++;
    this.dropped++;
    if (this.#head > 1024 && this.#head * 2 > this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#sizes = this.#sizes.slice(this.#head);
      this.#head = 0;
    }
  }
}
