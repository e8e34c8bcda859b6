import { DIALECT_SQL, type BatchColumn, type Row, type SqlSession } from './sql-session.js';
import type { Dialect } from './schema.js';
import { durationMillis, statusText, type JsonValue, type SpanRow } from './span-row.js';
import { wellFormedJson, wellFormedOrNull, wellFormedText } from './well-formed.js';
import { traceDeltas, type TraceDelta } from './trace-deltas.js';

/** What one write did. */
export interface WriteResult {
  /** Spans stored by this write. */
  readonly inserted: number;
  /** Spans already in the store (same trace and span id), ignored: ingest is idempotent. */
  readonly duplicates: number;
}

const SPAN_BATCH: readonly BatchColumn[] = [
  { name: 'trace_id', type: 'text' },
  { name: 'span_id', type: 'text' },
  { name: 'parent_span_id', type: 'text' },
  { name: 'operation_name', type: 'text' },
  { name: 'service_name', type: 'text' },
  { name: 'node_id', type: 'text' },
  { name: 'duration_ms', type: 'integer' },
  { name: 'status', type: 'text' },
  { name: 'status_message', type: 'text' },
  { name: 'tags', type: 'text' },
  { name: 'logs', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'links', type: 'text' },
  { name: 'resource', type: 'text' },
  { name: 'status_code', type: 'integer' },
  { name: 'start_unix_nanos', type: 'bigint' },
  { name: 'duration_nanos', type: 'bigint' },
  { name: 'scope_name', type: 'text' },
  { name: 'scope_version', type: 'text' },
  { name: 'trace_state', type: 'text' },
  { name: 'dropped_attributes_count', type: 'integer' },
  { name: 'dropped_events_count', type: 'integer' },
  { name: 'dropped_links_count', type: 'integer' },
  { name: 'span_key', type: 'bigint' },
];

/** `duration_ms` is the document's INTEGER: a span longer than 24.8 days is kept at its largest value. */
const MAX_DURATION_MS = 2 ** 31 - 1;

/**
 * A row's values in {@link SPAN_BATCH} order. Text is made well formed first (see
 * `well-formed.ts`): one span with a NUL or half an emoji must not fail a whole batch.
 */
function spanValues(row: SpanRow): unknown[] {
  return [
    row.traceId,
    row.spanId,
    row.parentSpanId,
    wellFormedText(row.operationName),
    wellFormedText(row.serviceName),
    row.nodeId,
    Math.min(durationMillis(row.durationNanos), MAX_DURATION_MS),
    statusText(row.statusCode),
    wellFormedOrNull(row.statusMessage),
    JSON.stringify(wellFormedJson(row.tags)),
    JSON.stringify(wellFormedJson(row.logs as unknown as JsonValue)),
    row.kind,
    JSON.stringify(wellFormedJson(row.links as unknown as JsonValue)),
    JSON.stringify(wellFormedJson(row.resource)),
    row.statusCode,
    row.startUnixNanos,
    row.durationNanos,
    wellFormedOrNull(row.scopeName),
    wellFormedOrNull(row.scopeVersion),
    wellFormedOrNull(row.traceState),
    row.droppedAttributesCount,
    row.droppedEventsCount,
    row.droppedLinksCount,
    spanKey(row),
  ];
}

/**
 * 64 bits of a span's two ids (the trace id's low half XOR the span id), signed for BIGINT. Equal
 * for equal ids; rarely equal otherwise, so a lookup on it finds a few candidates to check exactly.
 */
function spanKey(row: SpanRow): bigint {
  const trace = row.traceId.slice(16);
  if (HEX.test(trace) && HEX.test(row.spanId)) return BigInt.asIntN(64, BigInt(`0x${trace}`) ^ BigInt(`0x${row.spanId}`));
  // Ids that are not hex (a row written through store.write by hand, like the document's 'abc-123').
  let hash = 0xcbf29ce484222325n;
  for (const char of `${row.traceId}:${row.spanId}`) hash = BigInt.asUintN(64, (hash ^ BigInt(char.codePointAt(0)!)) * 0x100000001b3n);
  return BigInt.asIntN(64, hash);
}

