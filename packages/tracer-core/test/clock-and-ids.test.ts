import { describe, expect, it } from 'vitest';
import { toUnixNanos } from '@x/tracer-core';
import { createIdGenerator, fromUnixNanos, now, ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';

describe('clock', () => {
  it('gives unix nanoseconds close to the wall clock', () => {
    const unix = toUnixNanos(now());
    const wall = BigInt(Date.now()) * 1_000_000n;
    const diff = unix > wall ? unix - wall : wall - unix;
    expect(diff < 50_000_000n).toBe(true);
  });

  it('is monotonic', () => {
    let previous = now();
    for (let i = 0; i < 10_000; i++) {
      const reading = now();
      expect(reading >= previous).toBe(true);
      previous = reading;
    }
  });

  it('round-trips caller-supplied unix nanoseconds exactly near the origin', () => {
    const t = ORIGIN_UNIX_NANOS + 123_456_789_012n;
    expect(toUnixNanos(fromUnixNanos(t)!)).toBe(t);
  });

  it.each([[0n], [-5n], [NaN], ['123'], [null], [{}]])('refuses %s as a time', (value) => {
    expect(fromUnixNanos(value)).toBeUndefined();
  });
});

describe('createIdGenerator', () => {
  it('makes ids of the right width, lowercase hex, never zero, without repeats', () => {
    const ids = createIdGenerator();
    const seen = new Set<string>();
    const malformed: string[] = [];
    for (let i = 0; i < 50_000; i++) {
      const traceId = ids.traceId();
      const spanId = ids.spanId();
      if (!/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId)) malformed.push(traceId);
      if (!/^[0-9a-f]{16}$/.test(spanId) || /^0+$/.test(spanId)) malformed.push(spanId);
      seen.add(spanId);
    }
    expect(malformed).toEqual([]);
    expect(seen.size).toBe(50_000);
  });

  it('draws again instead of returning an all-zero id', () => {
    const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    let calls = 0;
    // The first pool is all zeros, the next one random: the generator must skip the zeros.
    globalThis.crypto.getRandomValues = ((array: Uint8Array) => {
      calls++;
      return calls === 1 ? array.fill(0) : original(array);
    }) as typeof globalThis.crypto.getRandomValues;
    try {
      const ids = createIdGenerator();
      for (let i = 0; i < 600; i++) expect(ids.spanId()).not.toBe('0'.repeat(16));
      expect(calls).toBeGreaterThan(1);
    } finally {
      globalThis.crypto.getRandomValues = original;
    }
  });
});
