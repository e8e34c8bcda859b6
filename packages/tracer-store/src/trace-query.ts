import { InvalidOptionError } from '@x/tracer-core';
import { DIALECT_SQL } from './sql-session.js';
import type { Dialect } from './schema.js';

/**
 * A trace search, the API's `GET /_api/traces` in typed form. Conditions on a span (`operation`,
 * `tags`, and then the durations) must hold for one and the same span, as in Jaeger: "traces where
 * create_order took over a second". Without `operation` or `tags`, the durations are the whole
 * trace's and `service` means "a span of this service is in the trace": lookups in the summaries.
 */
export interface TraceQuery {
  readonly service?: string;
  readonly operation?: string;
  /** Each `[key, value]`: the span's attribute `key`, as text, equals `value`. */
  readonly tags?: readonly (readonly [string, string])[];
  readonly minDurationMillis?: number;
  readonly maxDurationMillis?: number;
  /** Only traces with at least one span whose status is error. */
  readonly errorsOnly?: boolean;
  /** Traces that started at or after this time. */
  readonly since?: Date;
  /** Traces that started at or before this time. */
  readonly until?: Date;
  /** At most this many, newest first. @defaultValue 20 */
  readonly limit?: number;
}

export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_SEARCH_LIMIT = 1000;

function nanos(date: Date): bigint {
  return BigInt(date.getTime()) * 1_000_000n;
}

/** The summaries' SELECT for `query`, with its parameters. */
/** @throws InvalidOptionError for a limit that is not a whole number from 1, or a date that is not one. */
export function searchSql(dialect: Dialect, query: TraceQuery): { sql: string; params: unknown[] } {
  checkQuery(query);
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const where: string[] = [];
  if (query.since !== undefined) where.push(`s.start_unix_nanos >= ${param(nanos(query.since))}`);
  if (query.until !== undefined) where.push(`s.start_unix_nanos <= ${param(nanos(query.until))}`);
  if (query.errorsOnly === true) where.push('s.error_count > 0');
  const spanLevel = query.operation !== undefined || (query.tags?.length ?? 0) > 0;
  if (spanLevel) {
    const span: string[] = [];
    // A span of a trace starts no earlier than the trace: `since` can bound the spans too (and
    // lets PostgreSQL skip older partitions); `until` cannot (a late child of an early trace).
    if (query.since !== undefined) span.push(`t.start_time >= ${param(query.since.toISOString())}`);
    if (query.service !== undefined) span.push(`t.service_name = ${param(query.service)}`);
    if (query.operation !== undefined) span.push(`t.operation_name = ${param(query.operation)}`);
    for (const [key, value] of query.tags ?? []) span.push(`${DIALECT_SQL[dialect].jsonText('t.tags', param(key))} = ${param(value)}`);
    if (query.minDurationMillis !== undefined) span.push(`t.duration_nanos >= ${param(millisToNanos(query.minDurationMillis))}`);
    if (query.maxDurationMillis !== undefined) span.push(`t.duration_nanos <= ${param(millisToNanos(query.maxDurationMillis))}`);
    where.push(`s.trace_id IN (SELECT t.trace_id FROM forge_traces t WHERE ${span.join(' AND ')})`);
  } else {
    if (query.minDurationMillis !== undefined) where.push(`s.duration_ms >= ${param(query.minDurationMillis)}`);
    if (query.maxDurationMillis !== undefined) where.push(`s.duration_ms <= ${param(query.maxDurationMillis)}`);
    if (query.service !== undefined) {
      where.push(`EXISTS (SELECT 1 FROM forge_trace_services v WHERE v.trace_id = s.trace_id AND v.service_name = ${param(query.service)})`);
    }
  }
  const limit = Math.min(query.limit ?? DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
  const sql = `SELECT s.trace_id, s.start_time, s.end_time, s.start_unix_nanos, s.duration_ms, s.root_service,
      s.root_operation, s.root_span_id, s.span_count, s.error_count
    FROM forge_trace_summaries s
    ${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`}
    ORDER BY s.start_unix_nanos DESC, s.trace_id
    LIMIT ${param(limit)}`;
  return { sql, params };
}

function checkQuery(query: TraceQuery): void {
  if (query.limit !== undefined && (!Number.isSafeInteger(query.limit) || query.limit < 1)) {
    throw new InvalidOptionError(`searchTraces: limit must be a whole number from 1 (at most ${MAX_SEARCH_LIMIT} are returned), got ${String(query.limit)}`);
  }
  for (const key of ['since', 'until'] as const) {
    const date = query[key];
    if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()))) {
      throw new InvalidOptionError(`searchTraces: ${key} must be a valid Date, got ${String(date)}`);
    }
  }
  for (const key of ['minDurationMillis', 'maxDurationMillis'] as const) {
    const value = query[key];
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && Number.isFinite(value))) {
      throw new InvalidOptionError(`searchTraces: ${key} must be a number of milliseconds from 0, got ${String(value)}`);
    }
  }
}

function millisToNanos(millis: number): bigint {
  return BigInt(Math.round(millis * 1_000_000));
}
