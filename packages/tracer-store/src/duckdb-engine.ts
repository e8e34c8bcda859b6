import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection, type DuckDBType, type DuckDBValue } from '@duckdb/node-api';
import { integerValue, jsonValue } from './row-values.js';
import { ensureSchema } from './schema.js';
import { SerialQueue } from './serial-queue.js';
import type { BatchColumn, Row, SqlSession, StoreEngine } from './sql-session.js';

const STAGED_TYPES = { text: 'VARCHAR', bigint: 'BIGINT', integer: 'INTEGER', boolean: 'BOOLEAN' } as const;

/**
 * The embedded engine: DuckDB in this process, in a file or in memory. One connection writes (a
 * queue keeps one transaction at a time), one reads; DuckDB's MVCC lets reads see the last commit
 * while a write runs. A file can be open in one process only (DuckDB locks it).
 */
export class DuckDbEngine implements StoreEngine {
  readonly dialect = 'duckdb' as const;
  readonly #instance: DuckDBInstance;
  readonly #writer: DuckDBConnection;
  readonly #reader: DuckDBConnection;
  readonly #writes = new SerialQueue();
  readonly #reads = new SerialQueue();
  /** Staging tables made outside any transaction: they last as long as the connection. */
  readonly #prepared = new Set<string>();

  private constructor(instance: DuckDBInstance, writer: DuckDBConnection, reader: DuckDBConnection) {
    this.#instance = instance;
    this.#writer = writer;
    this.#reader = reader;
  }

  /** Opens (creating) the database at `path`, or in memory when `path` is `:memory:`. */
  static async open(path: string): Promise<DuckDbEngine> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    let instance: DuckDBInstance;
    try {
      instance = await DuckDBInstance.create(path);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const hint = /lock/i.test(message)
        ? ' (DuckDB lets one process open a file: stop the other one, or send it spans over OTLP instead)'
        : '';
      throw new Error(`cannot open the trace store ${path}: ${message}${hint}`, { cause: error });
    }
    const writer = await instance.connect();
    const reader = await instance.connect();
    // Timestamps are absolute; UTC keeps casts from TIMESTAMP the same on every machine.
    for (const connection of [writer, reader]) await connection.run(`SET TimeZone = 'UTC'`);
    try {
      await ensureSchema('duckdb', (sql) => run(writer, sql), path);
    } catch (error) {
      writer.closeSync();
      reader.closeSync();
      instance.closeSync();
      throw error;
    }
    return new DuckDbEngine(instance, writer, reader);
  }

  query(sql: string, params?: readonly unknown[]): Promise<Row[]> {
    return this.#reads.run(() => run(this.#reader, sql, params));
  }

  /** Makes the staging tables of these batch shapes now, outside any write (each saved ~2 ms a write). */
  prepareBatches(shapes: readonly (readonly BatchColumn[])[]): Promise<void> {
    return this.#writes.run(async () => {
      for (const columns of shapes) {
        const table = stagedTable(columns);
        await this.#writer.run(createStaged(table, columns));
        this.#prepared.add(table);
      }
    });
  }

  write<T>(work: (session: SqlSession) => Promise<T>): Promise<T> {
    return this.#writes.run(async () => {
      await this.#writer.run('BEGIN TRANSACTION');
      try {
        const result = await work(this.#session());
        await this.#writer.run('COMMIT');
        return result;
      } catch (error) {
        await this.#writer.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
    });
  }

  #session(): SqlSession {
    return {
      query: (sql, params) => run(this.#writer, sql, params),
      withBatch: (columns, rows, sql) => this.#withBatch(columns, rows, sql),
    };
  }

  async #withBatch(columns: readonly BatchColumn[], rows: readonly (readonly unknown[])[], sql: string): Promise<Row[]> {
    const table = stagedTable(columns);
    // A shape not prepared is made in the write's transaction, so it is not remembered: a
    // rolled-back write takes its CREATE with it.
    if (!this.#prepared.has(table)) await this.#writer.run(createStaged(table, columns));
    await this.#writer.run(`DELETE FROM ${table}`);
    const appender = await this.#writer.createAppender(table, null, 'temp');
    try {
      for (const row of rows) appendRow(appender, columns, row);
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    return run(this.#writer, sql.replaceAll('{batch}', table));
  }

  async close(): Promise<void> {
    // Waits for what is queued, so a close never cuts a write in half.
    await this.#writes.run(async () => undefined);
    await this.#reads.run(async () => undefined);
    this.#writer.closeSync();
    this.#reader.closeSync();
    this.#instance.closeSync();
  }
}

function stagedTable(columns: readonly BatchColumn[]): string {
  return `staged_${columns.map((column) => column.name).join('_').slice(0, 40)}_${columns.length}`;
}

function createStaged(table: string, columns: readonly BatchColumn[]): string {
  return `CREATE TEMP TABLE IF NOT EXISTS ${table} (${columns.map((column) => `${column.name} ${STAGED_TYPES[column.type]}`).join(', ')})`;
}

function appendRow(appender: DuckDBAppender, columns: readonly BatchColumn[], row: readonly unknown[]): void {
  for (let i = 0; i < columns.length; i++) {
    const value = row[i];
    if (value === null || value === undefined) {
      appender.appendNull();
      continue;
    }
    switch (columns[i]!.type) {
      case 'text':
        appender.appendVarchar(value as string);
        break;
      case 'bigint':
        appender.appendBigInt(value as bigint);
        break;
      case 'integer':
        appender.appendInteger(value as number);
        break;
      case 'boolean':
        appender.appendBoolean(value as boolean);
        break;
    }
  }
  appender.endRow();
}

async function run(connection: DuckDBConnection, sql: string, params?: readonly unknown[]): Promise<Row[]> {
  const values = params === undefined || params.length === 0 ? undefined : params.map(toDuckDbParam);
  const reader = await connection.runAndReadAll(sql, values as DuckDBValue[] | undefined);
  const types = reader.columnTypes();
  const rows = reader.getRowObjectsJS() as Row[];
  const converters = reader.columnNames().map((name, i) => [name, converterFor(types[i]!)] as const);
  for (const row of rows) {
    for (const [name, convert] of converters) if (convert !== undefined) row[name] = convert(row[name]);
  }
  return rows;
}

type Converter = (value: unknown) => unknown;

function converterFor(type: DuckDBType): Converter | undefined {
  if (type.alias === 'JSON') return jsonValue;
  return containsBigInt(type) ? normalizeBigInts : undefined;
}

function containsBigInt(type: DuckDBType): boolean {
  return /INT|LIST|STRUCT|MAP|\[/.test(String(type));
}

function normalizeBigInts(value: unknown): unknown {
  if (typeof value === 'bigint') return integerValue(value);
  if (Array.isArray(value)) return value.map(normalizeBigInts);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = normalizeBigInts(item);
    return out;
  }
  return value;
}

/** Parameters as DuckDB binds them: numbers that are integers bind as BIGINT, not DOUBLE. */
function toDuckDbParam(value: unknown): unknown {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return BigInt(value);
  if (value instanceof Date) return value.toISOString();
  return value;
}
