import { idWordsOf, type IdGenerator, type IdWordSource } from './id-generator.js';
import { readSpanId, readTraceId, readWords, type SpanWords, type TraceWords } from './id-words.js';
import { LiveSpanTable, type Identified } from './live-span-table.js';
import { SpanHandle, ZERO_SPAN_ID } from './span-handle.js';
import { SpanRef } from './span-ref.js';
import type { TracerCounters } from './tracer-counters.js';
import type { SpanStart } from './tracer-plugin.js';

/** `endTime` of a span that is live: started, not ended, not evicted. */
export const LIVE = -1;
/** `endTime` of a span evicted from the live table (full, or shut down) before it ended. */
export const EVICTED = -2;

/**
 * What {@link LiveSpans} needs of a span. `endTime` doubles as the span's state: {@link LIVE},
 * {@link EVICTED}, or anything else once ended (a recorder keeps the end reading there), so the
 * state costs no field of its own.
 */
export interface LiveSpan extends Identified, Readonly<TraceWords>, Readonly<SpanWords> {
  endTime: number;
}

/**
 * Where a new span goes, as {@link LiveSpans.place} found it: its trace and span id words, its
 * parent's span id words (`p0`, `p1`; both 0 for a root). Reused by every call: read it at once.
 */
export interface Placement<T = unknown> extends TraceWords, SpanWords {
  p0: number;
  p1: number;
  parentIsRemote: boolean;
  /** The parent, when it is live here. */
  localParent: T | undefined;
}

/** Options of {@link LiveSpans}. */
export interface LiveSpansOptions<T> {
  /** Most spans live at once; the oldest is evicted to make room. */
  readonly maxSpans: number;
  readonly ids: IdGenerator;
  /** Where `live-evicted` and `invalidCalls` are counted. */
  readonly counters: TracerCounters;
  /** Called for each span evicted (after it was marked {@link EVICTED} and counted). Must not throw. */
  readonly onEvict?: (span: T) => void;
}

/**
 * The one owner of live spans for a tracer (the recorder and the fan-out each hold one): it applies
 * the contract's parent rules and draws ids ({@link place}), issues the handle that carries its span
 * ({@link issue}), finds a span from any handle ({@link find}), ends, discards and evicts, and keeps
 * the span-state markers. Bounded by `maxSpans`: adding to a full table evicts the oldest live span
 * (most likely a leak: started, never ended), counted as `live-evicted`.
 *
 * Cost: `place` reads each property of the start and of the parent once and draws one or two ids;
 * `issue` allocates only the handle; `find` with a handle this object issued is a private-field read.
 * Nothing here does I/O; `place` may throw on a hostile start object (a throwing getter), which
 * callers catch.
 */
export class LiveSpans<T extends LiveSpan> {
  readonly #table: LiveSpanTable<T>;
  readonly #ids: IdWordSource;
  readonly #counters: TracerCounters;
  readonly #onEvict: ((span: T) => void) | undefined;
  readonly #placement: Placement<T> = { t0: 0, t1: 0, t2: 0, t3: 0, s0: 0, s1: 0, p0: 0, p1: 0, parentIsRemote: false, localParent: undefined };
  #closed = false;
  /** Marks the handles issued here, also once their span ended (see {@link issuedHere}). */
  readonly #issuer: object = Object.freeze({});

  constructor(options: LiveSpansOptions<T>) {
    this.#table = new LiveSpanTable(options.maxSpans);
    this.#ids = idWordsOf(options.ids);
    this.#counters = options.counters;
    this.#onEvict = options.onEvict;
  }

  get size(): number {
    return this.#table.size;
  }

  /** True once {@link close} ran: the tracer was shut down. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * `startSpan` of the contract, for every tracer: after {@link close}, counted as ignored; a start
   * that is not an object, or whose getters throw, counted as invalid; an INVALID parent gives
   * INVALID. Otherwise `create` (called on `owner`) builds the span where {@link place} put it, or
   * returns undefined for INVALID (nothing sampled it); the span becomes live, counted as started,
   * and its handle is returned. Never throws.
   */
  start<C>(start: SpanStart, create: (this: C, start: SpanStart, placement: Placement<T>) => T | undefined, owner: C): SpanHandle {
    if (this.#closed) {
      this.#counters.ignoredAfterShutdown++;
      return SpanHandle.INVALID;
    }
    try {
      if (typeof start !== 'object' || start === null) {
        this.#counters.invalidCalls++;
        return SpanHandle.INVALID;
      }
      const placement = this.place(start);
      if (placement === undefined) return SpanHandle.INVALID;
      const span = create.call(owner, start, placement);
      // The scratch must not keep the parent alive.
      placement.localParent = undefined;
      if (span === undefined) return SpanHandle.INVALID;
      const handle = this.issue(span);
      this.#counters.spansStarted++;
      return handle;
    } catch {
      this.#counters.invalidCalls++;
      return SpanHandle.INVALID;
    }
  }

