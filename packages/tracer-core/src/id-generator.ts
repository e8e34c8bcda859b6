import { bytesToHex } from './span-handle.js';

/** Makes fresh ids. Both methods return lowercase hex that is never all zeros. */
export interface IdGenerator {
  /** 32 hex characters (16 random bytes). */
  traceId(): string;
  /** 16 hex characters (8 random bytes). */
  spanId(): string;
}

const POOL_BYTES = 4096;

/**
 * Ids from the Web Crypto random source, read in 4 KiB slices so that one id costs a
 * table-driven hex conversion and no system call. Allocation: the id strings only.
 */
export function createIdGenerator(): IdGenerator {
  const pool = new Uint8Array(POOL_BYTES);
  let position = POOL_BYTES;

  function randomHex(bytes: number): string {
    for (;;) {
      if (position + bytes > POOL_BYTES) {
        globalThis.crypto.getRandomValues(pool);
        position = 0;
      }
      const start = position;
      position += bytes;
      for (let i = start; i < position; i++) {
        if (pool[i] !== 0) return bytesToHex(pool, start, position);
      }
      // All zeros is the INVALID id: draw again (odds 2^-64 for a span id).
    }
  }

  return {
    traceId: () => randomHex(16),
    spanId: () => randomHex(8),
  };
}
