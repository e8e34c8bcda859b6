import { afterEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../../src/index.js';
import type { EngineUnderTest } from './engines.js';
import { nanosAgo, spanId, spanRow, traceId } from './span-rows.js';

const HOUR = 3_600_000;

/** The FORGE document's three queries, character for character. */
export const DOCUMENT_QUERIES = {
  traceSpans: `SELECT 
    span_id,
    parent_span_id,
    operation_name,
    start_time,
    duration_ms,
    status,
    tags
FROM forge_traces
WHERE trace_id = 'abc-123'
ORDER BY start_time;`,
  slowTraces: `SELECT 
    trace_id,
    max(duration_ms) as total_duration
FROM forge_traces
WHERE start_time > NOW() - INTERVAL '1 hour'
  AND operation_name = 'http.request'
GROUP BY trace_id
HAVING max(duration_ms) > 1000
ORDER BY total_duration DESC;`,
  errorTraces: `SELECT DISTINCT trace_id
FROM forge_traces
WHERE status = 'error'
  AND start_time > NOW() - INTERVAL '1 hour';`,
};

/** The same behaviour asked of every engine: the suite each engine's test file runs. */
export function describeTraceStore(engine: EngineUnderTest): void {
  describe(`trace store on ${engine.name}`, () => {
    const opened: TraceStore[] = [];
    const open = async (options?: Parameters<EngineUnderTest['open']>[0]) => {
      const store = await engine.open(options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it("runs the document's three queries as written and they return the right traces", async () => {
      const store = await open();
      await store.write([
        // The document's trace id, as its first query names it: three spans out of order.
        { ...spanRow({ trace: '0', span: 'c', parent: 'b', operationName: 'db.query', startUnixNanos: nanosAgo(1000) }), traceId: 'abc-123' },
        { ...spanRow({ trace: '0', span: 'a', operationName: 'http.request', startUnixNanos: nanosAgo(3000), durationMillis: 2500 }), traceId: 'abc-123' },
        { ...spanRow({ trace: '0', span: 'b', parent: 'a', operationName: 'create_order', startUnixNanos: nanosAgo(2000), tags: { 'order.id': 7 } }), traceId: 'abc-123', statusCode: 2 },
        // Slow within the hour: 1500 ms and 1200.6 ms (rounds to 1201); fast: 1000 ms exactly (not > 1000).
        spanRow({ trace: 's1', span: '1', operationName: 'http.request', durationMillis: 1500 }),
        spanRow({ trace: 's1', span: '2', parent: '1', operationName: 'http.request', durationMillis: 100 }),
        spanRow({ trace: 's2', span: '1', operationName: 'http.request', durationMillis: 1200.6 }),
        spanRow({ trace: 'f1', span: '1', operationName: 'http.request', durationMillis: 1000 }),
        // Slow but another operation, and slow but two hours ago: neither is a slow http.request of the last hour.
        spanRow({ trace: 'o1', span: '1', operationName: 'batch', durationMillis: 5000 }),
        spanRow({ trace: 'old', span: '1', operationName: 'http.request', durationMillis: 5000, startUnixNanos: nanosAgo(2 * HOUR) }),
        // Errors: one now, one two hours ago.
        spanRow({ trace: 'e1', span: '1', statusCode: 2, statusMessage: 'boom' }),
        spanRow({ trace: 'e2', span: '1', statusCode: 2, startUnixNanos: nanosAgo(2 * HOUR) }),
      ]);

      const spans = await store.query(DOCUMENT_QUERIES.traceSpans);
      expect(spans.map((row) => row.span_id)).toEqual([spanId('a'), spanId('b'), spanId('c')]);
      expect(spans[0]).toMatchObject({ parent_span_id: null, operation_name: 'http.request', duration_ms: 2500, status: 'ok', tags: {} });
      expect(spans[1]).toMatchObject({ parent_span_id: spanId('a'), status: 'error', tags: { 'order.id': 7 } });
      expect(spans[0]!.start_time).toBeInstanceOf(Date);

      expect(await store.query(DOCUMENT_QUERIES.slowTraces)).toEqual([
        { trace_id: 'abc-123', total_duration: 2500 },
        { trace_id: traceId('s1'), total_duration: 1500 },
        { trace_id: traceId('s2'), total_duration: 1201 },
      ]);
      const errors = await store.query(DOCUMENT_QUERIES.errorTraces);
      expect(errors.map((row) => row.trace_id).sort()).toEqual([traceId('e1'), 'abc-123'].sort());
    });

    it('gives rows the same value types: numbers, Dates, parsed JSON, decimal text past 2^53', async () => {
      const store = await open();
      await store.write([spanRow({ trace: 't', span: '1', tags: { big: '9007199254740993', n: 1.5 }, logs: [{ name: 'e', time_unix_nano: '1', attributes: {}, dropped_attributes_count: 0 }] })]);
      const [row] = await store.query(
        `SELECT count(*) AS n, max(start_unix_nanos) AS nanos, max(duration_ms) AS ms, min(start_time) AS at,
           sum(duration_nanos) AS total FROM forge_traces`,
      );
      expect(row).toEqual({ n: 1, nanos: expect.any(String), ms: 10, at: expect.any(Date), total: 10_000_000 });
      expect(BigInt(row!.nanos as string)).toBeGreaterThan(2n ** 53n);
      const [span] = await store.query('SELECT tags, logs, links, resource FROM forge_traces WHERE trace_id = $1', [traceId('t')]);
      expect(span).toEqual({
        tags: { big: '9007199254740993', n: 1.5 },
        logs: [{ name: 'e', time_unix_nano: '1', attributes: {}, dropped_attributes_count: 0 }],
        links: [],
        resource: { 'service.name': 'orders' },
      });
    });

    it('ignores spans stored before (idempotent per trace and span id), also within one batch', async () => {
      const store = await open();
      const batch = [spanRow({ trace: 't', span: '1' }), spanRow({ trace: 't', span: '2', parent: '1' })];
      expect(await store.write(batch)).toEqual({ inserted: 2, duplicates: 0 });
      expect(await store.write([...batch, spanRow({ trace: 't', span: '3', parent: '1' }), spanRow({ trace: 't', span: '3', parent: '1' })])).toEqual({
        inserted: 1,
        duplicates: 3,
      });
      const [summary] = await store.searchTraces();
      expect(summary).toMatchObject({ trace_id: traceId('t'), span_count: 3 });
      expect(store.stats()).toMatchObject({ writes: 2, spansInserted: 3, spansDuplicate: 3, writeFailures: 0 });
    });

    it('keeps each trace summary right whatever order its spans arrive in', async () => {
      const store = await open();
      const start = nanosAgo(10_000);
      const ms = 1_000_000n;
      // A child of another service first, the root last: the root still becomes the summary's root.
      await store.write([spanRow({ trace: 't', span: '2', parent: '1', serviceName: 'payments', operationName: 'charge', startUnixNanos: start + 5n * ms, durationMillis: 20, statusCode: 2 })]);
      let [summary] = await store.searchTraces();
      expect(summary).toMatchObject({ root_service: 'payments', root_operation: 'charge', span_count: 1, error_count: 1, duration_ms: 20 });
      await store.write([
        spanRow({ trace: 't', span: '1', serviceName: 'gateway', operationName: 'GET /orders', startUnixNanos: start, durationMillis: 50 }),
        spanRow({ trace: 't', span: '3', parent: '1', serviceName: 'payments', operationName: 'refund', startUnixNanos: start + 10n * ms, durationMillis: 45.5 }),
      ]);
      [summary] = await store.searchTraces();
      expect(summary).toMatchObject({
        trace_id: traceId('t'),
        root_service: 'gateway',
        root_operation: 'GET /orders',
        root_span_id: spanId('1'),
        span_count: 3,
        error_count: 1,
        duration_ms: 55.5,
        services: [
          { name: 'payments', span_count: 2, error_count: 1 },
          { name: 'gateway', span_count: 1, error_count: 0 },
        ],
      });
      expect(BigInt(summary!.start_unix_nanos)).toBe(start);
      expect(summary!.start_time.getTime()).toBe(Number(start / ms));
      // A later span with no parent but a later start does not take the root from the first.
      await store.write([spanRow({ trace: 't', span: '9', serviceName: 'late', startUnixNanos: start + 1000n * ms })]);
      [summary] = await store.searchTraces();
      expect(summary).toMatchObject({ root_service: 'gateway', span_count: 4 });
    });

    it('returns a whole trace in start order with every field, and nothing for an unknown id', async () => {
      const store = await open();
      const start = nanosAgo(5000) + 123n; // nanoseconds survive exactly
      await store.write([
        spanRow({ trace: 't', span: '2', parent: '1', startUnixNanos: start + 1000n, kind: 'client', links: [{ trace_id: traceId('x'), span_id: spanId('y'), trace_state: 'k=v', attributes: { a: 1 }, dropped_attributes_count: 0 }] }),
        spanRow({
          trace: 't',
          span: '1',
          startUnixNanos: start,
          kind: 'server',
          nodeId: '8d3c0a1e-3b1e-4a5e-9e2c-1a2b3c4d5e6f',
          scopeName: '@x/trace',
          scopeVersion: '1.0.0',
          traceState: 'ot=th:8',
          statusCode: 1,
          droppedAttributesCount: 2,
          droppedEventsCount: 3,
          droppedLinksCount: 4,
        }),
      ]);
      const trace = await store.getTrace(traceId('t').toUpperCase());
      expect(trace?.spans.map((span) => span.span_id)).toEqual([spanId('1'), spanId('2')]);
      expect(trace?.spans[0]).toMatchObject({
        trace_id: traceId('t'),
        kind: 'server',
        node_id: '8d3c0a1e-3b1e-4a5e-9e2c-1a2b3c4d5e6f',
        scope_name: '@x/trace',
        scope_version: '1.0.0',
        trace_state: 'ot=th:8',
        status: 'ok',
        status_code: 1,
        start_unix_nanos: start.toString(),
        duration_nanos: 10_000_000,
        dropped_attributes_count: 2,
        dropped_events_count: 3,
        dropped_links_count: 4,
      });
      expect(trace?.spans[1]).toMatchObject({ kind: 'client', links: [{ trace_id: traceId('x'), span_id: spanId('y'), trace_state: 'k=v', attributes: { a: 1 } }] });
      expect(trace?.summary).toMatchObject({ span_count: 2, root_span_id: spanId('1') });
      expect(await store.getTrace(traceId('ffff'))).toBeUndefined();
      expect(await store.getTrace('not-a-trace-id')).toBeUndefined();
    });

    it('searches by service, operation, tag, duration, errors and time, newest first, limited', async () => {
      const store = await open();
      const at = (minutesAgo: number) => nanosAgo(minutesAgo * 60_000);
      await store.write([
        spanRow({ trace: 'a', span: '1', serviceName: 'gateway', operationName: 'GET /orders', startUnixNanos: at(50), durationMillis: 1500 }),
        spanRow({ trace: 'a', span: '2', parent: '1', serviceName: 'orders', operationName: 'create_order', startUnixNanos: at(50), durationMillis: 1200, tags: { 'order.kind': 'gift', 'http.status_code': 201 } }),
        spanRow({ trace: 'b', span: '1', serviceName: 'gateway', operationName: 'GET /orders', startUnixNanos: at(40), durationMillis: 300, statusCode: 2 }),
        spanRow({ trace: 'b', span: '2', parent: '1', serviceName: 'orders', operationName: 'create_order', startUnixNanos: at(40), durationMillis: 200, tags: { 'order.kind': 'plain' } }),
        spanRow({ trace: 'c', span: '1', serviceName: 'billing', operationName: 'invoice', startUnixNanos: at(30), durationMillis: 5 }),
        spanRow({ trace: 'd', span: '1', serviceName: 'gateway', operationName: 'GET /health', startUnixNanos: at(90 * 60), durationMillis: 2000 }),
      ]);
      const ids = async (query: Parameters<TraceStore['searchTraces']>[0]) => (await store.searchTraces(query)).map((trace) => trace.trace_id);
      expect(await ids({})).toEqual([traceId('c'), traceId('b'), traceId('a'), traceId('d')]);
      expect(await ids({ service: 'orders' })).toEqual([traceId('b'), traceId('a')]);
      expect(await ids({ operation: 'create_order', minDurationMillis: 1000 })).toEqual([traceId('a')]);
      expect(await ids({ operation: 'create_order', maxDurationMillis: 1000 })).toEqual([traceId('b')]);
      expect(await ids({ service: 'gateway', operation: 'create_order' })).toEqual([]);
      expect(await ids({ tags: [['order.kind', 'gift']] })).toEqual([traceId('a')]);
      expect(await ids({ tags: [['http.status_code', '201'], ['order.kind', 'gift']] })).toEqual([traceId('a')]);
      expect(await ids({ tags: [['order.kind', 'none']] })).toEqual([]);
      expect(await ids({ minDurationMillis: 1000 })).toEqual([traceId('a'), traceId('d')]);
      expect(await ids({ maxDurationMillis: 300 })).toEqual([traceId('c'), traceId('b')]);
      expect(await ids({ errorsOnly: true })).toEqual([traceId('b')]);
      expect(await ids({ since: new Date(Date.now() - 45 * 60_000) })).toEqual([traceId('c'), traceId('b')]);
      expect(await ids({ until: new Date(Date.now() - 45 * 60_000) })).toEqual([traceId('a'), traceId('d')]);
      expect(await ids({ since: new Date(Date.now() - HOUR), operation: 'GET /orders' })).toEqual([traceId('b'), traceId('a')]);
      expect(await ids({ limit: 2 })).toEqual([traceId('c'), traceId('b')]);
      const [first] = await store.searchTraces({ service: 'orders', limit: 1 });
      expect(first).toMatchObject({ root_service: 'gateway', root_operation: 'GET /orders', span_count: 2, error_count: 1, duration_ms: 300 });
    });

    it('lists services and operations', async () => {
      const store = await open();
      await store.write([
        spanRow({ trace: 'a', span: '1', serviceName: 'gateway', operationName: 'GET /orders', kind: 'server' }),
        spanRow({ trace: 'a', span: '2', serviceName: 'gateway', operationName: 'GET', kind: 'client' }),
        spanRow({ trace: 'a', span: '3', serviceName: 'orders', operationName: 'GET /orders', kind: 'server' }),
      ]);
      await store.write([spanRow({ trace: 'b', span: '3', serviceName: 'orders', operationName: 'GET /orders', kind: 'server' })]);
      expect(await store.services()).toEqual(['gateway', 'orders']);
      expect(await store.operations('gateway')).toEqual([
        { service: 'gateway', name: 'GET', kind: 'client' },
        { service: 'gateway', name: 'GET /orders', kind: 'server' },
      ]);
      expect(await store.operations()).toHaveLength(3);
    });

    it('refuses calls once closed', async () => {
      const store = await engine.open();
      await store.close();
      await expect(store.query('SELECT 1')).rejects.toThrow('closed');
      await expect(store.write([spanRow({ trace: 'a', span: '1' })])).rejects.toThrow('closed');
    });
  });
}
