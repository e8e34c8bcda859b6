/**
 * Consistent probability sampling, after OpenTelemetry's "TraceState: Probability Sampling": a
 * trace carries 56 bits of randomness `R` (the low 56 bits of its trace id, or the `rv` sub-key
 * of the `ot` tracestate entry), a sampler with probability `p` has the rejection threshold
 * `T = (1 - p) * 2^56`, and it keeps the trace when `R >= T`. Every sampler that sees the same
 * trace at the same probability decides alike, in any process; one with a higher probability keeps
 * at least what one with a lower probability keeps.
 *
 * 56-bit values do not fit a double exactly, so `R` and `T` are kept as two integers: the high 24
 * bits and the low 32 bits (both non-negative). The threshold is rounded to the precision it is
 * written with (`th`), so the decision is the one any reader of `th` would make.
 */

/** A 56-bit value: `hi * 2^32 + lo`. */
export interface Bits56 {
  readonly hi: number;
  readonly lo: number;
}

/** A sampler's threshold: the value it compares with, and the `th` text that states it. */
export interface Threshold extends Bits56 {
  /** The `th` value: hex, trailing zeros removed; '0' keeps everything. */
  readonly th: string;
  /** The probability the threshold stands for after rounding: `(2^56 - T) / 2^56`. */
  readonly probability: number;
}

const TWO_56 = 1n << 56n;
const HEX_DIGITS = 14;
/** OpenTelemetry's recommended precision: four significant hex digits. */
export const DEFAULT_THRESHOLD_PRECISION = 4;
/** The smallest probability the 56 bits can express. */
export const MIN_PROBABILITY = 2 ** -56;

/** True when `R >= T`: keep. */
export function keeps(randomness: Bits56, threshold: Bits56): boolean {
  return randomness.hi > threshold.hi || (randomness.hi === threshold.hi && randomness.lo >= threshold.lo);
}

function fromBigInt(value: bigint): Bits56 {
  return { hi: Number(value >> 32n), lo: Number(value & 0xffffffffn) };
}

function thText(value: bigint): string {
  if (value === 0n) return '0';
  return value.toString(16).padStart(HEX_DIGITS, '0').replace(/0+$/, '');
}

/**
 * The threshold of probability `p` (in [2^-56, 1]) with `precision` significant hex digits (1 to
 * 14), as the specification's reference algorithm: more digits for small probabilities (one per
 * factor of 16 below 1/16, so 1% keeps its significant digits), rounded half up.
 * `probabilityToThreshold(0.1)` is `e666`, `(0.01)` `fd70a`, `(0.01, 5)` `fd70a4`, `(0.5)` `8`.
 */
export function probabilityToThreshold(p: number, precision = DEFAULT_THRESHOLD_PRECISION): Threshold {
  if (!(p >= MIN_PROBABILITY && p <= 1)) throw new RangeError(`probability must be in [2^-56, 1], got ${p}`);
  if (p === 1) return { hi: 0, lo: 0, th: '0', probability: 1 };
  let digits = precision;
  for (let scaled = p; scaled < 1 / 16 && digits < HEX_DIGITS; scaled *= 16) digits++;
  digits = Math.min(digits, HEX_DIGITS);
  // p * 2^56 only moves the exponent: exact, and an integer once rounded.
  let threshold = TWO_56 - BigInt(Math.round(p * 2 ** 56));
  const shift = BigInt(4 * (HEX_DIGITS - digits));
  if (shift > 0n) threshold = ((threshold + (1n << (shift - 1n))) >> shift) << shift;
  // Rounding up to 2^56 would mean "never": keep the largest threshold this precision writes.
  if (threshold >= TWO_56) threshold = TWO_56 - (1n << shift);
  return { ...fromBigInt(threshold), th: thText(threshold), probability: Number(TWO_56 - threshold) / 2 ** 56 };
}

function isLowerHex(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * A `th` value (1 to 14 hex digits, right-padded with zeros; the specification writes lowercase and
 * reads either case), or undefined when malformed.
 */
export function parseThreshold(text: string): Threshold | undefined {
  const th = text.toLowerCase();
  if (th.length < 1 || th.length > HEX_DIGITS || !isLowerHex(th)) return undefined;
  const value = BigInt(`0x${th.padEnd(HEX_DIGITS, '0')}`);
  return { ...fromBigInt(value), th: thText(value), probability: Number(TWO_56 - value) / 2 ** 56 };
}

/** An `rv` value (exactly 14 hex digits, either case), or undefined when malformed. */
export function parseRandomness(text: string): Bits56 | undefined {
  const rv = text.toLowerCase();
  if (rv.length !== HEX_DIGITS || !isLowerHex(rv)) return undefined;
  return { hi: Number.parseInt(rv.slice(0, 6), 16), lo: Number.parseInt(rv.slice(6), 16) };
}

/** The randomness of a trace id given as its four 32-bit words (high first): its low 56 bits. */
export function randomnessOfWords(t2: number, t3: number, out: { hi: number; lo: number }): void {
  out.hi = t2 & 0xffffff;
  out.lo = t3 >>> 0;
}

/** The randomness of a trace id given as 32 hex characters: its last 14 digits. Undefined when malformed. */
export function randomnessOfTraceId(traceId: string): Bits56 | undefined {
  if (traceId.length !== 32) return undefined;
  return parseRandomness(traceId.slice(18));
}
