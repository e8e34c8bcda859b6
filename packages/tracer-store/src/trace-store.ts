import { DuckDbEngine } from './duckdb-engine.js';
import { evict, type Evicted } from './embedded-eviction.js';
import { BATCH_SHAPES, SpanWriter, type WriteResult } from './ingest.js';
import { PostgresEngine } from './postgres-engine.js';
import type { Row, SqlSession, StoreEngine } from './sql-session.js';
import type { SpanRow } from './span-row.js';
import { resolveStoreOptions, type ResolvedStoreOptions, type TraceStoreOptions } from './store-options.js';
import { isPartitionRace } from './store-errors.js';
import { searchSql, type TraceQuery } from './trace-query.js';

/** A trace's summary, as `searchTraces` and the API give it. */
export interface TraceSummary {
  readonly trace_id: string;
  readonly start_time: Date;
  readonly end_time: Date;
  /** Nanoseconds since the Unix epoch, as decimal text (past 2^53). */
  readonly start_unix_nanos: string | number;
  /** End of the last span minus start of the first, in milliseconds with the fraction. */
  readonly duration_ms: number;
  readonly root_service: string;
  readonly root_operation: string;
  readonly root_span_id: string;
  readonly span_count: number;
  readonly error_count: number;
  /** The services of the trace with their span and error counts, busiest first. */
  readonly services: readonly { readonly name: string; readonly span_count: number; readonly error_count: number }[];
}

/** A stored span as `getTrace` gives it: the columns of `forge_traces`, JSON parsed. */
export type StoredSpan = Row;

export interface StoredTrace {
  readonly summary: TraceSummary;
  /** Ordered by start time, then span id. */
  readonly spans: readonly StoredSpan[];
}

export interface OperationInfo {
  readonly service: string;
  readonly name: string;
  readonly kind: string;
}

/** The store's counters since it was opened. */
export interface TraceStoreStats {
  readonly engine: 'duckdb' | 'postgres';
  readonly writes: number;
  readonly writeFailures: number;
  readonly spansInserted: number;
  /** Spans given again (same trace and span id) and ignored. */
  readonly spansDuplicate: number;
  /** Traces and spans removed by the age or size cap. */
  readonly tracesEvicted: number;
  readonly spansEvicted: number;
  /** Housekeeping passes that failed on their own schedule (PostgreSQL's hourly partitions), and the last error. */
  readonly maintenanceFailures: number;
  readonly lastMaintenanceError?: string;
  /** DuckDB: the spans in the store now. PostgreSQL: not kept (undefined). */
  readonly spansStored?: number;
}

export interface TraceStore {
  readonly engine: 'duckdb' | 'postgres';
  /**
   * Runs one SQL statement (the document's queries run as written) with `$1`-style parameters;
   * rows are plain objects with the same value types on both engines: integers as numbers (decimal
   * text past 2^53), timestamps as `Date`, JSON columns parsed.
   */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Stores spans in one transaction; spans already stored are ignored (idempotent). */
  write(rows: readonly SpanRow[]): Promise<WriteResult>;
  /** The whole trace, or undefined when no span of it is stored. */
  getTrace(traceId: string): Promise<StoredTrace | undefined>;
  /** Trace summaries matching `query`, newest first. */
  searchTraces(query?: TraceQuery): Promise<TraceSummary[]>;
  services(): Promise<string[]>;
  operations(service?: string): Promise<OperationInfo[]>;
  stats(): TraceStoreStats;
  /**
   * Applies the age and size caps now; they also run on their own (DuckDB: the size cap with each
   * write, the age cap at most once a minute; PostgreSQL: partitions and retention hourly).
   */
  maintain(): Promise<void>;
  /** Waits for writes in progress, then closes. Calls after it reject. */
  close(): Promise<void>;
}

/** What a store's calls reject with after `close()`. */
export class StoreClosedError extends Error {
  override readonly name = 'StoreClosedError';
  constructor() {
    super('the trace store is closed');
  }
}

const TRACE_ID = /^[0-9a-f]{32}$/;
const NOTHING_EVICTED: Evicted = { traces: 0, spans: 0 };
const SUMMARY_COLUMNS = `trace_id, start_time, end_time, start_unix_nanos, duration_ms, root_service, root_operation,
  root_span_id, span_count, error_count`;