const HEX = /^[0-9a-f]{1,16}$/;

const SUMMARY_BATCH: readonly BatchColumn[] = [
  { name: 'trace_id', type: 'text' },
  { name: 'start_unix_nanos', type: 'bigint' },
  { name: 'end_unix_nanos', type: 'bigint' },
  { name: 'root_service', type: 'text' },
  { name: 'root_operation', type: 'text' },
  { name: 'root_span_id', type: 'text' },
  { name: 'root_is_parentless', type: 'boolean' },
  { name: 'root_start_unix_nanos', type: 'bigint' },
  { name: 'span_count', type: 'integer' },
  { name: 'error_count', type: 'integer' },
];

function summaryValues(delta: TraceDelta): unknown[] {
  return [
    delta.traceId,
    delta.startUnixNanos,
    delta.endUnixNanos,
    wellFormedText(delta.root.serviceName),
    wellFormedText(delta.root.operationName),
    delta.root.spanId,
    delta.rootIsParentless,
    delta.root.startUnixNanos,
    delta.spanCount,
    delta.errorCount,
  ];
}

const SERVICE_BATCH: readonly BatchColumn[] = [
  { name: 'trace_id', type: 'text' },
  { name: 'service_name', type: 'text' },
  { name: 'span_count', type: 'integer' },
  { name: 'error_count', type: 'integer' },
];

const KEY_BATCH: readonly BatchColumn[] = [
  { name: 'trace_id', type: 'text' },
  { name: 'span_id', type: 'text' },
];

const OPERATION_BATCH: readonly BatchColumn[] = [
  { name: 'service_name', type: 'text' },
  { name: 'operation_name', type: 'text' },
  { name: 'kind', type: 'text' },
];

/**
 * Writes a batch in the caller's transaction: the spans not already stored, then what they add to
 * their traces' summaries and services, then operations not seen before. Only spans the insert
 * reports as new count toward summaries, so sending a batch twice changes nothing.
 */
export class SpanWriter {
  readonly #sql: ReturnType<typeof statements>;
  /**
   * Operations known to be stored, so a write inserts only new ones; bounded, as a cache
   * (forgetting one only costs a no-op insert). DuckDB only: there this process is the only
   * writer, and it forgets them all when it removes operations or a write fails (a rolled-back
   * insert must not be remembered as stored). On PostgreSQL another process's expiry pass may
   * remove an operation this one would remember, so every write inserts its operations (ON
   * CONFLICT DO NOTHING), which the pass's lock on the table orders against.
   */
  readonly #knownOperations: Set<string> | undefined;

  constructor(dialect: Dialect) {
    this.#sql = statements(dialect);
    this.#knownOperations = dialect === 'duckdb' ? new Set() : undefined;
  }

  /** Forgets which operations are stored (see {@link SpanWriter.#knownOperations}). */
  forgetOperations(): void {
    this.#knownOperations?.clear();
  }

