// The caps: the embedded store evicts whole traces past its size or age, oldest first, counted;
// PostgreSQL keeps daily partitions ahead, a default partition for the rest, and drops days past
// retention.
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@x/tracer-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTraceStore } from '../src/index.js';
import { SCHEMA_VERSION } from '../src/schema.js';
import { freshDatabase } from './support/engines.js';
import { nanosAgo, spanRow } from './support/span-rows.js';

const DAY = 86_400_000;

describe('the embedded store (DuckDB) caps', () => {
  it('evicts the oldest whole traces past maxSpans, down to 90% of it, and counts them', async () => {
    const store = await openTraceStore({ path: ':memory:', maxSpans: 1000 });
    // 120 traces of 10 spans, trace i starting i minutes after the first.
    for (let batch = 0; batch < 4; batch++) {
      const rows = [];
      for (let t = batch * 30; t < (batch + 1) * 30; t++) {
        for (let s = 0; s < 10; s++) rows.push(spanRow({ trace: `t${t}`, span: `s${s}`, startUnixNanos: nanosAgo((200 - t) * 60_000) + BigInt(s) }));
      }
      await store.write(rows);
    }
    // 1200 spans written; past 1000 the oldest traces went until at most 900 were left.
    const stats = store.stats();
    expect(stats).toMatchObject({ spansInserted: 1200, spansStored: 900, tracesEvicted: 30, spansEvicted: 300 });
    const [{ n }] = (await store.query('SELECT count(*) AS n FROM forge_traces')) as [{ n: number }];
    expect(n).toBe(900);
    const kept = await store.query('SELECT count(*) AS n FROM forge_trace_summaries');
    expect(kept[0]!.n).toBe(90);
    // The evicted are the oldest: t0..t29 are gone, t30 is there.
    expect(await store.getTrace(spanRow({ trace: 't29', span: 'x' }).traceId)).toBeUndefined();
    expect(await store.getTrace(spanRow({ trace: 't30', span: 'x' }).traceId)).toBeDefined();
    expect((await store.query('SELECT count(*) AS n FROM forge_trace_services'))[0]!.n).toBe(90);
    await store.close();
  });

  it('forgets the operations of evicted spans: names with ids in them do not grow the operations for ever', async () => {
    const store = await openTraceStore({ path: ':memory:', maxSpans: 1000 });
    // 120 traces of 10 spans, each trace's spans named after it (as `GET /users/<id>` would be).
    for (let batch = 0; batch < 4; batch++) {
      const rows = [];
      for (let t = batch * 30; t < (batch + 1) * 30; t++) {
        for (let s = 0; s < 10; s++) {
          rows.push(spanRow({ trace: `t${t}`, span: `s${s}`, operationName: `GET /users/${t}`, startUnixNanos: nanosAgo((200 - t) * 60_000) + BigInt(s) }));
        }
      }
      await store.write(rows);
    }
    // t0..t29 were evicted (see above): their operations went with them, the others stay.
    const names = (await store.operations('orders')).map((operation) => operation.name);
    expect(names).toHaveLength(90);
    expect(names).not.toContain('GET /users/29');
    expect(names).toContain('GET /users/30');
    await store.close();
  });

  it('lists an operation again when a span of it arrives after its last ones were evicted', async () => {
    const store = await openTraceStore({ path: ':memory:', maxAge: '1d' });
    await store.write([spanRow({ trace: 'old', span: '1', operationName: 'checkout', startUnixNanos: nanosAgo(2 * DAY) })]);
    await store.maintain();
    expect(await store.operations('orders')).toEqual([]);
    await store.write([spanRow({ trace: 'new', span: '1', operationName: 'checkout' })]);
    expect((await store.operations('orders')).map((operation) => operation.name)).toEqual(['checkout']);
    await store.close();
  });

  it('evicts traces that ended before maxAge when opened and on maintain()', async () => {
    const store = await openTraceStore({ path: ':memory:', maxAge: '1d' });
    await store.write([
      spanRow({ trace: 'old', span: '1', startUnixNanos: nanosAgo(2 * DAY) }),
      spanRow({ trace: 'old', span: '2', startUnixNanos: nanosAgo(2 * DAY) }),
      spanRow({ trace: 'new', span: '1', startUnixNanos: nanosAgo(60_000) }),
    ]);
    await store.maintain();
    expect(store.stats()).toMatchObject({ tracesEvicted: 1, spansEvicted: 2, spansStored: 1 });
    expect((await store.searchTraces()).map((trace) => trace.trace_id)).toEqual([spanRow({ trace: 'new', span: '1' }).traceId]);
    await store.close();
  });

  it('refuses a file whose tables are of another version, saying what to do', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'x-tracing-schema-'));
    const path = join(folder, 'traces.duckdb');
    const store = await openTraceStore({ path });
    await store.query('UPDATE forge_schema SET version = 1');
    await store.close();
    await expect(openTraceStore({ path })).rejects.toThrow(
      `the trace store ${path} has tables of schema version 1, and this @x/tracer-store writes version ${SCHEMA_VERSION}: move it away`,
    );
    // The refused open let go of the file: once it is moved away, a new store opens there.
    rmSync(path);
    await (await openTraceStore({ path })).close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('refuses bad options, saying what is allowed', async () => {
    await expect(openTraceStore({ maxSpans: 10 })).rejects.toThrow('maxSpans must be a whole number of at least 1000');
    await expect(openTraceStore({ maxAge: 'forever' })).rejects.toThrow("maxAge must be a duration of at least a minute ('1h', '7d', or milliseconds)");
    await expect(openTraceStore({ engine: 'sqlite' as never })).rejects.toThrow("engine must be 'duckdb' or 'postgres'");
    await expect(openTraceStore({ engine: 'postgres' })).rejects.toThrow('needs url');
    await expect(openTraceStore({ path: ':memory:', url: 'postgres://x' })).rejects.toThrow(InvalidOptionError);
    await expect(openTraceStore({ path: ':memory:', url: 'postgres://x' })).rejects.toThrow('path is for DuckDB');
    await expect(openTraceStore({ path: ':memory:', colour: 1 } as never)).rejects.toThrow("unknown option 'colour'");
    await expect(openTraceStore({ url: 'postgres://nobody:secret@127.0.0.1:1/none' })).rejects.toThrow(/cannot open the trace store at postgres:\/\/nobody:\*\*\*@127\.0\.0\.1:1\/none/);
  });
});

