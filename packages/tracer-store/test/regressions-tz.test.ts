import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { openTraceStore, type TraceStore } from '../src/index.js';
import { freshDatabase } from './support/engines.js';
import { spanRow } from './support/span-rows.js';

describe('time zones (found in review)', () => {
  const stores: TraceStore[] = [];
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });

  it('Z1 query() day arithmetic is UTC on PostgreSQL as on DuckDB, whatever the database time zone', async () => {
    const url = await freshDatabase();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`ALTER DATABASE ${new URL(url).pathname.slice(1)} SET timezone = 'Asia/Tokyo'`);
    await admin.end();
    // 2026-11-22T20:00:00Z: the 22nd in UTC, the 23rd in Tokyo.
    const start = BigInt(Date.UTC(2026, 10, 22, 20)) * 1_000_000n;
    const sql = `SELECT CAST(date_trunc('day', start_time) AS VARCHAR) AS day, extract(hour FROM start_time) AS hour FROM forge_traces`;
    const results = [];
    for (const options of [{ path: ':memory:' }, { url }]) {
      const store = await openTraceStore(options);
      stores.push(store);
      await store.write([spanRow({ trace: 't', span: '1', startUnixNanos: start })]);
      results.push(await store.query(sql));
    }
    expect(results[1]).toEqual(results[0]);
  });
});
