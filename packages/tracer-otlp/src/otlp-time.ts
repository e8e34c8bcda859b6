import { ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';

const TWO_32 = 4294967296;
const ORIGIN_HI = Number(ORIGIN_UNIX_NANOS >> 32n);
const ORIGIN_LO = Number(ORIGIN_UNIX_NANOS & 0xffffffffn);

/**
 * Unix nanoseconds of a clock reading as two unsigned 32-bit halves, with number arithmetic only
 * (no bigint per timestamp). Exact for readings within 2^53 ns of the origin.
 */
export function unixNanosHalves(reading: number, out: { lo: number; hi: number }): void {
  const nanos = Math.round(reading);
  const high = Math.floor(nanos / TWO_32);
  let lo = ORIGIN_LO + (nanos - high * TWO_32);
  let hi = ORIGIN_HI + high;
  if (lo >= TWO_32) {
    lo -= TWO_32;
    hi += 1;
  }
  out.lo = lo;
  out.hi = hi;
}
