/**
 * Ids as numbers while a span is recorded: a trace id is four 32-bit words (`t0`..`t3`), a span
 * id two (`s0`, `s1`), high-order first, each kept as a signed 32-bit integer, which V8's 64-bit
 * builds without pointer compression (Node's official builds) hold inline in an object's field (no
 * allocation). The hex strings of the contract are made only when something reads them: a handle's
 * `traceId`, an exporter that writes text.
 *
 * Why: measured in `bench/` (span-full, OTLP tracer), drawing two hex strings per span cost about
 * 130 ns of a 490 ns span; making them eagerly while keeping words in the span gained nothing, so
 * the cost is making the strings. Words cost a read from a random pool.
 */

/** Where ids are written and read: a placement, a live span, a handle. */
export interface TraceWords {
  t0: number;
  t1: number;
  t2: number;
  t3: number;
}

export interface SpanWords {
  s0: number;
  s1: number;
}

const HEX = new Uint8Array(16).map((_, i) => '0123456789abcdef'.charCodeAt(i));

/** 16 lowercase hex characters of two words, as one flat string. */
export function spanIdHex(w0: number, w1: number): string {
  const c = HEX;
  return String.fromCharCode(
    c[(w0 >>> 28) & 15]!, c[(w0 >>> 24) & 15]!, c[(w0 >>> 20) & 15]!, c[(w0 >>> 16) & 15]!,
    c[(w0 >>> 12) & 15]!, c[(w0 >>> 8) & 15]!, c[(w0 >>> 4) & 15]!, c[w0 & 15]!,
    c[(w1 >>> 28) & 15]!, c[(w1 >>> 24) & 15]!, c[(w1 >>> 20) & 15]!, c[(w1 >>> 16) & 15]!,
    c[(w1 >>> 12) & 15]!, c[(w1 >>> 8) & 15]!, c[(w1 >>> 4) & 15]!, c[w1 & 15]!,
  );
}

/** 32 lowercase hex characters of four words, as one flat string (no concatenation chain). */
export function traceIdHex(w0: number, w1: number, w2: number, w3: number): string {
  const c = HEX;
  return String.fromCharCode(
    c[(w0 >>> 28) & 15]!, c[(w0 >>> 24) & 15]!, c[(w0 >>> 20) & 15]!, c[(w0 >>> 16) & 15]!,
    c[(w0 >>> 12) & 15]!, c[(w0 >>> 8) & 15]!, c[(w0 >>> 4) & 15]!, c[w0 & 15]!,
    c[(w1 >>> 28) & 15]!, c[(w1 >>> 24) & 15]!, c[(w1 >>> 20) & 15]!, c[(w1 >>> 16) & 15]!,
    c[(w1 >>> 12) & 15]!, c[(w1 >>> 8) & 15]!, c[(w1 >>> 4) & 15]!, c[w1 & 15]!,
    c[(w2 >>> 28) & 15]!, c[(w2 >>> 24) & 15]!, c[(w2 >>> 20) & 15]!, c[(w2 >>> 16) & 15]!,
    c[(w2 >>> 12) & 15]!, c[(w2 >>> 8) & 15]!, c[(w2 >>> 4) & 15]!, c[w2 & 15]!,
    c[(w3 >>> 28) & 15]!, c[(w3 >>> 24) & 15]!, c[(w3 >>> 20) & 15]!, c[(w3 >>> 16) & 15]!,
    c[(w3 >>> 12) & 15]!, c[(w3 >>> 8) & 15]!, c[(w3 >>> 4) & 15]!, c[w3 & 15]!,
  );
}

/** The value of a lowercase hex digit, or -1. */
function digit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 102) return code - 87;
  return -1;
}

/** The word of `text[at, at + 8)`, or NaN when a character there is not lowercase hex. */
function word(text: string, at: number): number {
  let value = 0;
  for (let i = at; i < at + 8; i++) {
    const d = digit(text.charCodeAt(i));
    if (d < 0) return Number.NaN;
    value = (value << 4) | d;
  }
  return value;
}

/**
 * Reads a trace id (32 lowercase hex characters, not all zeros) into `out`; returns false, leaving
 * `out` as it was, for anything else. Never throws.
 */
export function readTraceId(text: unknown, out: TraceWords): boolean {
  if (typeof text !== 'string' || text.length !== 32) return false;
  const t0 = word(text, 0);
  const t1 = word(text, 8);
  const t2 = word(text, 16);
  const t3 = word(text, 24);
  // NaN fails every comparison, so one check covers malformed words; all zeros is INVALID.
  if (!((t0 | t1 | t2 | t3) !== 0 && t0 === t0 && t1 === t1 && t2 === t2 && t3 === t3)) return false;
  out.t0 = t0;
  out.t1 = t1;
  out.t2 = t2;
  out.t3 = t3;
  return true;
}

/** The words of a span id read by {@link readSpanId}; reused by every call. */
export const readWords = { hi: 0, lo: 0 };

/**
 * Reads a span id (16 lowercase hex characters, not all zeros) into {@link readWords}; returns
 * false for anything else. Never throws.
 */
export function readSpanId(text: unknown): boolean {
  if (typeof text !== 'string' || text.length !== 16) return false;
  const hi = word(text, 0);
  const lo = word(text, 8);
  if (!((hi | lo) !== 0 && hi === hi && lo === lo)) return false;
  readWords.hi = hi;
  readWords.lo = lo;
  return true;
}

/** A finished span that keeps its ids as words (every span a core recorder made): its parent's are `p0`, `p1`. */
export interface SpanIdWords extends Readonly<TraceWords>, Readonly<SpanWords> {
  readonly p0: number;
  readonly p1: number;
}

/**
 * The id words of `span` when it keeps them (a span recorded by the core), so that a binary encoder
 * writes the bytes without making and reparsing hex; undefined for any other span object.
 */
export function idWordsOfSpan(span: object): SpanIdWords | undefined {
  return typeof (span as Partial<SpanIdWords>).t0 === 'number' ? (span as SpanIdWords) : undefined;
}

/**
 * A span's own ids as words, copied from where they were placed, with the hex of the contract made
 * on read. Base of the live-span classes (the recorder's and the fan-out's).
 */
export class SpanIdentity implements Readonly<TraceWords>, Readonly<SpanWords> {
  readonly t0: number;
  readonly t1: number;
  readonly t2: number;
  readonly t3: number;
  readonly s0: number;
  readonly s1: number;

  constructor(ids: Readonly<TraceWords & SpanWords>) {
    this.t0 = ids.t0;
    this.t1 = ids.t1;
    this.t2 = ids.t2;
    this.t3 = ids.t3;
    this.s0 = ids.s0;
    this.s1 = ids.s1;
  }

  get traceId(): string {
    return traceIdHex(this.t0, this.t1, this.t2, this.t3);
  }

  get spanId(): string {
    return spanIdHex(this.s0, this.s1);
  }
}
