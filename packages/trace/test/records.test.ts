// Records kept for flush()/exportRecords(): bounded, counted, switchable; the local id counter.
import { beforeEach, describe, expect, it } from 'vitest';
import { configure, end, exportRecords, clear, flush, instant, setEnabled, start, startSpan, finishSpan, stats, withSpan } from '@x/trace';
import { SpanHandle, type TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { LocalIds, MAX_LOCAL_ID, toBigInt } from '../src/local-id.js';
import { createRecord } from '../src/span-record.js';

beforeEach(() => {
  configure();
  setEnabled(true);
  flush();
});

describe('the record store', () => {
  it('flush drains, exportRecords does not, clear forgets', () => {
    end(start('a'));
    end(start('b'));
    expect(exportRecords().map((r) => r.name)).toEqual(['a', 'b']);
    expect(exportRecords().map((r) => r.name)).toEqual(['a', 'b']);
    expect(flush().map((r) => r.name)).toEqual(['a', 'b']);
    expect(flush()).toEqual([]);
    end(start('c'));
    clear();
    expect(exportRecords()).toEqual([]);
  });

  it('is bounded by count: the oldest go first and are counted', () => {
    configure({ records: { maxRecords: 3 } });
    const before = stats().recordsDropped;
    for (let i = 0; i < 5; i++) end(start(`s${i}`));
    expect(flush().map((r) => r.name)).toEqual(['s2', 's3', 's4']);
    expect(stats().recordsDropped - before).toBe(2);
    expect(stats().recordsKept).toBe(0);
  });

  it('is bounded by bytes', () => {
    configure({ records: { maxBytes: 20_000 } });
    const before = stats().recordsDropped;
    const big = 'x'.repeat(4000); // ~8 KB a record
    for (let i = 0; i < 5; i++) end(start(`s${i}`, { big }));
    const kept = flush();
    expect(kept.length).toBe(2);
    expect(kept.map((r) => r.name)).toEqual(['s3', 's4']);
    expect(stats().recordsDropped - before).toBe(3);
    // A single record larger than the whole store is dropped and counted, never kept.
    end(start('huge', { big: 'y'.repeat(20_000) }));
    expect(flush()).toEqual([]);
    expect(stats().recordsDropped - before).toBe(4);
  });

  it('records: false keeps nothing but end() still returns the record; the tracer still gets the span', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory, records: false });
    const record = end(start('only to the tracer', { a: 1 }), { ok: true });
    expect(record).toMatchObject({ name: 'only to the tracer', attributes: { a: 1 }, result: { ok: true } });
    expect(flush()).toEqual([]);
    expect(memory.drain().map((s) => [s.name, s.attributes])).toEqual([['only to the tracer', { a: 1, 'result.ok': true }]]);
  });

  it('switching records off drops what was kept and counts it; changing bounds keeps it', () => {
    end(start('a'));
    end(start('b'));
    configure({ records: { maxRecords: 10 } });
    expect(exportRecords().map((r) => r.name)).toEqual(['a', 'b']);
    const before = stats().recordsDropped;
    configure({ tracer: createMemoryTracer(), records: false });
    expect(stats().recordsDropped).toBe(before + 2);
  });

  it('spans the tracer does not sample are not kept', () => {
    const sampleNothing: TracerPlugin = {
      name: 'never',
      startSpan: () => SpanHandle.INVALID,
      setAttribute() {},
      setStatus() {},
      addEvent() {},
      endSpan() {},
      flush: async () => {},
    };
    configure({ tracer: sampleNothing });
    const record = end(start('unsampled'));
    expect(record.trace_id).toBeNull();
    withSpan('also unsampled', () => withSpan('child', () => undefined));
    expect(flush()).toEqual([]);
  });
});

describe('records', () => {
  it('carry the seed fields, the wire ids, and merge attributes set later over the given ones', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const record = withSpan('outer', (outer) => {
      outer.record('order_total', 42).setAttribute('user', { id: 7, tier: 'gold' });
      const child = startSpan('inner', { attributes: { step: 1 } });
      child.setStatus('ok');
      return finishSpan(child);
    }, { attributes: { route: '/checkout' } });
    const [inner, outer] = flush();
    expect(record).toEqual(inner);
    expect(outer).toMatchObject({ attributes: { route: '/checkout', order_total: 42, user: { id: 7, tier: 'gold' } }, status: 'unset' });
    expect(inner).toMatchObject({ parent_id: outer!.id, status: 'ok', attributes: { step: 1 } });
    const spans = memory.drain();
    const wireOuter = spans.find((s) => s.name === 'outer')!;
    expect(wireOuter.attributes).toEqual({ route: '/checkout', order_total: 42, 'user.id': 7, 'user.tier': 'gold' });
    expect(outer!.trace_id).toBe(wireOuter.traceId);
    expect(outer!.wire_span_id).toBe(wireOuter.spanId);
    expect(inner!.wire_parent_span_id).toBe(wireOuter.spanId);
  });

  it('instant() is zero duration in the record and on the wire', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const record = instant('cache_miss', { key: 'user:1' });
    expect(record.duration_ms).toBe(0);
    const [span] = memory.drain();
    expect(span!.durationNanos).toBe(0n);
    expect(span!.startTimeUnixNanos / 1_000_000n).toBe(record.started_at);
  });

  it('serialize ids past 2^53 as text', () => {
    const record = createRecord({
      id: MAX_LOCAL_ID,
      name: 'far',
      started_at: 1n,
      duration_ms: 0,
      parent_id: 2n ** 60n,
      events: [],
      trace_id: null,
      wire_span_id: null,
      wire_parent_span_id: null,
      scope: { name: 'x' },
      status: 'unset',
      dropped_events: 0,
    });
    expect(JSON.parse(JSON.stringify(record))).toMatchObject({ id: '18446744073709551615', span_id: '18446744073709551615', parent_id: '1152921504606846976', started_at: 1 });
  });
});

describe('local ids', () => {
  it('start at 1, increase by one, never yield 0, and wrap to 1 after 2^64-1', () => {
    const draw = (ids: LocalIds, count: number) => Array.from({ length: count }, () => toBigInt(ids.next()));
    expect(draw(new LocalIds(), 3)).toEqual([1n, 2n, 3n]);
    expect(draw(new LocalIds(MAX_LOCAL_ID - 1n), 3)).toEqual([MAX_LOCAL_ID - 1n, MAX_LOCAL_ID, 1n]);
    expect(draw(new LocalIds(0n), 1)).toEqual([1n]);
    // Past 2^53 the counter goes on exactly (kept as a bigint there).
    const safe = BigInt(Number.MAX_SAFE_INTEGER);
    expect(draw(new LocalIds(safe - 1n), 4)).toEqual([safe - 1n, safe, safe + 1n, safe + 2n]);
  });

  it('are issued by every kind of span from one counter', () => {
    const a = start('a');
    const b = startSpan('b').id;
    const c = instant('c').id;
    expect([b - a, c - b]).toEqual([1n, 1n]);
  });
});
