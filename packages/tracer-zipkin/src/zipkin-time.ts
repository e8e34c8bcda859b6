import { ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';

// The origin split so that a reading becomes unix microseconds with number arithmetic only (no
// bigint per span): unix µs stay below 2^53 until the year 2255.
const ORIGIN_MICROS = Number(ORIGIN_UNIX_NANOS / 1000n);
const ORIGIN_REMAINDER_NANOS = Number(ORIGIN_UNIX_NANOS % 1000n);

/** Unix microseconds, a whole number, of a clock reading (nanoseconds since the origin). Pure. */
export function unixMicros(reading: number): number {
  return ORIGIN_MICROS + Math.floor((reading + ORIGIN_REMAINDER_NANOS) / 1000);
}

/**
 * A span's duration in whole microseconds, at least 1: the Zipkin schema's minimum, and a span
 * that took less than a microsecond still happened. Pure.
 */
export function durationMicros(startReading: number, endReading: number): number {
  return Math.max(1, Math.floor((endReading - startReading) / 1000));
}
