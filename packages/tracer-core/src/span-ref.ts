import { spanIdHex, traceIdHex, type SpanWords, type TraceWords } from './id-words.js';
import type { SpanHandle } from './span-handle.js';

/** What a span offers its handle: its id words. */
type IdentifiedByWords = Readonly<TraceWords & SpanWords>;

/**
 * The handle a tracer built on the core returns: a {@link SpanHandle} whose `traceId` and `spanId`
 * are made from the span's id words the first time they are read (most handles are only passed
 * back to the tracer, so most never are), and which carries, privately, the tracer that issued it
 * and the live span it addresses, so recording calls skip the live-table lookup. Ending the span
 * detaches it: a handle kept after the span ended retains nothing but its ids.
 *
 * The ids are getters: `JSON.stringify` (through `toJSON`), `util.inspect` and every read see them;
 * an object spread (`{ ...handle }`) does not, so rebuild a handle with `SpanHandle.of(h.traceId,
 * h.spanId)`. Any other object with the same ids still addresses the span, through the table.
 */
export class SpanRef implements SpanHandle {
  readonly #t0: number;
  readonly #t1: number;
  readonly #t2: number;
  readonly #t3: number;
  readonly #s0: number;
  readonly #s1: number;
  #traceId: string | undefined;
  #spanId: string | undefined;
  #owner: object | undefined;
  #target: object | undefined;
  /** Who issued it, kept after the span ended (a token, not the owner, so an old handle retains nothing). */
  readonly #issuer: object;

  constructor(span: IdentifiedByWords, owner: object, issuer: object) {
    this.#t0 = span.t0;
    this.#t1 = span.t1;
    this.#t2 = span.t2;
    this.#t3 = span.t3;
    this.#s0 = span.s0;
    this.#s1 = span.s1;
    this.#owner = owner;
    this.#target = span;
    this.#issuer = issuer;
  }

  get traceId(): string {
    return (this.#traceId ??= traceIdHex(this.#t0, this.#t1, this.#t2, this.#t3));
  }

  get spanId(): string {
    return (this.#spanId ??= spanIdHex(this.#s0, this.#s1));
  }

  toJSON(): { traceId: string; spanId: string } {
    return { traceId: this.traceId, spanId: this.spanId };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `SpanHandle { traceId: '${this.traceId}', spanId: '${this.spanId}' }`;
  }

  /** What `handle` points at when it is a live ref issued by `owner`; undefined otherwise. Never throws. */
  static target<T extends object>(handle: unknown, owner: object): T | undefined {
    return typeof handle === 'object' && handle !== null && #target in handle && handle.#owner === owner
      ? (handle.#target as T | undefined)
      : undefined;
  }

  /** The issuer token `handle` was made with, live or ended; undefined for any other object. Never throws. */
  static issuer(handle: unknown): object | undefined {
    return typeof handle === 'object' && handle !== null && #issuer in handle ? handle.#issuer : undefined;
  }

  /** Forgets the target (the span ended). */
  static detach(handle: unknown): void {
    if (typeof handle === 'object' && handle !== null && #target in handle) {
      handle.#target = undefined;
      handle.#owner = undefined;
    }
  }
}