  async write(session: SqlSession, rows: readonly SpanRow[]): Promise<WriteResult> {
    let unique = uniqueSpans(rows);
    if (this.#sql.claimKeys !== undefined) {
      // PostgreSQL's span key includes start_time (a partitioned table's key must): the keys
      // table is what makes (trace_id, span_id) unique there, whatever start time is sent again.
      const claimed = await session.withBatch(KEY_BATCH, unique.map((row) => [row.traceId, row.spanId]), this.#sql.claimKeys);
      unique = rowsAmong(unique, claimed, true);
    }
    if (this.#sql.dialect === 'duckdb') unique = await withoutStored(session, unique);
    if (unique.length === 0) return { inserted: 0, duplicates: rows.length };
    const inserted = await session.withBatch(SPAN_BATCH, unique.map(spanValues), this.#sql.insertSpans);
    const fresh = rowsAmong(unique, inserted, true);
    if (fresh.length > 0) {
      const deltas = traceDeltas(fresh);
      await session.withBatch(SUMMARY_BATCH, deltas.map(summaryValues), this.#sql.mergeSummaries);
      const services = deltas.flatMap((delta) =>
        [...delta.services].map(([service, [spans, errors]]) => [delta.traceId, wellFormedText(service), spans, errors]),
      );
      await session.withBatch(SERVICE_BATCH, services, this.#sql.mergeServices);
      await this.#writeOperations(session, fresh);
    }
    return { inserted: fresh.length, duplicates: rows.length - fresh.length };
  }

  async #writeOperations(session: SqlSession, rows: readonly SpanRow[]): Promise<void> {
    const fresh = new Map<string, unknown[]>();
    for (const row of rows) {
      const key = `${row.serviceName}\0${row.operationName}\0${row.kind}`;
      if (this.#knownOperations?.has(key) !== true) fresh.set(key, [wellFormedText(row.serviceName), wellFormedText(row.operationName), row.kind]);
    }
    if (fresh.size === 0) return;
    await session.withBatch(OPERATION_BATCH, [...fresh.values()], this.#sql.insertOperations);
    const known = this.#knownOperations;
    if (known === undefined) return;
    if (known.size > 100_000) known.clear();
    for (const key of fresh.keys()) known.add(key);
  }
}

const SPAN_KEY_BATCH: readonly BatchColumn[] = [{ name: 'span_key', type: 'bigint' }];

/**
 * DuckDB: `rows` without the spans already stored. A join on `span_key` alone (one BIGINT column
 * of the table read) finds candidates; only those are compared on their ids.
 */
async function withoutStored(session: SqlSession, rows: SpanRow[]): Promise<SpanRow[]> {
  const keys = rows.map((row) => [spanKey(row)]);
  const matches = await session.withBatch(SPAN_KEY_BATCH, keys, 'SELECT DISTINCT b.span_key FROM {batch} b JOIN forge_traces t ON t.span_key = b.span_key');
  if (matches.length === 0) return rows;
  const candidates = matches.map((match) => BigInt(match.span_key as number | string));
  const placeholders = candidates.map((_, i) => `$${i + 1}`).join(', ');
  const stored = await session.query(`SELECT trace_id, span_id FROM forge_traces WHERE span_key IN (${placeholders})`, candidates);
  return rowsAmong(rows, stored, false);
}

/** Every batch shape a write stages. */
export const BATCH_SHAPES: readonly (readonly BatchColumn[])[] = [SPAN_BATCH, SUMMARY_BATCH, SERVICE_BATCH, OPERATION_BATCH, KEY_BATCH, SPAN_KEY_BATCH];

/** One text for a span's (trace id, span id), to find it in a Set. */
function idsKey(traceId: string, spanId: string): string {
  return `${traceId}:${spanId}`;
}

/**
 * `rows` whose ids are (`among` true) or are not (false) those of `found`, result rows with
 * `trace_id` and `span_id` (what an insert returned, or what is stored already).
 */
function rowsAmong(rows: readonly SpanRow[], found: readonly Row[], among: boolean): SpanRow[] {
  const ids = new Set(found.map((row) => idsKey(String(row.trace_id), String(row.span_id))));
  return rows.filter((row) => ids.has(idsKey(row.traceId, row.spanId)) === among);
}

/** A batch with one row per (trace id, span id): the first one given wins, as in the store. */
function uniqueSpans(rows: readonly SpanRow[]): SpanRow[] {
  const seen = new Set<string>();
  const unique: SpanRow[] = [];
  for (const row of rows) {
    const key = idsKey(row.traceId, row.spanId);
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(row);
  }
  return unique;
}

function statements(dialect: Dialect) {
  const sql = DIALECT_SQL[dialect];
  const stored = 'forge_trace_summaries';
  // The stored root stays unless the new one is better (see trace-deltas.ts).
  const newRootWins = `(excluded.root_is_parentless AND NOT ${stored}.root_is_parentless)
      OR (excluded.root_is_parentless = ${stored}.root_is_parentless AND excluded.root_start_unix_nanos < ${stored}.root_start_unix_nanos)`;
  const root = (column: string) => `${column} = CASE WHEN ${newRootWins} THEN excluded.${column} ELSE ${stored}.${column} END`;
  const start = `least(${stored}.start_unix_nanos, excluded.start_unix_nanos)`;
  const end = `greatest(${stored}.end_unix_nanos, excluded.end_unix_nanos)`;
  return {
    dialect,
    insertSpans: `INSERT INTO forge_traces (trace_id, span_id, parent_span_id, operation_name, service_name, node_id,
        start_time, duration_ms, status, status_message, tags, logs, kind, links, resource, status_code,
        start_unix_nanos, duration_nanos, scope_name, scope_version, trace_state,
        dropped_attributes_count, dropped_events_count, dropped_links_count, span_key)
      SELECT trace_id, span_id, parent_span_id, operation_name, service_name, CAST(node_id AS UUID),
        ${sql.timestampFromNanos('start_unix_nanos')}, duration_ms, status, status_message,
        CAST(tags AS ${sql.json}), CAST(logs AS ${sql.json}), kind, CAST(links AS ${sql.json}), CAST(resource AS ${sql.json}),
        status_code, start_unix_nanos, duration_nanos, scope_name, scope_version, trace_state,
        dropped_attributes_count, dropped_events_count, dropped_links_count, span_key
      FROM {batch}
      ${dialect === 'postgres' ? 'ON CONFLICT DO NOTHING' : ''}
      RETURNING trace_id, span_id`,
    // Every expression of SET reads the stored row as it was before this statement.
    mergeSummaries: `INSERT INTO ${stored} (trace_id, start_time, end_time, start_unix_nanos, end_unix_nanos, duration_ms,
        root_service, root_operation, root_span_id, root_is_parentless, root_start_unix_nanos, span_count, error_count)
      SELECT trace_id, ${sql.timestampFromNanos('start_unix_nanos')}, ${sql.timestampFromNanos('end_unix_nanos')},
        start_unix_nanos, end_unix_nanos, (end_unix_nanos - start_unix_nanos) / 1000000.0,
        root_service, root_operation, root_span_id, root_is_parentless, root_start_unix_nanos, span_count, error_count
      FROM {batch}
      ON CONFLICT (trace_id) DO UPDATE SET
        ${root('root_service')}, ${root('root_operation')}, ${root('root_span_id')},
        ${root('root_start_unix_nanos')}, ${root('root_is_parentless')},
        start_time = ${sql.timestampFromNanos(start)},
        end_time = ${sql.timestampFromNanos(end)},
        duration_ms = (${end} - ${start}) / 1000000.0,
        start_unix_nanos = ${start},
        end_unix_nanos = ${end},
        span_count = ${stored}.span_count + excluded.span_count,
        error_count = ${stored}.error_count + excluded.error_count`,
    mergeServices: `INSERT INTO forge_trace_services (trace_id, service_name, span_count, error_count)
      SELECT trace_id, service_name, span_count, error_count FROM {batch}
      ON CONFLICT (trace_id, service_name) DO UPDATE SET
        span_count = forge_trace_services.span_count + excluded.span_count,
        error_count = forge_trace_services.error_count + excluded.error_count`,
    insertOperations: `INSERT INTO forge_operations (service_name, operation_name, kind)
      SELECT service_name, operation_name, kind FROM {batch}
      ON CONFLICT DO NOTHING`,
    claimKeys:
      dialect === 'postgres'
        ? `INSERT INTO forge_span_keys (trace_id, span_id) SELECT trace_id, span_id FROM {batch}
           ON CONFLICT DO NOTHING RETURNING trace_id, span_id`
        : undefined,
  };
}