  /**
   * The live span a recording call addresses, or undefined: after {@link close} (counted as
   * ignored), for an unknown, ended or INVALID handle, or a hostile one whose getters throw (counted
   * as invalid). Never throws.
   */
  target(handle: SpanHandle): T | undefined {
    if (this.#closed) {
      this.#counters.ignoredAfterShutdown++;
      return undefined;
    }
    try {
      return this.find(handle);
    } catch {
      this.#counters.invalidCalls++;
      return undefined;
    }
  }

  /**
   * The parent rules of the contract, in one place: no parent gives a root (with `start.traceId`
   * when valid, else a fresh trace id); an all-zero parent span id gives `undefined` (INVALID: the
   * trace is not sampled); a parent live here gives a local child; any other valid handle is a
   * remote parent, joined; anything else is counted as an invalid call and gives a root. The span
   * id is `start.spanId` when valid and not already live, else a fresh one.
   *
   * Returns a placement object that the next call reuses (no allocation), or undefined for INVALID.
   */
  place(start: SpanStart): Placement<T> | undefined {
    const out = this.#placement;
    const parent = start.parent;
    let localParent: T | undefined;
    if (parent === undefined || parent === null) {
      out.p0 = 0;
      out.p1 = 0;
      out.parentIsRemote = false;
      const wanted = start.traceId;
      if (wanted === undefined || !readTraceId(wanted, out)) this.#ids.traceWords(out);
    } else {
      if (parent === SpanHandle.INVALID) return undefined; // the unsampled path: one comparison
      out.parentIsRemote = false;
      localParent = this.#issued(parent);
      if (localParent === undefined) {
        const parentTraceId: unknown = parent.traceId;
        const parentId: unknown = parent.spanId;
        if (parentId === ZERO_SPAN_ID) return undefined;
        localParent = this.#table.peek(parentTraceId, parentId);
        if (localParent === undefined) {
          if (readSpanId(parentId) && readTraceId(parentTraceId, out)) {
            out.p0 = readWords.hi;
            out.p1 = readWords.lo;
            out.parentIsRemote = true;
          } else {
            // Not a handle at all: a root rather than a lost span, and the misuse is counted.
            this.#counters.invalidCalls++;
            this.#ids.traceWords(out);
            out.p0 = 0;
            out.p1 = 0;
          }
        }
      }
      if (localParent !== undefined) {
        out.t0 = localParent.t0;
        out.t1 = localParent.t1;
        out.t2 = localParent.t2;
        out.t3 = localParent.t3;
        out.p0 = localParent.s0;
        out.p1 = localParent.s1;
      }
    }
    const wantedSpanId = start.spanId;
    if (wantedSpanId !== undefined && readSpanId(wantedSpanId) && !this.#table.has(wantedSpanId as string)) {
      out.s0 = readWords.hi;
      out.s1 = readWords.lo;
    } else this.#ids.spanWords(out);
    out.localParent = localParent;
    return out;
  }

  /**
   * Makes `span` live and returns its handle (a {@link SpanRef}: the ids, plus the span privately).
   * A full table first evicts its oldest span. ({@link start} calls it; counting is the caller's.)
   */
  issue(span: T): SpanHandle {
    const evicted = this.#table.add(span);
    if (evicted !== undefined) this.#evict(evicted);
    return new SpanRef(span, this, this.#issuer);
  }

  /**
   * The live span `handle` addresses: through its ref when this object issued it, else by its ids.
   * May throw on a hostile handle (a throwing getter); {@link target} catches and counts that.
   */
  find(handle: SpanHandle): T | undefined {
    if (handle === SpanHandle.INVALID) return undefined; // the unsampled path: one comparison
    const issued = SpanRef.target<T>(handle, this);
    if (issued !== undefined) return issued.endTime === LIVE ? issued : undefined;
    if (typeof handle !== 'object' || handle === null) return undefined;
    return this.#table.get(handle.traceId, handle.spanId);
  }

  /** `span` (found through `handle`) ended at `endTime`: it leaves the table and the handle lets go of it. */
  end(span: T, handle: SpanHandle, endTime: number): void {
    this.#table.delete(span);
    SpanRef.detach(handle);
    span.endTime = endTime;
  }

  /** Forgets a live span without ending it or counting it (its owner counted the drop elsewhere). */
  discard(handle: SpanHandle): void {
    const span = this.find(handle);
    if (span !== undefined) this.end(span, handle, EVICTED);
  }

  /**
   * Stops for good (at shutdown): every live span is evicted and counted as `live-evicted`, and later
   * calls to {@link start} and {@link target} are counted as ignored. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const span of this.#table.clear()) this.#evict(span);
  }

  /** Whether `handle` is one this table issued, its span live or not. Never throws. */
  issuedHere(handle: unknown): boolean {
    return SpanRef.issuer(handle) === this.#issuer;
  }

  #evict(span: T): void {
    span.endTime = EVICTED;
    this.#counters.drop('live-evicted');
    this.#onEvict?.(span);
  }

  /** The parent when it is a live span this object issued the handle of. */
  #issued(parent: SpanHandle): T | undefined {
    const span = SpanRef.target<T>(parent, this);
    return span !== undefined && span.endTime === LIVE ? span : undefined;
  }
}
