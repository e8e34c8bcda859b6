import type { SpanRow } from './span-row.js';

/**
 * What a batch of newly stored spans adds to one trace's summary. Merged into
 * `forge_trace_summaries` by `ingest.ts`: times widen, counts add, and the root is the better of
 * the stored one and this one (a span without a parent beats one whose parent is elsewhere; then the
 * earlier start wins), so a trace's summary is right whatever order its spans arrive in.
 */
export interface TraceDelta {
  readonly traceId: string;
  startUnixNanos: bigint;
  endUnixNanos: bigint;
  root: SpanRow;
  rootIsParentless: boolean;
  spanCount: number;
  errorCount: number;
  /** Per service: [spans, errors]. */
  readonly services: Map<string, [number, number]>;
}

/** The deltas of `rows` (spans just inserted, never duplicates), in trace id order. */
export function traceDeltas(rows: readonly SpanRow[]): TraceDelta[] {
  const byTrace = new Map<string, TraceDelta>();
  for (const row of rows) {
    const end = row.startUnixNanos + row.durationNanos;
    const error = row.statusCode === 2 ? 1 : 0;
    let delta = byTrace.get(row.traceId);
    if (delta === undefined) {
      delta = {
        traceId: row.traceId,
        startUnixNanos: row.startUnixNanos,
        endUnixNanos: end,
        root: row,
        rootIsParentless: row.parentSpanId === null,
        spanCount: 0,
        errorCount: 0,
        services: new Map(),
      };
      byTrace.set(row.traceId, delta);
    } else {
      if (row.startUnixNanos < delta.startUnixNanos) delta.startUnixNanos = row.startUnixNanos;
      if (end > delta.endUnixNanos) delta.endUnixNanos = end;
      if (betterRoot(row, delta)) {
        delta.root = row;
        delta.rootIsParentless = row.parentSpanId === null;
      }
    }
    delta.spanCount++;
    delta.errorCount += error;
    const service = delta.services.get(row.serviceName);
    if (service === undefined) delta.services.set(row.serviceName, [1, error]);
    else {
      service[0]++;
      service[1] += error;
    }
  }
  // Sorted, so that writers in several processes lock summary rows in one order (no deadlocks).
  return [...byTrace.values()].sort((a, b) => (a.traceId < b.traceId ? -1 : a.traceId > b.traceId ? 1 : 0));
}

function betterRoot(row: SpanRow, delta: TraceDelta): boolean {
  const parentless = row.parentSpanId === null;
  if (parentless !== delta.rootIsParentless) return parentless;
  return row.startUnixNanos < delta.root.startUnixNanos;
}
