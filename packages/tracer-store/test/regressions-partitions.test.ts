import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openTraceStore } from '../src/index.js';
import { PostgresPartitions } from '../src/postgres-partitions.js';
import { freshDatabase } from './support/engines.js';
import { spanRow } from './support/span-rows.js';

const DAY = 86_400_000;

describe('PostgreSQL partitions made while spans are written (found in review)', () => {
  it('P1 creating a day partition while spans of that day are being written neither fails nor loses spans', async () => {
    const url = await freshDatabase();
    const store = await openTraceStore({ url, partitionsAhead: 0 });
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const errors: string[] = [];
    const partitions = new PostgresPartitions(pool, { retentionDays: 30, partitionsAhead: 0 });
    const future = Math.floor(Date.now() / DAY) * DAY + 5 * DAY;
    let written = 0;
    let stop = false;
    const writer = (async () => {
      for (let i = 0; !stop && i < 2000; i++) {
        await store
          .write([spanRow({ trace: `w${i}`, span: '1', startUnixNanos: BigInt(future + 1000 + i) * 1_000_000n })])
          .then(() => written++, (e: unknown) => errors.push(`write: ${String(e)}`));
      }
    })();
    for (let day = 0; day < 1; day++) {
      await new Promise((r) => setTimeout(r, 50));
      await partitions.maintain(future + 3_600_000).catch((e: unknown) => errors.push(String(e)));
    }
    stop = true;
    await writer;
    const [{ n }] = (await store.query('SELECT count(*) AS n FROM forge_traces')) as [{ n: number }];
    const attached = await store.query(`SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'forge_traces'::regclass`);
    await pool.end();
    await store.close();
    expect({ errors, n, written, attached: attached[0]!.n }).toEqual({ errors: [], n: written, written, attached: 3 });
  });
});
