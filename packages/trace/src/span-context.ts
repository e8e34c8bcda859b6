import { AsyncLocalStorage } from 'node:async_hooks';
import { Span } from './span.js';

/**
 * Which span is current, following the async flow: AsyncLocalStorage holds the current
 * {@link Span}. `withSpan` uses `run` (the context is restored when the function returns, on every
 * Node), `startSpan` uses `enterWith` (the span stays current for the rest of the calling async
 * function), `finishSpan` hands the context back to the span that was current before.
 *
 * `enterWith` in an async function also changes the context of its caller until the caller's next
 * await: Node has no hook at the point where an async function suspends and returns to its caller
 * (nodejs/node#58104 discusses it). One such point is visible to us: `await startSpan(...)`, as the
 * seed examples write it, reads `then` from the span, synchronously, just before the function
 * suspends. The span's `then` getter (below) marks it "awaited" for the rest of that synchronous
 * run; the first read of the context in that run that finds the marked span is the caller's (the
 * callee is suspended), and it restores the caller's context. So with `await startSpan(...)` a
 * caller that calls the API sees its own span, and 100 requests started in one loop do not nest
 * into each other. See the README ("Context") for what remains: a caller that does not touch the
 * API before its own next await keeps the callee's span until that span ends.
 */
const storage = new AsyncLocalStorage<Span>();

/** The span that was awaited in the current synchronous run, if any (see above). */
let awaited: Span | undefined;

function closeAwaitedWindow(): void {
  awaited = undefined;
}

Object.defineProperty(Span.prototype, 'then', {
  configurable: true,
  get(this: Span): undefined {
    // Only when this span is current here: the function that started it is suspending.
    if (storage.getStore() === this) {
      if (awaited === undefined) queueMicrotask(closeAwaitedWindow);
      awaited = this;
    }
    // Not a thenable: `await span` gives the span itself, with no extra tick.
    return undefined;
  },
});

/**
 * The current span, or undefined. A span that has ended is never current: the walk goes back to
 * the span that was current before it.
 */
export function activeSpan(): Span | undefined {
  let span = storage.getStore();
  if (span === undefined) return undefined;
  if (span === awaited) {
    // The caller of a suspended function that started `span`: give it its own context back.
    awaited = undefined;
    span = span.previous;
    storage.enterWith(span as Span);
  }
  while (span !== undefined && span.ended) span = span.previous;
  return span;
}

/** Makes `span` current for the rest of this synchronous run and everything it starts. */
export function enterSpan(span: Span, previous: Span | undefined): void {
  span.previous = previous;
  storage.enterWith(span);
}

/** After `span` ended: if it is current here, the span before it (still live) is current again. */
export function leaveSpan(span: Span): void {
  if (storage.getStore() !== span) return;
  let previous = span.previous;
  while (previous !== undefined && previous.ended) previous = previous.previous;
  storage.enterWith(previous as Span);
}

/** Runs `fn(span)` with `span` current; the context is what it was once `fn` returns. */
export function runInSpan<T>(span: Span, previous: Span | undefined, fn: (span: Span) => T): T {
  span.previous = previous;
  return storage.run(span, fn, span);
}

/** Runs `fn(...args)` with `span` (or no span) current. */
export function runWith<A extends unknown[], T>(span: Span | undefined, fn: (...args: A) => T, ...args: A): T {
  return storage.run(span as Span, fn, ...args);
}
