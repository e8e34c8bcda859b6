import { describe, expect, it } from 'vitest';
import { openTraceStore } from '../src/index.js';
import { spanRow } from './support/span-rows.js';

describe('DuckDB staging tables (found in review)', () => {
  it('S1 after a first write that failed, the next good write still succeeds', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    // Any failure inside the first write's transaction (here a node id that is not a UUID).
    const bad = spanRow({ trace: 'bad', span: '1', nodeId: 'not-a-uuid' });
    await expect(store.write([bad])).rejects.toThrow();
    const good = await store.write([spanRow({ trace: 'good', span: '1' })]).catch((error: unknown) => String(error));
    await store.close();
    expect(good).toEqual({ inserted: 1, duplicates: 0 });
  });
});