/**
 * Opens (creating its tables) a trace store: DuckDB in a file by default, PostgreSQL with `url`.
 * @throws InvalidOptionError for a bad option; Error when the database cannot be opened.
 */
export async function openTraceStore(options?: TraceStoreOptions): Promise<TraceStore> {
  const resolved = resolveStoreOptions(options);
  if (resolved.engine === 'duckdb') {
    const engine = await DuckDbEngine.open(resolved.path);
    await engine.prepareBatches(BATCH_SHAPES);
    const [count] = await engine.query('SELECT count(*) AS n FROM forge_traces');
    const store = new SqlTraceStore(engine, resolved, Number(count?.n ?? 0));
    await store.maintain();
    return store;
  }
  const days = Math.ceil(resolved.maxAgeMillis / 86_400_000);
  let store: SqlTraceStore | undefined;
  const engine = await PostgresEngine.open(resolved.url, {
    retentionDays: days,
    partitionsAhead: resolved.partitionsAhead,
    onExpired: (traces, spans) => store?.countEvicted(traces, spans),
    onError: (error) => store?.countMaintenanceFailure(error),
  });
  store = new SqlTraceStore(engine, resolved, undefined);
  return store;
}

class SqlTraceStore implements TraceStore {
  readonly #engine: StoreEngine;
  readonly #options: ResolvedStoreOptions;
  readonly #writer: SpanWriter;
  #closed: Promise<void> | undefined;
  /** DuckDB only: spans stored, for the size cap. */
  #stored: number | undefined;
  #lastAgeCheck = 0;
  #writes = 0;
  #writeFailures = 0;
  #inserted = 0;
  #duplicates = 0;
  #tracesEvicted = 0;
  #spansEvicted = 0;
  #maintenanceFailures = 0;
  #lastMaintenanceError: string | undefined;

  constructor(engine: StoreEngine, options: ResolvedStoreOptions, stored: number | undefined) {
    this.#engine = engine;
    this.#options = options;
    this.#writer = new SpanWriter(engine.dialect);
    this.#stored = stored;
  }

  get engine(): 'duckdb' | 'postgres' {
    return this.#engine.dialect;
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    this.#checkOpen();
    return this.#engine.query(sql, params);
  }

