import { readSpanId, readTraceId, readWords, spanIdHex, traceIdHex, type SpanWords, type TraceWords } from './id-words.js';

/** Makes fresh ids. Both methods return lowercase hex that is never all zeros. */
export interface IdGenerator {
  /** 32 hex characters (16 random bytes). */
  traceId(): string;
  /** 16 hex characters (8 random bytes). */
  spanId(): string;
}

/**
 * Where the recorder draws ids: as words (see `id-words.ts`), so no string is made unless one is
 * read. The built-in generator draws words directly; a user's {@link IdGenerator} is read through
 * {@link idWordsOf}.
 */
export interface IdWordSource {
  /** Writes a fresh trace id (not all zeros) into `out`. */
  traceWords(out: TraceWords): void;
  /** Writes a fresh span id (not all zeros) into `out`. */
  spanWords(out: SpanWords): void;
}

// 64 KiB, the most one getRandomValues call may fill: a refill (and its argument checks) every ~2700 spans.
const POOL_WORDS = 16384;

/**
 * Ids from the Web Crypto random source, read in 64 KiB slices so one id costs no system call and
 * no allocation: a span id is two 32-bit words from the pool, a trace id four. `traceId()` and
 * `spanId()` give the same ids as hex, for callers that want strings.
 */
class RandomIds implements IdGenerator, IdWordSource {
  readonly #pool = new Int32Array(POOL_WORDS);
  #position = POOL_WORDS;

  /** Index of `count` fresh words in the pool. */
  #draw(count: number): number {
    if (this.#position + count > POOL_WORDS) {
      globalThis.crypto.getRandomValues(this.#pool);
      this.#position = 0;
    }
    const at = this.#position;
    this.#position = at + count;
    return at;
  }

  traceWords(out: TraceWords): void {
    const pool = this.#pool;
    for (;;) {
      const at = this.#draw(4);
      out.t0 = pool[at]!;
      out.t1 = pool[at + 1]!;
      out.t2 = pool[at + 2]!;
      out.t3 = pool[at + 3]!;
      // All zeros is the INVALID id: draw again (odds 2^-128).
      if ((out.t0 | out.t1 | out.t2 | out.t3) !== 0) return;
    }
  }

  spanWords(out: SpanWords): void {
    const pool = this.#pool;
    for (;;) {
      const at = this.#draw(2);
      out.s0 = pool[at]!;
      out.s1 = pool[at + 1]!;
      if ((out.s0 | out.s1) !== 0) return; // odds 2^-64
    }
  }

  traceId(): string {
    const words = { t0: 0, t1: 0, t2: 0, t3: 0 };
    this.traceWords(words);
    return traceIdHex(words.t0, words.t1, words.t2, words.t3);
  }

  spanId(): string {
    const words = { s0: 0, s1: 0 };
    this.spanWords(words);
    return spanIdHex(words.s0, words.s1);
  }
}

/** The built-in generator: Web Crypto randomness, pooled. */
export function createIdGenerator(): IdGenerator {
  return new RandomIds();
}

/**
 * `ids` as a word source: the built-in generator as it is; a user's generator through its strings,
 * with a fresh random id in place of any malformed one it returns (a generator must not be able to
 * make a span INVALID or break recording).
 */
export function idWordsOf(ids: IdGenerator): IdWordSource {
  if (ids instanceof RandomIds) return ids;
  const fallback = new RandomIds();
  return {
    traceWords(out) {
      if (!readTraceId(safely(() => ids.traceId()), out)) fallback.traceWords(out);
    },
    spanWords(out) {
      if (readSpanId(safely(() => ids.spanId()))) {
        out.s0 = readWords.hi;
        out.s1 = readWords.lo;
      } else fallback.spanWords(out);
    },
  };
}

function safely(read: () => unknown): unknown {
  try {
    return read();
  } catch {
    return undefined;
  }
}
