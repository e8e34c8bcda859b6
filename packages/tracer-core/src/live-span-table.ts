/** What the live-span table needs of a span: its ids, and a slot the table owns. */
export interface Identified {
  readonly traceId: string;
  readonly spanId: string;
  /** Owned by the table: where the span sits in it, -1 when it is not in it. */
  liveSlot: number;
}

/**
 * Spans started and not yet ended, in start order, with a cap. When the table is full, adding a
 * span evicts the oldest live span (the one most likely leaked: started, never ended); the caller
 * counts it as dropped (`live-evicted`).
 *
 * Adding and removing are O(1) and allocate nothing per span: spans sit in a ring in start order
 * and know their slot. An index by span id exists only once something looks a span up by its ids
 * (a handle rebuilt from ids, rather than the one the tracer returned); from then on it is kept
 * up to date. Lookups check the trace id too.
 */
export class LiveSpanTable<T extends Identified> {
  #ring: (T | null)[] = [];
  #head = 0;
  /** Slot number of `#ring[0]`: slots stay valid when the ring is compacted. */
  #base = 0;
  #live = 0;
  #index: Map<string, T> | undefined;
  readonly #maxSpans: number;

  constructor(maxSpans: number) {
    this.#maxSpans = maxSpans;
  }

  get size(): number {
    return this.#live;
  }

  has(spanId: string): boolean {
    return this.#byId().has(spanId);
  }

  /** Adds `span`; returns the span evicted to make room, if any. */
  add(span: T): T | undefined {
    const evicted = this.#live >= this.#maxSpans ? this.#oldest() : undefined;
    if (evicted !== undefined) this.delete(evicted);
    span.liveSlot = this.#base + this.#ring.length;
    this.#ring.push(span);
    this.#live++;
    this.#index?.set(span.spanId, span);
    return evicted;
  }

  /** The live span with these ids, or `undefined`. */
  get(traceId: unknown, spanId: unknown): T | undefined {
    if (typeof spanId !== 'string') return undefined;
    const span = this.#byId().get(spanId);
    return span !== undefined && span.traceId === traceId ? span : undefined;
  }

  /**
   * Like `get`, but only when the index already exists: never builds it. For parents: a parent
   * given by a rebuilt handle is then taken as remote (same trace and parent id, only the remote
   * flag differs), so servers, whose request spans all have remote parents, keep the fast path.
   */
  peek(traceId: unknown, spanId: unknown): T | undefined {
    return this.#index === undefined ? undefined : this.get(traceId, spanId);
  }

  /** Removes `span` if it is live here. */
  delete(span: T): void {
    const at = span.liveSlot - this.#base;
    if (at < 0 || this.#ring[at] !== span) return;
    this.#ring[at] = null;
    span.liveSlot = -1;
    this.#live--;
    if (this.#index?.get(span.spanId) === span) this.#index.delete(span.spanId);
    this.#trim();
  }

  /** Removes and returns every live span (at shutdown). */
  clear(): T[] {
    const spans: T[] = [];
    for (let i = this.#head; i < this.#ring.length; i++) {
      const span = this.#ring[i];
      if (span) {
        span.liveSlot = -1;
        spans.push(span);
      }
    }
    this.#base += this.#ring.length;
    this.#ring = [];
    this.#head = 0;
    this.#live = 0;
    this.#index?.clear();
    return spans;
  }

  #oldest(): T | undefined {
    for (let i = this.#head; i < this.#ring.length; i++) {
      const span = this.#ring[i];
      if (span) return span;
    }
    return undefined;
  }

  /** Moves the head past ended spans; compacts once the dead prefix is most of the ring. */
  #trim(): void {
    const ring = this.#ring;
    while (this.#head < ring.length && ring[this.#head] === null) this.#head++;
    if (this.#head > 1024 && this.#head * 2 > ring.length) {
      this.#ring = ring.slice(this.#head);
      this.#base += this.#head;
      this.#head = 0;
    }
  }

  #byId(): Map<string, T> {
    if (this.#index === undefined) {
      this.#index = new Map();
      for (let i = this.#head; i < this.#ring.length; i++) {
        const span = this.#ring[i];
        if (span) this.#index.set(span.spanId, span);
      }
    }
    return this.#index;
  }
}
