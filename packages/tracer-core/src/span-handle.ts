/**
 * The value a tracer hands back from `startSpan` and takes in every other recording call.
 *
 * It is exactly the id pair that goes on the wire: a 16-byte trace id and an 8-byte span id,
 * each as lowercase hex (32 and 16 characters). Two handles with the same ids are the same span,
 * whichever object carries them, so a handle can be rebuilt from a `traceparent` header or
 * from bytes and still address the span.
 *
 * Why hex strings and not bytes or bigints: see "Id representation" in the package README
 * (measured there). In short, strings are the cheapest key for the live-span table, are what
 * the JSON, stdout and W3C formats want anyway, and convert to bytes only when protobuf asks.
 */
export interface SpanHandle {
  /** 32 lowercase hex characters; never all zeros for a sampled span. */
  readonly traceId: string;
  /** 16 lowercase hex characters; never all zeros for a sampled span. */
  readonly spanId: string;
}

const ZERO_TRACE_ID = '00000000000000000000000000000000';
const ZERO_SPAN_ID = '0000000000000000';

const INVALID: SpanHandle = Object.freeze({ traceId: ZERO_TRACE_ID, spanId: ZERO_SPAN_ID });

/** `length` lowercase hex characters, not all zeros. A loop: several times cheaper than a RegExp here. */
function isLowerHexId(id: string, length: number): boolean {
  if (id.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = id.charCodeAt(i);
    if (c > 48 && c <= 57) nonZero = true;
    else if (c >= 97 && c <= 102) nonZero = true;
    else if (c !== 48) return false;
  }
  return nonZero;
}

// The last ids found valid: a fan-out hands the same id strings to every child, so each child after
// the first answers from here.
let lastTraceId = '';
let lastSpanId = '';

/** True when `id` is 32 lowercase hex characters and not all zeros. Never throws. */
function isValidTraceId(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  if (id === lastTraceId) return true;
  if (!isLowerHexId(id, 32)) return false;
  lastTraceId = id;
  return true;
}

/** True when `id` is 16 lowercase hex characters and not all zeros. Never throws. */
function isValidSpanId(id: unknown): id is string {
  if (typeof id !== 'string') return false;
  if (id === lastSpanId) return true;
  if (!isLowerHexId(id, 16)) return false;
  lastSpanId = id;
  return true;
}

/**
 * True when `value` is a well-formed handle of a sampled span: both ids of the right width,
 * lowercase hex, not all zeros. Reads each property once, so a throwing getter is caught.
 */
function isValid(value: unknown): value is SpanHandle {
  if (typeof value !== 'object' || value === null) return false;
  try {
    const { traceId, spanId } = value as SpanHandle;
    return isValidTraceId(traceId) && isValidSpanId(spanId);
  } catch {
    return false;
  }
}

/**
 * True when `value` says "not sampled": the INVALID handle or any handle with a zero span id.
 * Tracers treat such a parent as "the trace is not sampled" and return INVALID for its children.
 */
function isInvalid(value: unknown): boolean {
  if (value === INVALID) return true;
  if (typeof value !== 'object' || value === null) return false;
  try {
    return (value as SpanHandle).spanId === ZERO_SPAN_ID;
  } catch {
    return false;
  }
}

/** Builds a frozen handle; returns `undefined` when either id is malformed. */
function of(traceId: string, spanId: string): SpanHandle | undefined {
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return undefined;
  return Object.freeze({ traceId, spanId });
}

const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex of `bytes[start, end)`. */
function bytesToHex(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) out += HEX_BYTE[bytes[i]!];
  return out;
}

function hexNibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  if (code >= 65 && code <= 70) return code - 55;
  return -1;
}

/**
 * Writes the hex id `hex` as bytes into `target` at `offset`; returns false (writing nothing
 * useful) when `hex` has a non-hex character. The caller sizes `target`.
 */
function hexToBytesInto(hex: string, target: Uint8Array, offset: number): boolean {
  for (let i = 0; i < hex.length; i += 2) {
    const hi = hexNibble(hex.charCodeAt(i));
    const lo = hexNibble(hex.charCodeAt(i + 1));
    if (hi < 0 || lo < 0) return false;
    target[offset + (i >> 1)] = (hi << 4) | lo;
  }
  return true;
}

/** The 24 wire bytes of a handle: trace id (16) then span id (8). */
function toBytes(handle: SpanHandle): { traceId: Uint8Array; spanId: Uint8Array } {
  const traceId = new Uint8Array(16);
  const spanId = new Uint8Array(8);
  hexToBytesInto(handle.traceId, traceId, 0);
  hexToBytesInto(handle.spanId, spanId, 0);
  return { traceId, spanId };
}

/**
 * Rebuilds a handle from wire bytes. Returns `undefined` for a wrong width; all-zero ids give
 * INVALID, so an unsampled context read off the wire stays unsampled.
 */
function fromBytes(traceId: Uint8Array, spanId: Uint8Array): SpanHandle | undefined {
  if (!(traceId instanceof Uint8Array) || !(spanId instanceof Uint8Array)) return undefined;
  if (traceId.length !== 16 || spanId.length !== 8) return undefined;
  const t = bytesToHex(traceId);
  const s = bytesToHex(spanId);
  if (t === ZERO_TRACE_ID || s === ZERO_SPAN_ID) return INVALID;
  return Object.freeze({ traceId: t, spanId: s });
}

/** Same span: same trace id and span id. Never throws. */
function equals(a: SpanHandle, b: SpanHandle): boolean {
  try {
    return a.traceId === b.traceId && a.spanId === b.spanId;
  } catch {
    return false;
  }
}

/**
 * Companion of the {@link SpanHandle} type: the INVALID handle, constructors, validation and
 * conversions to and from the wire bytes. None of these throws.
 */
export const SpanHandle = Object.freeze({
  /** All zeros: "not sampled". Thread it through as a parent like any other handle. */
  INVALID,
  of,
  isValid,
  isInvalid,
  isValidTraceId,
  isValidSpanId,
  equals,
  toBytes,
  fromBytes,
});

export { bytesToHex, hexToBytesInto, ZERO_SPAN_ID, ZERO_TRACE_ID };
