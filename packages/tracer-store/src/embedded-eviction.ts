import { FORGET_ORPHAN_OPERATIONS } from './schema.js';
import type { BatchColumn, SqlSession } from './sql-session.js';

const TRACE_IDS: readonly BatchColumn[] = [{ name: 'trace_id', type: 'text' }];

/** What one eviction pass removed. */
export interface Evicted {
  readonly traces: number;
  readonly spans: number;
}

/**
 * The embedded store's caps: traces that ended before `cutoffNanos` go, then the oldest traces
 * (by start) until at most `targetSpans` spans are left. Whole traces only: a trace is never kept
 * in part. Runs in the write's transaction.
 */
export async function evict(session: SqlSession, cutoffNanos: bigint, storedSpans: number, targetSpans: number): Promise<Evicted> {
  const expired = await session.query(
    'SELECT trace_id, span_count FROM forge_trace_summaries WHERE end_unix_nanos < $1',
    [cutoffNanos],
  );
  const chosen = expired.map((row) => [String(row.trace_id), Number(row.span_count)] as const);
  let spans = chosen.reduce((sum, [, count]) => sum + count, 0);
  if (storedSpans - spans > targetSpans) {
    const skip = new Set(chosen.map(([id]) => id));
    // The summaries know each trace's span count: the oldest are read until enough spans are found.
    for (let offset = 0; storedSpans - spans > targetSpans; offset += 1000) {
      const oldest = await session.query(
        `SELECT trace_id, span_count FROM forge_trace_summaries ORDER BY start_unix_nanos, trace_id LIMIT 1000 OFFSET ${offset}`,
      );
      if (oldest.length === 0) break;
      for (const row of oldest) {
        const id = String(row.trace_id);
        if (skip.has(id)) continue;
        chosen.push([id, Number(row.span_count)]);
        spans += Number(row.span_count);
        if (storedSpans - spans <= targetSpans) break;
      }
    }
  }
  if (chosen.length === 0) return { traces: 0, spans: 0 };
  const ids = chosen.map(([id]) => [id]);
  for (const table of ['forge_traces', 'forge_trace_services', 'forge_trace_summaries']) {
    await session.withBatch(TRACE_IDS, ids, `DELETE FROM ${table} WHERE trace_id IN (SELECT trace_id FROM {batch})`);
  }
  await session.query(FORGET_ORPHAN_OPERATIONS);
  return { traces: chosen.length, spans };
}