describe('the shared store (PostgreSQL) partitions', () => {
  const dayName = (millis: number) => `forge_traces_${new Date(millis).toISOString().slice(0, 10).replaceAll('-', '')}`;

  async function partitions(url: string): Promise<string[]> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'forge_traces'::regclass ORDER BY 1`,
    );
    await client.end();
    return rows.map((row) => row.relname as string);
  }

  it('creates today and the days ahead, routes other times to the default partition', async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, partitionsAhead: 2 });
    const today = Math.floor(Date.now() / DAY) * DAY;
    expect(await partitions(url)).toEqual([dayName(today), dayName(today + DAY), dayName(today + 2 * DAY), 'forge_traces_default'].sort());
    await store.write([
      spanRow({ trace: 'now', span: '1', startUnixNanos: nanosAgo(0) }),
      spanRow({ trace: 'late', span: '1', startUnixNanos: nanosAgo(3 * DAY) }),
    ]);
    const where = await store.query('SELECT tableoid::regclass::text AS part, count(*) AS n FROM forge_traces GROUP BY 1 ORDER BY 1');
    expect(where).toEqual([
      { part: dayName(today), n: 1 },
      { part: 'forge_traces_default', n: 1 },
    ]);
    await store.close();
  });

  it("answers the document's slow-traces query from the covering index once vacuumed, and vacuums partitions often", async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, partitionsAhead: 1 });
    const rows = [];
    for (let t = 0; t < 50; t++) rows.push(spanRow({ trace: `t${t}`, span: '1', operationName: 'http.request', durationMillis: 500 + 40 * t }));
    await store.write(rows);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: options } = await client.query(
        `SELECT c.relname, c.reloptions FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'forge_traces'::regclass`,
      );
      expect(options).toHaveLength(3);
      for (const partition of options) expect(partition.reloptions ?? []).toContain('autovacuum_vacuum_insert_scale_factor=0.01');
      await client.query('VACUUM ANALYZE forge_traces');
      // Whichever index the planner takes, it must not need the table: no scan of the table itself.
      await client.query('SET enable_seqscan = off; SET enable_bitmapscan = off');
      const sql = `SELECT trace_id, max(duration_ms) as total_duration FROM forge_traces WHERE start_time > NOW() - INTERVAL '1 hour' AND operation_name = 'http.request' GROUP BY trace_id HAVING max(duration_ms) > 1000 ORDER BY total_duration DESC`;
      const plan = (await client.query(`EXPLAIN (ANALYZE, FORMAT TEXT) ${sql}`)).rows.map((row) => row['QUERY PLAN'] as string).join('\n');
      expect(plan).toMatch(/Index Only Scan using forge_traces_\d{8}_operation_name_start_time/);
      expect(plan).not.toMatch(/Heap Fetches: [1-9]/);
      expect((await client.query(sql)).rows).toHaveLength(37);
    } finally {
      await client.end();
      await store.close();
    }
  });

  it("keeps an operation whose new span a writer has not committed yet while expired spans' operations are removed", async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, maxAge: '2d', partitionsAhead: 0 });
    // An expired span in the default partition (no partition for its day) lists the operation.
    await store.write([spanRow({ trace: 'old', span: '1', operationName: 'checkout', startUnixNanos: nanosAgo(3 * DAY) })]);
    const writer = new pg.Client({ connectionString: url });
    await writer.connect();
    try {
      // Another process writes a new span of it: its operation is listed already, so it inserts nothing there.
      await writer.query('BEGIN');
      await writer.query(
        `INSERT INTO forge_traces (trace_id, span_id, operation_name, service_name, start_time, duration_ms, start_unix_nanos, duration_nanos, span_key)
         VALUES ($1, $2, 'checkout', 'orders', now(), 1, 0, 0, 1)`,
        [spanRow({ trace: 'new', span: '1' }).traceId, spanRow({ trace: 'new', span: '1' }).spanId],
      );
      await writer.query(`INSERT INTO forge_operations VALUES ('orders', 'checkout', 'internal') ON CONFLICT DO NOTHING`);
      const maintained = store.maintain();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writer.query('COMMIT');
      await maintained;
    } finally {
      await writer.end();
    }
    expect(store.stats()).toMatchObject({ spansEvicted: 1 });
    expect((await store.operations('orders')).map((operation) => operation.name)).toEqual(['checkout']);
    await store.close();
  });

  it('lists an operation again when another process expired its spans and this one writes a new span of it', async () => {
    const url = await freshDatabase();
    const writer = await openTraceStore({ url, maxAge: '2d', partitionsAhead: 0 });
    const other = await openTraceStore({ url, maxAge: '2d', partitionsAhead: 0 });
    await writer.write([spanRow({ trace: 'old', span: '1', operationName: 'checkout', startUnixNanos: nanosAgo(3 * DAY) })]);
    await other.maintain();
    expect(await writer.operations('orders')).toEqual([]);
    await writer.write([spanRow({ trace: 'new', span: '1', operationName: 'checkout' })]);
    expect((await writer.operations('orders')).map((operation) => operation.name)).toEqual(['checkout']);
    await Promise.all([writer.close(), other.close()]);
  });

  it('opens one new database from several processes at once', async () => {
    for (let round = 0; round < 4; round++) {
      const url = await freshDatabase();
      const stores = await Promise.all([0, 1, 2].map(() => openTraceStore({ url, partitionsAhead: 2 })));
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('gives partitions made before the autovacuum setting the setting on the next pass', async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, partitionsAhead: 0 });
    const today = dayName(Math.floor(Date.now() / DAY) * DAY);
    await store.query(`ALTER TABLE ${today} RESET (autovacuum_vacuum_insert_threshold, autovacuum_vacuum_insert_scale_factor)`);
    await store.query('ALTER TABLE forge_traces_default RESET (autovacuum_vacuum_insert_scale_factor)');
    const options = async () =>
      (await store.query(`SELECT relname AS name, reloptions AS options FROM pg_class WHERE relname IN ('${today}', 'forge_traces_default') ORDER BY 1`)).map(
        (row) => [row.name, row.options],
      );
    expect((await options()).map(([, value]) => value)).not.toContainEqual(expect.arrayContaining(['autovacuum_vacuum_insert_scale_factor=0.01']));
    await store.maintain();
    for (const [, value] of await options()) expect(value).toEqual(expect.arrayContaining(['autovacuum_vacuum_insert_threshold=10000', 'autovacuum_vacuum_insert_scale_factor=0.01']));
    await store.close();
  });

  it('drops days past retention with their summaries, counted, and moves early rows out of the default', async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, maxAge: '2d', partitionsAhead: 0 });
    const today = Math.floor(Date.now() / DAY) * DAY;
    // A partition for five days ago, as an older run with a longer retention left it.
    const old = today - 5 * DAY;
    await store.query(
      `CREATE TABLE ${dayName(old)} PARTITION OF forge_traces FOR VALUES FROM ('${new Date(old).toISOString()}') TO ('${new Date(old + DAY).toISOString()}')`,
    );
    await store.write([
      spanRow({ trace: 'old', span: '1', operationName: 'old work', startUnixNanos: BigInt(old + 1000) * 1_000_000n }),
      spanRow({ trace: 'old', span: '2', startUnixNanos: BigInt(old + 2000) * 1_000_000n }),
      spanRow({ trace: 'fresh', span: '1', startUnixNanos: nanosAgo(1000) }),
      // Tomorrow's span arrives before tomorrow's partition exists (partitionsAhead 0): it waits in the default.
      spanRow({ trace: 'early', span: '1', startUnixNanos: BigInt(today + DAY + 1000) * 1_000_000n }),
    ]);
    await store.maintain();
    expect(store.stats()).toMatchObject({ tracesEvicted: 1, spansEvicted: 2 });
    expect(await partitions(url)).not.toContain(dayName(old));
    // The dropped day's operation went with it; one that stored spans still have stays.
    expect((await store.operations('orders')).map((operation) => operation.name)).toEqual(['work']);
    expect((await store.searchTraces()).map((trace) => trace.root_span_id)).toHaveLength(2);
    // The next day's pass creates tomorrow's partition and moves the early row into it.
    await openTraceStore({ url, maxAge: '2d', partitionsAhead: 1 }).then((again) => again.close());
    const where = await store.query(`SELECT tableoid::regclass::text AS part FROM forge_traces WHERE start_time > now()`);
    expect(where).toEqual([{ part: dayName(today + DAY) }]);
    await store.close();
  });
});
