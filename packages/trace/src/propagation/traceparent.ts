/**
 * The `traceparent` header of W3C Trace Context (Level 2): `version-traceid-parentid-flags`, each
 * field lowercase hex. Parsing follows the Recommendation's processing model:
 *
 * - optional whitespace (space, tab) around the value is ignored;
 * - version `ff` is invalid; version `00` must be exactly 55 characters; a higher (future) version is
 *   read as `00` from its first 55 characters, which must be followed by nothing or by `-`;
 * - trace id (32) and parent id (16) are lowercase hex and not all zeros; flags are 2 lowercase hex;
 * - anything else (uppercase, wrong lengths, illegal characters) makes the whole header invalid.
 *
 * Hand-written (~60 lines) rather than a RegExp per field: one pass over 55 characters, no allocation
 * but the two id strings.
 */

/** A valid `traceparent`, as read. */
export interface TraceParent {
  readonly version: number;
  readonly traceId: string;
  readonly parentId: string;
  /** The flags byte as sent; only `sampled` (0x01) and `random` (0x02) are defined. */
  readonly flags: number;
}

export const FLAG_SAMPLED = 0x01;
/** Level 2: the right-most 7 bytes of the trace id are random. */
export const FLAG_RANDOM = 0x02;

const VERSION_00_LENGTH = 55;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** True when `text[from, from + length)` is lowercase hex and not all zeros (when `nonZero`). */
function isLowerHex(text: string, from: number, length: number, nonZero: boolean): boolean {
  let any = !nonZero;
  for (let i = from; i < from + length; i++) {
    const value = hexValue(text.charCodeAt(i));
    if (value < 0) return false;
    if (value !== 0) any = true;
  }
  return any;
}

/** Trims the optional whitespace HTTP allows around a field value (space and horizontal tab). */
export function trimOws(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
  while (end > start && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** The parsed header, or undefined when `value` is not a valid `traceparent`. Never throws. */
export function parseTraceParent(value: unknown): TraceParent | undefined {
  if (typeof value !== 'string') return undefined;
  const text = trimOws(value);
  if (text.length < VERSION_00_LENGTH) return undefined;
  if (!isLowerHex(text, 0, 2, false)) return undefined;
  const version = parseInt(text.slice(0, 2), 16);
  if (version === 0xff) return undefined;
  if (version === 0 ? text.length !== VERSION_00_LENGTH : text.length > VERSION_00_LENGTH && text.charCodeAt(VERSION_00_LENGTH) !== 45) {
    return undefined;
  }
  if (text.charCodeAt(2) !== 45 || text.charCodeAt(35) !== 45 || text.charCodeAt(52) !== 45) return undefined;
  if (!isLowerHex(text, 3, 32, true) || !isLowerHex(text, 36, 16, true) || !isLowerHex(text, 53, 2, false)) return undefined;
  return {
    version,
    traceId: text.slice(3, 35),
    parentId: text.slice(36, 52),
    flags: parseInt(text.slice(53, 55), 16),
  };
}

/**
 * The header we send: always version `00`, with only the flags this version defines (the
 * Recommendation asks senders to zero the rest).
 */
export function formatTraceParent(traceId: string, spanId: string, flags: number): string {
  const known = flags & (FLAG_SAMPLED | FLAG_RANDOM);
  return `00-${traceId}-${spanId}-0${known.toString(16)}`;
}
