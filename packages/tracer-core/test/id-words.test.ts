import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SpanHandle, createBufferedTracer, type IdGenerator } from '@x/tracer-core';
import { SpanRecorder, TracerCounters, createIdGenerator, idWordsOf, readSpanId, readTraceId, readWords, spanIdHex, traceIdHex } from '@x/tracer-core/internal';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

describe('ids as words', () => {
  it('hex and words round-trip, high-order word first, including the sign bit', () => {
    const out = { t0: 0, t1: 0, t2: 0, t3: 0 };
    expect(readTraceId(TRACE, out)).toBe(true);
    expect(out.t0).toBe(0x4bf92f35);
    expect(out.t2).toBe(0xa3ce929d | 0); // a signed 32-bit word: negative
    expect(traceIdHex(out.t0, out.t1, out.t2, out.t3)).toBe(TRACE);
    expect(readSpanId(SPAN)).toBe(true);
    expect(spanIdHex(readWords.hi, readWords.lo)).toBe(SPAN);
    expect(spanIdHex(-1, 1)).toBe('ffffffff00000001');
  });

  it.each([
    ['upper case', TRACE.toUpperCase()],
    ['all zeros', '0'.repeat(32)],
    ['too short', TRACE.slice(1)],
    ['not hex', `${TRACE.slice(0, 31)}g`],
    ['not a string', 42],
  ])('a trace id that is %s is refused and leaves the words alone', (_name, text) => {
    const out = { t0: 7, t1: 7, t2: 7, t3: 7 };
    expect(readTraceId(text, out)).toBe(false);
    expect(out).toEqual({ t0: 7, t1: 7, t2: 7, t3: 7 });
  });

  it.each([['0000000000000000'], ['00F067AA0BA902B7'], ['00f067aa0ba902b'], ['00f067aa0ba902bz'], [undefined]])('span id %s is refused', (text) => {
    expect(readSpanId(text)).toBe(false);
  });

  it('the built-in generator gives valid, distinct ids as strings and as words', () => {
    const ids = createIdGenerator();
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const traceId = ids.traceId();
      const spanId = ids.spanId();
      expect(SpanHandle.isValidTraceId(traceId) && SpanHandle.isValidSpanId(spanId)).toBe(true);
      seen.add(spanId);
    }
    expect(seen.size).toBe(10_000);
  });

  it("a user's generator that returns garbage cannot make a span INVALID: a random id stands in", () => {
    const broken: IdGenerator = {
      traceId: () => 'nope',
      spanId: () => {
        throw new Error('boom');
      },
    };
    const words = idWordsOf(broken);
    const out = { t0: 0, t1: 0, t2: 0, t3: 0, s0: 0, s1: 0 };
    words.traceWords(out);
    words.spanWords(out);
    expect(SpanHandle.isValidTraceId(traceIdHex(out.t0, out.t1, out.t2, out.t3))).toBe(true);
    expect(SpanHandle.isValidSpanId(spanIdHex(out.s0, out.s1))).toBe(true);
    const recorder = new SpanRecorder({ idGenerator: broken }, new TracerCounters(), () => undefined);
    expect(SpanHandle.isValid(recorder.startSpan({ name: 'x' }))).toBe(true);
  });

  it("a user's generator is used when its ids are good", () => {
    const fixed: IdGenerator = { traceId: () => TRACE, spanId: () => SPAN };
    const recorder = new SpanRecorder({ idGenerator: fixed }, new TracerCounters(), () => undefined);
    const handle = recorder.startSpan({ name: 'x' });
    expect([handle.traceId, handle.spanId]).toEqual([TRACE, SPAN]);
  });
});

describe('the handles a tracer returns', () => {
  it('print and serialize with their ids, which are made on first read', () => {
    const tracer = createBufferedTracer('t', { export: async () => ({ status: 'success' }) }, { hookProcessShutdown: false });
    const handle = tracer.startSpan({ name: 'x', traceId: TRACE });
    expect(JSON.parse(JSON.stringify(handle))).toEqual({ traceId: TRACE, spanId: handle.spanId });
    expect(inspect(handle)).toContain(TRACE);
    expect(handle.traceId).toBe(handle.traceId); // the same string each read
    expect(SpanHandle.equals(handle, SpanHandle.of(TRACE, handle.spanId)!)).toBe(true);
    void tracer.shutdown();
  });
});
