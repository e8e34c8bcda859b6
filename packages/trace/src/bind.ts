import type { EventEmitter } from 'node:events';
import { activeSpan, runWith } from './span-context.js';

type AnyFunction = (this: any, ...args: any[]) => any;

const BOUND = Symbol('x-trace.bound-emitter');
const BOUND_FUNCTION = Symbol('x-trace.bound-function');
const ADDERS = ['on', 'addListener', 'prependListener', 'once', 'prependOnceListener'] as const;
const REMOVERS = ['off', 'removeListener'] as const;

/**
 * Ties code that runs later to the span current now:
 *
 * - a function: the returned function runs `fn` with the span that was current when `bind` was
 *   called (whatever is current where it is called from);
 * - an EventEmitter: every listener added to it afterwards runs with the span that was current
 *   when the listener was added, not the one current where `emit` is called. This is what a
 *   listener registered inside a span needs when the emitter is shared or emits from elsewhere
 *   (a pooled connection, a long-lived client). The emitter is changed in place (its own `on`,
 *   `once`, `off`, `listeners`, ... methods, not the class) and returned; binding twice is harmless.
 *
 * @throws TypeError for anything else.
 */
export function bind<F extends AnyFunction>(fn: F): F;
export function bind<E extends EventEmitter>(emitter: E): E;
export function bind(target: AnyFunction | EventEmitter): unknown {
  if (typeof target === 'function') return bindFunction(target, runnerIn(activeSpan()));
  if (isEmitter(target)) return bindEmitter(target, () => runnerIn(activeSpan()));
  throw new TypeError(`bind() takes a function or an EventEmitter, got ${target === null ? 'null' : typeof target}`);
}

/** A bound function carries the original as `listener`, as Node's once-wrappers do. */
type Bound = AnyFunction & { listener: AnyFunction; [BOUND_FUNCTION]: true };

/**
 * Runs a bound function's original: with a span current (here), or in a context of another API (the
 * OpenTelemetry bridge binds emitters to its contexts with the same machinery).
 */
export type ListenerRunner = (fn: AnyFunction, thisArg: unknown, args: unknown[]) => unknown;

function runnerIn(span: ReturnType<typeof activeSpan>): ListenerRunner {
  return (fn, thisArg, args) => runWith(span, Reflect.apply, fn, thisArg, args);
}

function bindFunction(fn: AnyFunction, run: ListenerRunner): Bound {
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    return run(fn, this, args);
  } as Bound;
  bound.listener = fn;
  bound[BOUND_FUNCTION] = true;
  return bound;
}

/**
 * Already bound: ours, or Node's once-wrapper around ours (Node's `once` adds its wrapper through
 * `this.on`, which is patched too). Wrapping it again would only add a layer.
 */
function isBound(listener: AnyFunction): boolean {
  return (listener as Partial<Bound>)[BOUND_FUNCTION] === true || (listener as { listener?: Partial<Bound> }).listener?.[BOUND_FUNCTION] === true;
}

export function isEmitter(value: unknown): value is EventEmitter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EventEmitter).on === 'function' &&
    typeof (value as EventEmitter).removeListener === 'function' &&
    typeof (value as EventEmitter).rawListeners === 'function' &&
    typeof (value as EventEmitter).emit === 'function'
  );
}

/**
 * Wraps each listener at registration. Nothing is kept on the side: the emitter's own list holds
 * the bound function (inside Node's once-wrapper for `once`), whose `listener` is the original, so
 * `off(event, original)` finds it there and a fired `once` leaves nothing behind. `runnerNow()` is
 * asked at each registration how that listener will run (here: with the span current then).
 */
export function bindEmitter<E extends EventEmitter>(emitter: E, runnerNow: () => ListenerRunner): E {
  const target = emitter as E & { [BOUND]?: true };
  if (target[BOUND]) return emitter;
  Object.defineProperty(target, BOUND, { value: true });

  for (const method of ADDERS) {
    const original = target[method] as AnyFunction;
    define(target, method, function (this: EventEmitter, event: string | symbol, listener: unknown) {
      if (typeof listener !== 'function' || isBound(listener as AnyFunction)) return original.call(this, event, listener);
      return original.call(this, event, bindFunction(listener as AnyFunction, runnerNow()));
    });
  }
  for (const method of REMOVERS) {
    const original = target[method] as AnyFunction;
    define(target, method, function (this: EventEmitter, event: string | symbol, listener: unknown) {
      return original.call(this, event, boundFor(this, event, listener) ?? listener);
    });
  }
  const listeners = target.listeners as AnyFunction;
  define(target, 'listeners', function (this: EventEmitter, event: string | symbol) {
    return (listeners.call(this, event) as AnyFunction[]).map((fn) => (fn as Partial<Bound>).listener ?? fn);
  });
  return emitter;
}

/** The most recently added bound function registered for `listener` on `event`, if any. */
function boundFor(emitter: EventEmitter, event: string | symbol, listener: unknown): AnyFunction | undefined {
  const raw = emitter.rawListeners(event) as Partial<Bound>[];
  for (let i = raw.length - 1; i >= 0; i--) {
    // A once-wrapper's `listener` is our bound function; an `on` entry is the bound function itself.
    const bound = (raw[i]!.listener ?? raw[i]) as Partial<Bound>;
    if (bound.listener === listener) return bound as AnyFunction;
  }
  return undefined;
}

function define(target: object, name: string, value: AnyFunction): void {
  Object.defineProperty(target, name, { configurable: true, writable: true, value });
}
