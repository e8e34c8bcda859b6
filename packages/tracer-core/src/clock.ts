/**
 * Time in tracers: a monotonic reading in nanoseconds since a fixed origin, as a double, plus
 * that origin as unix nanoseconds (a bigint). Durations come from the monotonic part, so a wall
 * clock that steps cannot make a span negative; a timestamp is origin + reading.
 *
 * A double holds every nanosecond exactly up to 2^53 ns (104 days) from the origin; past that
 * the step grows to 2, 4, ... ns, the same precision `performance.now()` itself has.
 */

// `globalThis.performance` is a lazy getter in Node: look it up once, not on every reading.
const clock = globalThis.performance;

/** The unix time, in nanoseconds, at which {@link now} read 0 (`performance.timeOrigin`). */
export const ORIGIN_UNIX_NANOS: bigint = BigInt(Math.round(clock.timeOrigin * 1000)) * 1000n;

/** Nanoseconds since {@link ORIGIN_UNIX_NANOS}. Monotonic, allocation-free. */
export function now(): number {
  return clock.now() * 1e6;
}

/** Unix nanoseconds of a reading of {@link now}. */
export function toUnixNanos(reading: number): bigint {
  return ORIGIN_UNIX_NANOS + BigInt(Math.round(reading));
}

/**
 * A caller-supplied unix time (bigint nanoseconds, or a number of nanoseconds) as a reading,
 * or `undefined` when `value` is not a usable time (the caller then reads the clock).
 * Never throws.
 */
export function fromUnixNanos(value: unknown): number | undefined {
  if (typeof value === 'bigint') return value > 0n ? Number(value - ORIGIN_UNIX_NANOS) : undefined;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) {
    return value - Number(ORIGIN_UNIX_NANOS);
  }
  return undefined;
}
