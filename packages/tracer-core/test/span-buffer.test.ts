import { describe, expect, it } from 'vitest';
import { type FinishedSpan } from '@x/tracer-core';
import { SpanBuffer, TracerCounters } from '@x/tracer-core/internal';

const span = (name: string, byteSize = 100) => ({ name, byteSize }) as unknown as FinishedSpan;

describe('SpanBuffer', () => {
  it('refuses spans over the count cap and counts them as queue-full', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(2, 1_000_000, counters);
    expect([buffer.push(span('a')), buffer.push(span('b')), buffer.push(span('c'))]).toEqual([true, true, false]);
    expect(buffer.size).toBe(2);
    expect(counters.dropped('queue-full')).toBe(1);
  });

  it('refuses spans over the byte cap and counts them as queue-bytes', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(100, 250, counters);
    buffer.push(span('a'));
    buffer.push(span('b'));
    expect(buffer.push(span('c'))).toBe(false);
    expect(buffer.bytes).toBe(200);
    expect(counters.dropped('queue-bytes')).toBe(1);
  });

  it('counts spans taken for export as held until released, so caps bound what is in flight', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(2, 1_000_000, counters);
    buffer.push(span('a'));
    buffer.push(span('b'));
    const batch = buffer.take(10);
    expect(batch.map((s) => s.name)).toEqual(['a', 'b']);
    expect(buffer.waiting).toBe(0);
    expect(buffer.size).toBe(2);
    expect(buffer.push(span('c'))).toBe(false);
    buffer.release(batch);
    expect(buffer.size).toBe(0);
    expect(buffer.bytes).toBe(0);
  });

  it('requeues a failed batch at the front, oldest first; in-flight spans keep their room', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(3, 1_000_000, counters);
    buffer.push(span('a'));
    buffer.push(span('b'));
    const batch = buffer.take(2);
    buffer.push(span('c'));
    // a and b are in flight and still count: d does not fit, so the retry below always does.
    expect(buffer.push(span('d'))).toBe(false);
    buffer.requeue(batch, 'queue-full');
    expect(buffer.take(10).map((s) => s.name)).toEqual(['a', 'b', 'c']);
    expect(counters.dropped('queue-full')).toBe(1);
  });

  it('requeues in order after a compaction moved the head back to the start', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(10_000, 1e12, counters);
    for (let i = 0; i < 3000; i++) buffer.push(span(String(i)));
    const batch = buffer.take(2048); // past half of the array: the buffer compacts, no free slots before the head
    buffer.requeue(batch, 'queue-full');
    const all = buffer.take(10_000).map((s) => s.name);
    expect(all).toEqual(Array.from({ length: 3000 }, (_, i) => String(i)));
    expect(counters.dropped('queue-full')).toBe(0);
  });

  it('stays first-in first-out across many takes and compactions', () => {
    const counters = new TracerCounters();
    const buffer = new SpanBuffer(100_000, 1e12, counters);
    const out: string[] = [];
    for (let i = 0; i < 5000; i++) {
      buffer.push(span(String(i)));
      if (i % 7 === 0) {
        const batch = buffer.take(3);
        buffer.release(batch);
        out.push(...batch.map((s) => s.name));
      }
    }
    const rest = buffer.take(100_000);
    out.push(...rest.map((s) => s.name));
    expect(out).toEqual(Array.from({ length: 5000 }, (_, i) => String(i)));
  });
});
