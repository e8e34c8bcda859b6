import type { SpanHandle } from './span-handle.js';

/**
 * The handle a tracer built on the core returns: a plain {@link SpanHandle} value (its public
 * fields are only the ids, so it compares, prints and serializes like any handle) that also
 * carries, privately, the tracer that issued it and the live span it addresses. Recording calls
 * with it skip the live-table lookup. Ending the span detaches it, so a handle kept after the span
 * ended retains nothing but its ids. Any other object with the same ids still addresses the span,
 * through the table.
 */
export class SpanRef implements SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  #owner: object | undefined;
  #target: object | undefined;

  constructor(traceId: string, spanId: string, owner: object, target: object) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.#owner = owner;
    this.#target = target;
  }

  /** What `handle` points at when it is a live ref issued by `owner`; undefined otherwise. Never throws. */
  static target<T extends object>(handle: unknown, owner: object): T | undefined {
    return typeof handle === 'object' && handle !== null && #target in handle && handle.#owner === owner
      ? (handle.#target as T | undefined)
      : undefined;
  }

  /** Forgets the target (the span ended). */
  static detach(handle: unknown): void {
    if (typeof handle === 'object' && handle !== null && #target in handle) {
      handle.#target = undefined;
      handle.#owner = undefined;
    }
  }
}
