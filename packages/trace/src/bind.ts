import type { EventEmitter } from 'node:events';
import { activeSpan, runWith } from './span-context.js';

type AnyFunction = (this: unknown, ...args: any[]) => unknown;

const BOUND = Symbol('x-trace.bound-emitter');
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
 *   `once`, `off`, ... methods, not the class) and returned; binding twice is harmless.
 */
export function bind<F extends AnyFunction>(fn: F): F;
export function bind<E extends EventEmitter>(emitter: E): E;
export function bind(target: AnyFunction | EventEmitter): unknown {
  if (typeof target === 'function') return bindFunction(target, activeSpan());
  if (isEmitter(target)) return bindEmitter(target);
  throw new TypeError(`bind() takes a function or an EventEmitter, got ${target === null ? 'null' : typeof target}`);
}

function bindFunction<F extends AnyFunction>(fn: F, span: ReturnType<typeof activeSpan>): F {
  const bound = function (this: unknown, ...args: unknown[]): unknown {
    return runWith(span, Reflect.apply, fn, this, args);
  };
  return bound as F;
}

function isEmitter(value: unknown): value is EventEmitter {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as EventEmitter).on === 'function' &&
    typeof (value as EventEmitter).removeListener === 'function' &&
    typeof (value as EventEmitter).emit === 'function'
  );
}

/** Listener → the bound function added in its place, per event, so `off(event, listener)` finds it. */
type Wrappers = Map<string | symbol, WeakMap<AnyFunction, AnyFunction[]>>;

function bindEmitter<E extends EventEmitter>(emitter: E): E {
  const target = emitter as E & { [BOUND]?: Wrappers };
  if (target[BOUND] !== undefined) return emitter;
  const wrappers: Wrappers = new Map();
  Object.defineProperty(target, BOUND, { value: wrappers });

  for (const method of ADDERS) {
    const original = target[method] as AnyFunction;
    Object.defineProperty(target, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, event: string | symbol, listener: AnyFunction) {
        if (typeof listener !== 'function') return original.call(this, event, listener);
        const bound = bindFunction(listener, activeSpan());
        let perEvent = wrappers.get(event);
        if (perEvent === undefined) wrappers.set(event, (perEvent = new WeakMap()));
        const list = perEvent.get(listener);
        if (list === undefined) perEvent.set(listener, [bound]);
        else list.push(bound);
        return original.call(this, event, bound);
      },
    });
  }
  for (const method of REMOVERS) {
    const original = target[method] as AnyFunction;
    Object.defineProperty(target, method, {
      configurable: true,
      writable: true,
      value: function (this: unknown, event: string | symbol, listener: AnyFunction) {
        const list = wrappers.get(event)?.get(listener);
        const bound = list?.pop();
        return original.call(this, event, bound ?? listener);
      },
    });
  }
  return emitter;
}
