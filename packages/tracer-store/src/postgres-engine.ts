import pg from 'pg';
import { int8Text } from './row-values.js';
import { ensureSchema } from './schema.js';
import { withSchemaLock } from './postgres-schema-lock.js';
import { SerialQueue } from './serial-queue.js';
import type { BatchColumn, Row, SqlSession, StoreEngine } from './sql-session.js';
import { PostgresPartitions, type PartitionOptions } from './postgres-partitions.js';

const ARRAY_TYPES = { text: 'text[]', bigint: 'bigint[]', integer: 'integer[]', boolean: 'boolean[]' } as const;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;
const INTERVAL_OID = 1186;

interface PgInterval {
  years?: number;
  months?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/** An INTERVAL as DuckDB gives one: `{ months, days, micros }`. */
function intervalValue(text: string): { months: number; days: number; micros: number } {
  const parsed = pg.types.getTypeParser(INTERVAL_OID, 'text')(text) as PgInterval;
  const seconds = ((parsed.hours ?? 0) * 60 + (parsed.minutes ?? 0)) * 60 + (parsed.seconds ?? 0);
  return {
    months: (parsed.years ?? 0) * 12 + (parsed.months ?? 0),
    days: parsed.days ?? 0,
    micros: Math.round(seconds * 1e6 + (parsed.milliseconds ?? 0) * 1000),
  };
}

/**
 * Result values in the shape DuckDB's rows are given (see `row-values.ts`). Set on this pool only:
 * pg's global parsers belong to the application.
 */
const TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID) return int8Text;
    if (oid === NUMERIC_OID) return Number;
    // pg reads a DATE at local midnight; UTC midnight is what DuckDB gives.
    if (oid === DATE_OID) return (text: string) => new Date(`${text}T00:00:00Z`);
    if (oid === INTERVAL_OID) return intervalValue;
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * The shared engine: a PostgreSQL server through a small `pg` pool. Writes from this process go
 * one at a time (each one transaction; rows are merged in trace id order, so writers in several
 * processes take row locks in the same order and do not deadlock). `forge_traces` is partitioned
 * by day, kept by {@link PostgresPartitions}.
 */
export class PostgresEngine implements StoreEngine {
  readonly dialect = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #writes = new SerialQueue();
  readonly #partitions: PostgresPartitions;

  private constructor(pool: pg.Pool, partitions: PostgresPartitions) {
    this.#pool = pool;
    this.#partitions = partitions;
  }

  static async open(url: string, options: PartitionOptions): Promise<PostgresEngine> {
    // Sessions in UTC, as DuckDB's: date_trunc('day', start_time) must not depend on the server's zone.
    const pool = new pg.Pool({ connectionString: url, max: 4, types: TYPES, application_name: 'x-tracing store', options: '-c TimeZone=UTC' });
    // An idle client's error (the server restarting) must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    try {
      await pool.query('SELECT 1');
      // Two processes opening one database at once must not race on CREATE TABLE.
      await withSchemaLock(pool, (client) =>
        ensureSchema('postgres', async (sql) => (await client.query(sql)).rows as Row[], `at ${redactUrl(url)}`),
      );
    } catch (error) {
      await pool.end().catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`cannot open the trace store at ${redactUrl(url)}: ${message}`, { cause: error });
    }
    const partitions = new PostgresPartitions(pool, options);
    await partitions.maintain();
    partitions.startTimer();
    return new PostgresEngine(pool, partitions);
  }

  async query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    const result = await this.#pool.query(sql, params === undefined ? undefined : params.map(toPgParam));
    return rowsOf(result);
  }

  write<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      const client = await this.#pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(sessionOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
  }

  /** Creates the partitions ahead and drops those past retention now (it also runs hourly). */
  maintain(): Promise<void> {
    return this.#partitions.maintain();
  }

  async close(): Promise<void> {
    this.#partitions.stopTimer();
    await this.#writes.run(async () => undefined);
    await this.#pool.end();
  }
}

function sessionOf(client: pg.PoolClient): SqlSession {
  return {
    query: async (sql, params) => rowsOf(await client.query(sql, params === undefined ? undefined : params.map(toPgParam))),
    withBatch: async (columns, rows, sql) => {
      const { relation, params } = unnestRelation(columns, rows);
      return rowsOf(await client.query(sql.replaceAll('{batch}', relation), params));
    },
  };
}

/** `(SELECT * FROM unnest($1::text[], ...) AS batch(...))` and its parameters, one array a column. */
function unnestRelation(columns: readonly BatchColumn[], rows: readonly (readonly unknown[])[]) {
  const params = columns.map((column, i) =>
    rows.map((row) => {
      const value = row[i];
      return typeof value === 'bigint' ? value.toString() : (value ?? null);
    }),
  );
  const arrays = columns.map((column, i) => `$${i + 1}::${ARRAY_TYPES[column.type]}`).join(', ');
  const names = columns.map((column) => column.name).join(', ');
  return { relation: `(SELECT * FROM unnest(${arrays}) AS batch(${names}))`, params };
}

function rowsOf(result: pg.QueryResult | pg.QueryResult[]): Row[] {
  // A multi-statement text gives one result per statement; the last one is the answer.
  const last = Array.isArray(result) ? result[result.length - 1] : result;
  return (last?.rows ?? []) as Row[];
}

function toPgParam(value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** A connection URL without its password, for errors. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(a connection string that is not a URL)';
  }
}
