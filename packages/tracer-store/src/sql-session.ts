import type { Dialect } from './schema.js';

/** A result row as `query()` gives it: a plain object, column name to value. */
export type Row = Record<string, unknown>;

/** How a batch column is typed while it is staged (see {@link SqlSession.withBatch}). */
export type BatchType = 'text' | 'bigint' | 'integer' | 'boolean';

export interface BatchColumn {
  readonly name: string;
  readonly type: BatchType;
}

/** One connection's worth of SQL: what the store's write and read paths run statements on. */
export interface SqlSession {
  /** Runs one statement with `$1`-style parameters; rows come normalized (see `row-values.ts`). */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Runs `sql`, in which the text `{batch}` names a relation with `columns` holding `rows` (each
   * row's values in column order; bigint columns take bigints, null is NULL). How the rows get
   * there is the engine's business: DuckDB appends them to a temporary table, PostgreSQL passes one
   * array per column to `unnest`. Either way one statement moves a whole batch.
   */
  withBatch(columns: readonly BatchColumn[], rows: readonly (readonly unknown[])[], sql: string): Promise<Row[]>;
}

/** A database the store runs on. */
export interface StoreEngine {
  readonly dialect: Dialect;
  /** Runs a read (or a user's statement) outside any write transaction. */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs `work` in one transaction, after every write this engine started before it. */
  write<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** Prepares what batches of these shapes need, ahead of the first write (DuckDB: staging tables). */
  prepareBatches?(shapes: readonly (readonly BatchColumn[])[]): Promise<void>;
  /** Housekeeping the engine does on its own schedule, now (PostgreSQL: partitions and retention). */
  maintain?(): Promise<void>;
  close(): Promise<void>;
}

/** SQL text that differs between the engines. */
export interface DialectSql {
  /** A TIMESTAMPTZ from an expression of nanoseconds since the Unix epoch (microsecond precision). */
  timestampFromNanos(nanos: string): string;
  /** The JSON column type, for casts. */
  readonly json: string;
  /** The text value of key `key` (a parameter placeholder) of JSON column `column`. */
  jsonText(column: string, key: string): string;
}

export const DIALECT_SQL: Record<Dialect, DialectSql> = {
  duckdb: {
    timestampFromNanos: (nanos) => `make_timestamptz((${nanos}) // 1000)`,
    json: 'JSON',
    jsonText: (column, key) => `json_extract_string(${column}, '$."' || replace(${key}, '"', '\\"') || '"')`,
  },
  postgres: {
    timestampFromNanos: (nanos) => `(timestamptz 'epoch' + ((${nanos}) / 1000) * interval '1 microsecond')`,
    json: 'JSONB',
    jsonText: (column, key) => `(${column} ->> ${key})`,
  },
};