  async write(rows: readonly SpanRow[]): Promise<WriteResult> {
    this.#checkOpen();
    if (rows.length === 0) return { inserted: 0, duplicates: 0 };
    let outcome: readonly [WriteResult, Evicted];
    try {
      outcome = await this.#commit(rows);
    } catch (error) {
      this.#writeFailures++;
      // Its operations may be remembered as stored, and were rolled back.
      this.#writer.forgetOperations();
      throw error;
    }
    // Counted once committed: a write that failed changed nothing.
    const [written, evicted] = outcome;
    this.#writes++;
    this.#inserted += written.inserted;
    this.#duplicates += written.duplicates;
    if (this.#stored !== undefined) this.#stored += written.inserted;
    this.#afterEviction(evicted);
    return written;
  }

  /** One transaction, run again (up to three times in all) when it raced a partition being attached. */
  async #commit(rows: readonly SpanRow[]): Promise<readonly [WriteResult, Evicted]> {
    for (let tries = 1; ; tries++) {
      try {
        return await this.#engine.write(async (session) => {
          const result = await this.#writer.write(session, rows);
          const stored = this.#stored === undefined ? undefined : this.#stored + result.inserted;
          return [result, stored === undefined ? NOTHING_EVICTED : await this.#applyCaps(session, stored)] as const;
        });
      } catch (error) {
        if (!isPartitionRace(error) || tries >= 3) throw error;
      }
    }
  }

  async maintain(): Promise<void> {
    this.#checkOpen();
    if (this.#stored === undefined) {
      try {
        return await this.#engine.maintain?.();
      } catch (error) {
        this.countMaintenanceFailure(error);
        throw error;
      }
    }
    this.#lastAgeCheck = 0;
    this.#afterEviction(await this.#engine.write((session) => this.#applyCaps(session, this.#stored!)));
  }

  async #applyCaps(session: SqlSession, stored: number): Promise<Evicted> {
    const now = Date.now();
    const overSize = stored > this.#options.maxSpans;
    if (!overSize && now - this.#lastAgeCheck < 60_000) return NOTHING_EVICTED;
    this.#lastAgeCheck = now;
    const cutoff = BigInt(now - this.#options.maxAgeMillis) * 1_000_000n;
    const target = overSize ? Math.floor(this.#options.maxSpans * 0.9) : stored;
    return evict(session, cutoff, stored, target);
  }

  #afterEviction(evicted: Evicted): void {
    if (evicted.traces === 0) return;
    // The eviction removed the operations no stored span has any more (FORGET_ORPHAN_OPERATIONS).
    this.#writer.forgetOperations();
    this.#stored! -= evicted.spans;
    this.countEvicted(evicted.traces, evicted.spans);
  }

  countMaintenanceFailure(error: unknown): void {
    this.#maintenanceFailures++;
    this.#lastMaintenanceError = error instanceof Error ? error.message : String(error);
  }

  countEvicted(traces: number, spans: number): void {
    this.#tracesEvicted += traces;
    this.#spansEvicted += spans;
  }

  async getTrace(traceId: string): Promise<StoredTrace | undefined> {
    this.#checkOpen();
    const id = traceId.toLowerCase();
    if (!TRACE_ID.test(id)) return undefined;
    const [summary] = await this.#engine.query(`SELECT ${SUMMARY_COLUMNS} FROM forge_trace_summaries WHERE trace_id = $1`, [id]);
    if (summary === undefined) return undefined;
    const spans = await this.#engine.query(
      'SELECT * FROM forge_traces WHERE trace_id = $1 ORDER BY start_unix_nanos, span_id',
      [id],
    );
    const [withServices] = await this.#withServices([summary]);
    return { summary: withServices!, spans };
  }

  async searchTraces(query: TraceQuery = {}): Promise<TraceSummary[]> {
    this.#checkOpen();
    const { sql, params } = searchSql(this.#engine.dialect, query);
    return this.#withServices(await this.#engine.query(sql, params));
  }

  async #withServices(summaries: Row[]): Promise<TraceSummary[]> {
    if (summaries.length === 0) return [];
    const ids = summaries.map((row) => row.trace_id);
    const placeholders = ids.map((_, i) => `$${i + 1}`).join(', ');
    const services = await this.#engine.query(
      `SELECT trace_id, service_name, span_count, error_count FROM forge_trace_services
       WHERE trace_id IN (${placeholders}) ORDER BY span_count DESC, service_name`,
      ids,
    );
    const byTrace = new Map<unknown, { name: string; span_count: number; error_count: number }[]>();
    for (const row of services) {
      const list = byTrace.get(row.trace_id) ?? [];
      list.push({ name: String(row.service_name), span_count: Number(row.span_count), error_count: Number(row.error_count) });
      byTrace.set(row.trace_id, list);
    }
    return summaries.map((row) => ({ ...(row as unknown as TraceSummary), services: byTrace.get(row.trace_id) ?? [] }));
  }

  async services(): Promise<string[]> {
    this.#checkOpen();
    const rows = await this.#engine.query('SELECT DISTINCT service_name FROM forge_operations ORDER BY service_name');
    return rows.map((row) => String(row.service_name));
  }

  async operations(service?: string): Promise<OperationInfo[]> {
    this.#checkOpen();
    const rows =
      service === undefined
        ? await this.#engine.query('SELECT * FROM forge_operations ORDER BY service_name, operation_name, kind')
        : await this.#engine.query(
            'SELECT * FROM forge_operations WHERE service_name = $1 ORDER BY operation_name, kind',
            [service],
          );
    return rows.map((row) => ({ service: String(row.service_name), name: String(row.operation_name), kind: String(row.kind) }));
  }

  stats(): TraceStoreStats {
    return {
      engine: this.#engine.dialect,
      writes: this.#writes,
      writeFailures: this.#writeFailures,
      spansInserted: this.#inserted,
      spansDuplicate: this.#duplicates,
      tracesEvicted: this.#tracesEvicted,
      spansEvicted: this.#spansEvicted,
      maintenanceFailures: this.#maintenanceFailures,
      ...(this.#lastMaintenanceError === undefined ? {} : { lastMaintenanceError: this.#lastMaintenanceError }),
      ...(this.#stored === undefined ? {} : { spansStored: this.#stored }),
    };
  }

  close(): Promise<void> {
    this.#closed ??= this.#engine.close();
    return this.#closed;
  }

  #checkOpen(): void {
    if (this.#closed !== undefined) throw new StoreClosedError();
  }
}
