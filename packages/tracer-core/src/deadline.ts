import type { ShutdownOptions } from './tracer-plugin.js';
import { MAX_DURATION_MILLIS } from './validate.js';

/** A deadline under way: `passed` resolves when it passes; `cancel` stops it (then it never does). */
export interface Deadline {
  readonly passed: Promise<'timeout'>;
  cancel(): void;
}

/**
 * A deadline `millis` from now, for any length. Node's timers hold at most 2^31-1 ms and fire after
 * 1 ms beyond that, so a longer wait re-arms in steps; `Infinity` never passes. For the deadlines a
 * caller gives at run time (`shutdown({ timeoutMillis })`), which must mean what they say.
 */
export function startDeadline(millis: number): Deadline {
  let timer: NodeJS.Timeout | undefined;
  let cancelled = false;
  const passed = new Promise<'timeout'>((resolve) => {
    const arm = (left: number): void => {
      if (cancelled || left === Infinity) return;
      const step = Math.min(left, MAX_DURATION_MILLIS);
      timer = setTimeout(() => (left > step ? arm(left - step) : resolve('timeout')), step);
    };
    arm(millis);
  });
  return {
    passed,
    cancel() {
      cancelled = true;
      clearTimeout(timer);
    },
  };
}

/**
 * The deadline a `shutdown(options)` call asks for: `options.timeoutMillis` when it is a number
 * from 0 up (`Infinity`: no deadline), else `fallback` (the tracer's `shutdownTimeoutMillis`).
 * Never throws: shutdown takes whatever it is given.
 */
export function shutdownTimeout(options: ShutdownOptions | undefined, fallback: number): number {
  const value: unknown = typeof options === 'object' && options !== null ? options.timeoutMillis : undefined;
  return typeof value === 'number' && value >= 0 ? value : fallback;
}
