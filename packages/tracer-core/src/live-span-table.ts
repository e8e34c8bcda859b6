/** What the live-span table needs of a span: its ids. */
export interface Identified {
  readonly traceId: string;
  readonly spanId: string;
}

/**
 * Spans started and not yet ended, by span id, with a cap. When the table is full, adding a span
 * evicts the oldest live span (the one most likely leaked: started, never ended); the caller
 * counts it as dropped (`live-evicted`). Lookups check the trace id too, so a handle from another
 * trace that happens to share a span id does not match.
 */
export class LiveSpanTable<T extends Identified> {
  readonly #spans = new Map<string, T>();
  readonly #maxSpans: number;

  constructor(maxSpans: number) {
    this.#maxSpans = maxSpans;
  }

  get size(): number {
    return this.#spans.size;
  }

  has(spanId: string): boolean {
    return this.#spans.has(spanId);
  }

  /** Adds `span`; returns the span evicted to make room, if any. */
  add(span: T): T | undefined {
    let evicted: T | undefined;
    if (this.#spans.size >= this.#maxSpans) {
      const oldest = this.#spans.entries().next().value;
      if (oldest !== undefined) {
        this.#spans.delete(oldest[0]);
        evicted = oldest[1];
      }
    }
    this.#spans.set(span.spanId, span);
    return evicted;
  }

  /** The live span with these ids, or `undefined`. */
  get(traceId: unknown, spanId: unknown): T | undefined {
    if (typeof spanId !== 'string') return undefined;
    const span = this.#spans.get(spanId);
    return span !== undefined && span.traceId === traceId ? span : undefined;
  }

  /** Removes `span` (found another way, for example through its handle). */
  delete(span: T): void {
    this.#spans.delete(span.spanId);
  }

  /** Removes and returns the live span with these ids, or `undefined`. */
  take(traceId: unknown, spanId: unknown): T | undefined {
    const span = this.get(traceId, spanId);
    if (span !== undefined) this.#spans.delete(span.spanId);
    return span;
  }

  /** Removes and returns every live span (at shutdown). */
  clear(): T[] {
    const spans = [...this.#spans.values()];
    this.#spans.clear();
    return spans;
  }
}
