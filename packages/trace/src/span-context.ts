import { AsyncLocalStorage, executionAsyncResource } from 'node:async_hooks';
import { nearestLive, Span } from './span.js';

/**
 * Which span is current, following the async flow: AsyncLocalStorage holds the current
 * {@link Span}. `withSpan` uses `run` (the context is restored when the function returns, on every
 * Node), `startSpan` uses `enterWith` (the span stays current in the calling code's context until
 * `finishSpan`), `finishSpan` hands the context back to the span that was current before.
 *
 * Three things keep `enterWith` from leaking where it should not:
 *
 * 1. **The caller of a suspended function.** `enterWith` in an async function also changes the
 *    context of its caller until the caller's next await: Node has no hook where an async function
 *    suspends and returns to its caller (nodejs/node#58104). One such point is visible to us:
 *    `await startSpan(...)`, as the seed examples write it, reads `then` from the span,
 *    synchronously, just before the function suspends. The span's `then` getter (below) marks it
 *    "awaited" for the rest of that synchronous run; the first read of the context in that run that
 *    finds the marked span is the caller's (the callee is suspended), and it gives the caller its
 *    own context back. Only the first `then` read after `startSpan` counts, and only if the
 *    function did not read the context itself before it (then it was not awaited at once).
 * 2. **Long-lived resources on Node 20 and 22.** There, AsyncLocalStorage keeps the store on the
 *    current async resource, which may be a keep-alive socket or a `setInterval` timer: the next
 *    request or tick would start inside this span. So once the current synchronous run is over (a
 *    microtask), the resource gets its previous store back. Everything the run started (promises,
 *    timers, listeners) copied the span already. Node 24+ keeps the store per synchronous run and
 *    needs nothing.
 * 3. **Finished spans.** A span that has ended is never current: reads walk back to the span that
 *    was current before it, and ended spans drop their link to ended ancestors, so a chain of spans
 *    nobody finished cannot keep memory alive.
 *
 * See the README ("Context") for what remains.
 */
const storage = new AsyncLocalStorage<Span>();

/** Node 20/22's per-resource store key (an own property of the storage there); undefined on Node 24+. */
const resourceStore: symbol | undefined = (() => {
  const key = (storage as unknown as { kResourceStore?: unknown }).kResourceStore;
  return typeof key === 'symbol' ? key : undefined;
})();

/** The span that was awaited in the current synchronous run, if any (see 1. above). */
let awaited: Span | undefined;

function closeAwaitedWindow(): void {
  awaited = undefined;
}

Object.defineProperty(Span.prototype, 'then', {
  configurable: true,
  get(this: Span): undefined {
    // Only the first read after startSpan, and only while this span is current here: the function
    // that started it is suspending.
    if (this.armed && storage.getStore() === this) {
      this.armed = false;
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
  } else if (span.armed) {
    // The function that started `span` reads the context before any await: it did not `await
    // startSpan(...)`, so a later `then` read is not its suspension.
    span.armed = false;
  }
  return nearestLive(span);
}

/** Makes `span` current for the rest of this synchronous run and everything it starts. */
export function enterSpan(span: Span, previous: Span | undefined): void {
  span.previous = previous;
  span.armed = true;
  storage.enterWith(span);
  if (resourceStore !== undefined) restoreResourceLater(resourceStore, span, previous);
}

function restoreResourceLater(key: symbol, span: Span, previous: Span | undefined): void {
  const resource = executionAsyncResource() as Record<symbol, unknown>;
  queueMicrotask(() => {
    if (resource[key] === span) resource[key] = previous;
  });
}

/** After `span` ended: if it is current here, the span before it (still live) is current again. */
export function leaveSpan(span: Span): void {
  if (storage.getStore() !== span) return;
  storage.enterWith(nearestLive(span.previous) as Span);
}

/** Runs `fn(span)` with `span` current; the context is what it was once `fn` returns. */
export function runInSpan<T>(span: Span, previous: Span | undefined, fn: (span: Span) => T): T {
  span.previous = previous;
  return storage.run(span, fn, span);
}

/**
 * Calls `fn` on `thisArg` with `args` (an `arguments` object or an array) with `span` (or no span)
 * current: {@link runWith} for wrappers that pass their arguments on, without a rest array and a
 * spread of their own on every call.
 */
export function applyWith(span: Span | undefined, fn: Function, thisArg: unknown, args: ArrayLike<unknown>): unknown {
  return storage.run(span as Span, Reflect.apply, fn, thisArg, args);
}

/** Runs `fn(...args)` with `span` (or no span) current. */
export function runWith<A extends unknown[], T>(span: Span | undefined, fn: (...args: A) => T, ...args: A): T {
  return storage.run(span as Span, fn, ...args);
}
