import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startTraceServer, type TraceServer, type TraceStore } from '../src/index.js';
import { duckdb, postgres } from './support/engines.js';
import { nanosAgo, spanId, spanRow, traceId } from './support/span-rows.js';

const opened: { store: TraceStore; server?: TraceServer }[] = [];
afterEach(async () => {
  for (const { store, server } of opened.splice(0)) {
    await server?.close().catch(() => undefined);
    await store.close().catch(() => undefined);
  }
});

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    socket.on('data', (d) => (out += d.toString()));
    socket.on('end', () => resolve(out));
    socket.on('close', () => resolve(out));
    socket.on('error', reject);
  });
}

function otlpJson(spans: object[]): string {
  return JSON.stringify({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ spans }] }],
  });
}

describe.each([duckdb, postgres])('found in review, on $name', (engine) => {
  const open = async (options?: Parameters<typeof engine.open>[0]) => {
    const store = await engine.open(options);
    opened.push({ store });
    return store;
  };

  it('R1 idempotency: the same span again with another start time is a duplicate, not a second span', async () => {
    const store = await open();
    await store.write([spanRow({ trace: 't', span: '1', startUnixNanos: nanosAgo(60_000) })]);
    // A retried export whose clock/conversion differs, or a sender resending a span it re-timed: a different day.
    const again = await store.write([spanRow({ trace: 't', span: '1', startUnixNanos: nanosAgo(60_000 + 86_400_000 * 3) })]);
    expect(again).toEqual({ inserted: 0, duplicates: 1 });
    const rows = await store.query('SELECT count(*) AS n FROM forge_traces WHERE trace_id = $1', [traceId('t')]);
    expect(rows[0]!.n).toBe(1);
    const [summary] = await store.searchTraces();
    expect(summary!.span_count).toBe(1);
  });

  it('R2 poison span: a NUL character in an attribute does not fail the whole batch', async () => {
    const store = await open();
    const result = await store
      .write([
        spanRow({ trace: 'good', span: '1' }),
        spanRow({ trace: 'bad', span: '1', operationName: 'op\u0000name', tags: { 'user.input': 'a\u0000b' } }),
      ])
      .catch((error: unknown) => String(error));
    expect(result).toEqual({ inserted: 2, duplicates: 0 });
  });

  it('R2b poison span: a lone surrogate in an attribute does not fail the whole batch', async () => {
    const store = await open();
    const result = await store
      .write([spanRow({ trace: 'good', span: '1' }), spanRow({ trace: 'bad', span: '1', tags: { emoji: 'cut \uD83D' } })])
      .catch((error: unknown) => String(error));
    expect(result).toEqual({ inserted: 2, duplicates: 0 });
  });

  it('R3 poison span: a span longer than 2^31 ms (start time 0 from a buggy SDK) does not fail the whole batch', async () => {
    const store = await open();
    const result = await store
      .write([
        spanRow({ trace: 'good', span: '1' }),
        { ...spanRow({ trace: 'bad', span: '1', startUnixNanos: 0n }), durationNanos: nanosAgo(0) },
      ])
      .catch((error: unknown) => String(error));
    expect(result).toEqual({ inserted: 2, duplicates: 0 });
  });

  it('R4 OTLP: one request with a bad span makes every co-batched request 503 (poison batch), and its own retries never succeed', async () => {
    const store = await open();
    const server = await startTraceServer({ store });
    opened[opened.length - 1]!.server = server;
    const now = nanosAgo(0);
    const good = otlpJson([{ traceId: 'a'.repeat(32), spanId: '1'.repeat(16), name: 'ok', startTimeUnixNano: `${now}`, endTimeUnixNano: `${now + 1000n}` }]);
    // endTimeUnixNano past int64 max (fixed64 allows it): decodes fine, the insert then overflows BIGINT.
    const bad = otlpJson([{ traceId: 'b'.repeat(32), spanId: '2'.repeat(16), name: 'bad', startTimeUnixNano: `${now}`, endTimeUnixNano: '18446744073709551615' }]);
    const post = (body: string) => fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const first = await post(bad);
    // The bad request: should be a 400 / partial_success (non-retryable), not 503 forever.
    expect(first.status).not.toBe(503);
    const [a, b] = await Promise.all([post(bad), post(good)]);
    expect(b.status).toBe(200);
    void a;
  });

  it('R4b OTLP: a good request queued together with a bad one is refused with it', async () => {
    const store = await open();
    const server = await startTraceServer({ store });
    opened[opened.length - 1]!.server = server;
    const now = nanosAgo(0);
    const span = (t: string, s: string, end: string) => ({ traceId: t.repeat(32), spanId: s.repeat(16), name: 'x', startTimeUnixNano: `${now}`, endTimeUnixNano: end });
    const post = (body: string) => fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const filler = otlpJson(Array.from({ length: 3000 }, (_, i) => ({ ...span('c', '1', `${now + 1000n}`), spanId: (i + 1).toString(16).padStart(16, '0') })));
    const bad = otlpJson([span('b', '2', '18446744073709551615')]);
    const good = otlpJson([span('a', '3', `${now + 1000n}`)]);
    const [, , goodAnswer] = await Promise.all([post(filler), post(bad), post(good)]);
    expect(goodAnswer.status).toBe(200);
  });

  it('R5 HTTP: a malformed request target does not crash the process', async () => {
    const store = await open();
    const server = await startTraceServer({ store });
    opened[opened.length - 1]!.server = server;
    const port = Number(new URL(server.url).port);
    const crashes: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    const catcher = (error: unknown) => crashes.push(error);
    process.on('uncaughtException', catcher);
    try {
      const answer = await Promise.race([rawRequest(port, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'), new Promise<string>((r) => setTimeout(() => r('(no answer)'), 1500))]);
      expect(crashes.map(String)).toEqual([]);
      expect(answer).toMatch(/^HTTP\/1.1 400/);
    } finally {
      process.off('uncaughtException', catcher);
      for (const l of listeners) process.on('uncaughtException', l);
    }
  });

  it('R6 HTTP: a bad percent-escape in a trace id is a 400, not a 500', async () => {
    const store = await open();
    const server = await startTraceServer({ store });
    opened[opened.length - 1]!.server = server;
    const response = await fetch(`${server.url}/_api/traces/%E0`);
    expect(response.status).toBe(400);
  });

  it('R7 search: until + operation keeps a trace that started before until when the matching span started after it', async () => {
    const store = await open();
    const start = nanosAgo(60_000);
    await store.write([
      spanRow({ trace: 't', span: '1', operationName: 'root', startUnixNanos: start, durationMillis: 5000 }),
      spanRow({ trace: 't', span: '2', parent: '1', operationName: 'child', startUnixNanos: start + 2_000_000_000n }),
    ]);
    const until = new Date(Number(start / 1_000_000n) + 1000);
    expect((await store.searchTraces({ until })).map((s) => s.trace_id)).toEqual([traceId('t')]);
    expect((await store.searchTraces({ until, operation: 'child' })).map((s) => s.trace_id)).toEqual([traceId('t')]);
  });

  it('R8 search: a tag key with a double quote or backslash matches', async () => {
    const store = await open();
    await store.write([spanRow({ trace: 't', span: '1', tags: { 'a"b': 'x', 'c\\d': 'y' } })]);
    const byQuote = await store.searchTraces({ tags: [['a"b', 'x']] }).catch((e: unknown) => String(e));
    const byBackslash = await store.searchTraces({ tags: [['c\\d', 'y']] }).catch((e: unknown) => String(e));
    expect([byQuote, byBackslash].map((r) => (Array.isArray(r) ? r.length : r))).toEqual([1, 1]);
  });

  it('R9 query(): the same value types on both engines', async () => {
    const store = await open();
    await store.write([spanRow({ trace: 't', span: '1', durationMillis: 1500 })]);
    const [row] = await store.query(
      `SELECT avg(duration_ms) AS avg_ms, sum(duration_ms) AS sum_ms, duration_ms / 1000.0 AS secs, CAST(start_time AS DATE) AS day,
        node_id, 1.5 AS lit FROM forge_traces GROUP BY duration_ms, start_time, node_id`,
    );
    expect({ ...row, day: typeof row!.day + ':' + (row!.day instanceof Date ? 'Date' : '') }).toEqual({ avg_ms: 1500, sum_ms: 1500, secs: 1.5, day: 'object:Date', node_id: null, lit: 1.5 });
    if (row!.day instanceof Date) expect(row!.day.toISOString().slice(11)).toBe('00:00:00.000Z');
  });

  it('R10 concurrent maintain() calls do not break', async () => {
    const store = await open();
    await expect(Promise.all(Array.from({ length: 8 }, () => store.maintain()))).resolves.toBeDefined();
    await store.write([spanRow({ trace: 't', span: '1' })]);
  });
});
