import { afterEach, describe, expect, it } from 'vitest';
import type { TraceStore } from '../src/index.js';
import { duckdb, postgres } from './support/engines.js';
import { spanRow } from './support/span-rows.js';

const results: Record<string, unknown> = {};
describe.each([duckdb, postgres])('query() value types, $name (found in review)', (engine) => {
  const stores: TraceStore[] = [];
  afterEach(async () => { for (const s of stores.splice(0)) await s.close(); });
  it('collects', async () => {
    const store = await engine.open();
    stores.push(store);
    await store.write([spanRow({ trace: 't', span: '1', nodeId: '6f9619ff-8b86-d011-b42d-00c04fc964ff', startUnixNanos: BigInt(Date.UTC(2026, 0, 1, 12)) * 1_000_000n })]);
    const [row] = await store.query(`SELECT node_id, CAST(start_time AS TIMESTAMP) AS naive, array_agg(span_id) AS ids,
      max(start_time) - min(start_time) AS gap, CAST(start_time AS DATE) AS day, count(*) * 1.0 AS dec FROM forge_traces GROUP BY node_id, start_time`);
    results[engine.name] = Object.fromEntries(Object.entries(row!).map(([k, v]) => [k, v instanceof Date ? `Date ${v.toISOString()}` : `${typeof v} ${JSON.stringify(v)}`]));
    if (engine.name === 'postgres') expect(results.postgres).toEqual(results.duckdb);
  });
});
