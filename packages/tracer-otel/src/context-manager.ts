import { AsyncLocalStorage } from 'node:async_hooks';
import type { EventEmitter } from 'node:events';
import { isSpanContextValid, ROOT_CONTEXT, trace, type Context, type ContextManager, type Span } from '@opentelemetry/api';
import { SpanHandle } from '@x/tracer-core';
import type { Span as XSpan } from '@x/trace';
import { activeSpan, bindEmitter, isEmitter, runWith, setTracingSuppressedCheck, standInSpan, type ListenerRunner } from '@x/trace/internal';
import { PassThroughSpan } from './pass-through-span.js';
import { otelSpanOf, RuntimeSpan } from './runtime-span.js';
import { handleOfContext } from './span-arguments.js';
import { isTracingSuppressed } from './suppress-tracing.js';

/** The `@x/trace` span an OpenTelemetry span is (a bridge span's), if any. */
export function xSpanOf(span: Span | undefined): XSpan | undefined {
  if (span instanceof RuntimeSpan) return span.xSpan;
  if (span instanceof PassThroughSpan) return span.xSpan;
  return undefined;
}

/** Stand-ins of foreign spans made current by `with`: one per OpenTelemetry span object. */
const standIns = new WeakMap<Span, XSpan>();

/**
 * What `@x/trace` has current under a context whose span is `span`: the `@x/trace` span it is, or,
 * for a foreign span (a remote context a propagator extracted, another provider's span), a stand-in
 * that records nothing and makes `withSpan`'s spans children of it (made when `create`).
 */
export function currentFor(span: Span | undefined, create: boolean): XSpan | undefined {
  if (span === undefined) return undefined;
  const own = xSpanOf(span);
  if (own !== undefined || span instanceof PassThroughSpan) return own;
  let standIn = standIns.get(span);
  if (standIn === undefined && create) {
    const context = span.spanContext();
    if (!isSpanContextValid(context)) return undefined;
    standIn = standInSpan(handleOfContext(context) ?? SpanHandle.INVALID, context.traceId, context.traceState?.serialize() ?? '');
    standIns.set(span, standIn);
  }
  return standIn;
}

/** A context built by `active()` for an `@x/trace` span over the stored context it was built on. */
interface Derived {
  readonly base: Context;
  readonly context: Context;
}

/**
 * OpenTelemetry's `ContextManager` on `@x/trace`'s context: one context for both APIs.
 *
 * OpenTelemetry contexts are kept in an AsyncLocalStorage of their own, and `@x/trace`'s current
 * span is kept in step both ways:
 * - `with(ctx, fn)` runs `fn` with `ctx` stored and, when `ctx`'s span is an `@x/trace` span (a
 *   span of the bridge's runtime tracer, or `withSpan`'s own shown to OpenTelemetry), with that
 *   span current for `withSpan`/`currentSpan`; with a foreign span (remote, or another provider's),
 *   with a stand-in for it that records nothing, so `withSpan` joins its trace; with none, none.
 * - `active()` returns the stored context, unless `@x/trace`'s current span is another one (code
 *   inside `withSpan`, or an automatic HTTP server span, is running): then the stored context with
 *   that span as OpenTelemetry's active span. Contexts are derived once per span and stored context.
 *
 * So an instrumentation's span started inside `withSpan` is its child, and `withSpan` inside a span
 * an instrumentation made active (or a remote context it extracted) is that span's child.
 */
export class XTraceContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  constructor() {
    this.enable();
  }
  readonly #derived = new WeakMap<XSpan, Derived>();

  active(): Context {
    const stored = this.#storage.getStore() ?? ROOT_CONTEXT;
    const current = activeSpan();
    if (current === undefined || currentFor(trace.getSpan(stored), false) === current) return stored;
    const derived = this.#derived.get(current);
    if (derived !== undefined && derived.base === stored) return derived.context;
    const context = trace.setSpan(stored, otelSpanOf(current));
    this.#derived.set(current, { base: stored, context });
    return context;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    const call = thisArg === undefined ? fn : (fn.bind(thisArg) as F);
    return this.#storage.run(context, runWith, currentFor(trace.getSpan(context), true), call, ...args) as ReturnType<F>;
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target === 'function') return this.#bindFunction(context, target as (...args: unknown[]) => unknown) as T;
    if (isEmitter(target)) return this.#bindEmitter(context, target) as T;
    return target;
  }

  enable(): this {
    // withSpan and @x/trace's HTTP spans honour OpenTelemetry's suppressTracing through this.
    setTracingSuppressedCheck(() => isTracingSuppressed(this.#storage.getStore()));
    return this;
  }

  disable(): this {
    setTracingSuppressedCheck(undefined);
    this.#storage.disable();
    return this;
  }

  #bindFunction(context: Context, target: (...args: unknown[]) => unknown): (...args: unknown[]) => unknown {
    const manager = this;
    const bound = function (this: unknown, ...args: unknown[]) {
      return manager.with(context, () => target.apply(this, args));
    };
    Object.defineProperty(bound, 'length', { value: target.length, configurable: true });
    return bound;
  }

  /**
   * Listeners added to `emitter` from now on run in `context`, as OpenTelemetry's own context
   * managers bind emitters (`off` finds them by the original function): `@x/trace`'s `bind` machinery.
   */
  #bindEmitter(context: Context, emitter: EventEmitter): EventEmitter {
    const run: ListenerRunner = (fn, thisArg, args) => this.with(context, fn, thisArg, ...args);
    return bindEmitter(emitter, () => run);
  }
}
