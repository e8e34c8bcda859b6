import type { HrTime, TimeInput } from '@opentelemetry/api';

const NANOS_PER_SECOND = 1_000_000_000n;
/** performance.timeOrigin in milliseconds: OpenTelemetry reads a number below it as performance.now() time. */
const TIME_ORIGIN_MILLIS = globalThis.performance.timeOrigin;

/**
 * OpenTelemetry's `TimeInput` as unix nanoseconds, the way its SDK reads one (`timeInputToHrTime`):
 * `[seconds, nanoseconds]` as is, a `Date`, or a number of milliseconds, epoch time unless it is
 * smaller than `performance.timeOrigin` (then `performance.now()` time). Undefined for anything
 * else, so the tracer's clock applies. Never throws.
 */
export function unixNanosOf(time: TimeInput | undefined): bigint | undefined {
  if (time === undefined) return undefined;
  try {
    if (Array.isArray(time)) {
      const [seconds, nanos] = time;
      if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(nanos) || seconds < 0 || nanos < 0) return undefined;
      return BigInt(seconds) * NANOS_PER_SECOND + BigInt(nanos);
    }
    const millis = time instanceof Date ? time.getTime() : time;
    if (typeof millis !== 'number' || !Number.isFinite(millis) || millis <= 0) return undefined;
    const epochMillis = millis < TIME_ORIGIN_MILLIS ? millis + TIME_ORIGIN_MILLIS : millis;
    // Microseconds first: a double holds today's epoch in µs exactly, not in ns.
    return BigInt(Math.round(epochMillis * 1000)) * 1000n;
  } catch {
    return undefined;
  }
}

/** Unix nanoseconds as OpenTelemetry's `HrTime`. */
export function hrTimeOf(unixNanos: bigint): HrTime {
  return [Number(unixNanos / NANOS_PER_SECOND), Number(unixNanos % NANOS_PER_SECOND)];
}

/** True for what OpenTelemetry's `addEvent` takes as a time in its second argument. */
export function isTimeInput(value: unknown): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || (Array.isArray(value) && value.length === 2 && typeof value[0] === 'number');
}
