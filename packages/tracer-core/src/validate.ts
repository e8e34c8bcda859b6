import { InvalidOptionError } from './errors.js';

/** `value` if it is a positive integer, `fallback` if it is undefined; throws otherwise. */
export function positiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidOptionError(`${name} must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/**
 * The longest duration a duration option takes: Node's timers hold at most 2^31-1 ms (about 24.8
 * days) and turn anything longer into 1 ms with only a warning, so `1e10` meant as "never" would
 * fire at once. Refusing it is the honest answer.
 */
export const MAX_DURATION_MILLIS = 2 ** 31 - 1;

/**
 * `value` if it is a finite number of milliseconds from 0 to {@link MAX_DURATION_MILLIS}, `fallback`
 * if undefined; throws otherwise, naming the limit.
 */
export function durationMillis(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_DURATION_MILLIS) {
    throw new InvalidOptionError(
      `${name} must be a non-negative number of milliseconds, at most ${MAX_DURATION_MILLIS} (about 24.8 days, the longest timer Node keeps), got ${describe(value)}`,
    );
  }
  return value;
}

/** `value` if it is a boolean, `fallback` if undefined. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(`${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** Rejects anything but a plain object (or undefined) as an options argument. */
export function optionsObject<T extends object>(name: string, value: T | undefined): Partial<T> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`${name} must be an object, got ${describe(value)}`);
  }
  return value;
}

/** A short, safe description of a value for an error message (never its full contents). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/** The members every TracerPlugin has as functions (`shutdown` and `stats` are optional). */
export const PLUGIN_METHODS = ['startSpan', 'setAttribute', 'setStatus', 'addEvent', 'endSpan', 'flush'] as const;

/**
 * Throws unless `value` has every member of {@link PLUGIN_METHODS} as a function.
 * @throws InvalidOptionError naming `what` and the first missing member.
 */
export function checkPlugin(value: unknown, what: string): void {
  for (const method of PLUGIN_METHODS) {
    if (typeof value !== 'object' || value === null || typeof (value as Record<string, unknown>)[method] !== 'function') {
      throw new InvalidOptionError(`${what} is not a TracerPlugin: ${method} is not a function`);
    }
  }
}

/**
 * A tracer's `name` option: `fallback` when undefined, else a non-empty string.
 * @throws InvalidOptionError for anything else.
 */
export function pluginName(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(`name must be a non-empty string, got ${describe(value)}`);
  return value;
}
