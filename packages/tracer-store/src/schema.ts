/**
 * The tables, the same on both engines up to type names: the document's `forge_traces` (its
 * columns first, as it lists them, then what OTLP carries beside them) and two small tables kept up
 * to date at ingest, so the common searches are lookups, not scans of every span:
 *
 * - `forge_trace_summaries`: one row per trace (start, end, duration, root service and operation,
 *   span and error counts);
 * - `forge_trace_services`: one row per (trace, service), for "traces that touched service X";
 * - `forge_operations`: the distinct (service, operation, kind) of the spans stored, for the API's
 *   lists (see {@link FORGET_ORPHAN_OPERATIONS}).
 *
 * PostgreSQL's `forge_traces` is partitioned by day on `start_time` (see `postgres-partitions.ts`),
 * so its primary key has to include `start_time`; DuckDB's keeps the document's key.
 */
export type Dialect = 'duckdb' | 'postgres';

const JSON_TYPE: Record<Dialect, string> = { duckdb: 'JSON', postgres: 'JSONB' };

/**
 * How `forge_traces` is keyed. PostgreSQL: the document's key plus `start_time`, which a table
 * partitioned on it must have (`forge_span_keys` keeps (trace_id, span_id) unique). DuckDB: no
 * declared key; the writer keeps (trace_id, span_id) unique by looking up `span_key` (64 bits of
 * both ids, see `ingest.ts`) before each insert. DuckDB's key index on random trace ids cost 47 µs
 * per span at 1M spans (bench/README.md, store), most of what a write cost; a join on one BIGINT
 * column reads 8 bytes a span.
 */
const SPAN_KEY: Record<Dialect, string> = {
  duckdb: '\n)',
  postgres: ',\n    PRIMARY KEY (trace_id, span_id, start_time)\n) PARTITION BY RANGE (start_time)',
};

export function schemaStatements(dialect: Dialect): string[] {
  const json = JSON_TYPE[dialect];
  return [
    `CREATE TABLE IF NOT EXISTS forge_traces (
    trace_id VARCHAR(32) NOT NULL,
    span_id VARCHAR(16) NOT NULL,
    parent_span_id VARCHAR(16),
    operation_name VARCHAR(255) NOT NULL,
    service_name VARCHAR(100) NOT NULL,
    node_id UUID,
    start_time TIMESTAMPTZ NOT NULL,
    duration_ms INTEGER NOT NULL,
    status VARCHAR(20),
    status_message TEXT,
    tags ${json} DEFAULT '{}',
    logs ${json} DEFAULT '[]',
    kind VARCHAR(16) NOT NULL DEFAULT 'internal',
    links ${json} DEFAULT '[]',
    resource ${json} DEFAULT '{}',
    status_code SMALLINT NOT NULL DEFAULT 0,
    start_unix_nanos BIGINT NOT NULL,
    duration_nanos BIGINT NOT NULL,
    scope_name TEXT,
    scope_version TEXT,
    trace_state TEXT,
    dropped_attributes_count INTEGER NOT NULL DEFAULT 0,
    dropped_events_count INTEGER NOT NULL DEFAULT 0,
    dropped_links_count INTEGER NOT NULL DEFAULT 0,
    span_key BIGINT NOT NULL${SPAN_KEY[dialect]}`,
    `CREATE TABLE IF NOT EXISTS forge_trace_summaries (
    trace_id VARCHAR(32) PRIMARY KEY,
    start_time TIMESTAMPTZ NOT NULL,
    end_time TIMESTAMPTZ NOT NULL,
    start_unix_nanos BIGINT NOT NULL,
    end_unix_nanos BIGINT NOT NULL,
    duration_ms DOUBLE PRECISION NOT NULL,
    root_service VARCHAR(100) NOT NULL,
    root_operation VARCHAR(255) NOT NULL,
    root_span_id VARCHAR(16) NOT NULL,
    root_is_parentless BOOLEAN NOT NULL,
    root_start_unix_nanos BIGINT NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL
  )`,
    `CREATE TABLE IF NOT EXISTS forge_trace_services (
    trace_id VARCHAR(32) NOT NULL,
    service_name VARCHAR(100) NOT NULL,
    span_count INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    PRIMARY KEY (trace_id, service_name)
  )`,
    `CREATE TABLE IF NOT EXISTS forge_operations (
    service_name VARCHAR(100) NOT NULL,
    operation_name VARCHAR(255) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    PRIMARY KEY (service_name, operation_name, kind)
  )`,
    ...(dialect === 'postgres'
      ? [
          // (trace_id, span_id) unique whatever the start time: forge_traces' key cannot say it.
          `CREATE TABLE IF NOT EXISTS forge_span_keys (
    trace_id VARCHAR(32) NOT NULL,
    span_id VARCHAR(16) NOT NULL,
    PRIMARY KEY (trace_id, span_id)
  )`,
          // Covering: the document's slow-traces query (an operation, a time range, trace_id and
          // duration_ms per span) reads the index alone instead of one heap page per span it
          // matches (bench/README.md, store). It replaces the narrower index of earlier versions.
          'DROP INDEX IF EXISTS forge_traces_operation',
          'CREATE INDEX IF NOT EXISTS forge_traces_operation_time ON forge_traces (operation_name, start_time) INCLUDE (trace_id, duration_ms)',
          'CREATE INDEX IF NOT EXISTS forge_traces_status ON forge_traces (status, start_time)',
          'CREATE INDEX IF NOT EXISTS forge_trace_summaries_start ON forge_trace_summaries (start_unix_nanos)',
          'CREATE INDEX IF NOT EXISTS forge_trace_summaries_duration ON forge_trace_summaries (duration_ms)',
          'CREATE INDEX IF NOT EXISTS forge_trace_services_service ON forge_trace_services (service_name, trace_id)',
        ]
      : []),
  ];
}

/**
 * Removes the operations no stored span has any more, after spans were evicted or expired: span
 * names that carry ids (`GET /users/42` where no route was set) would otherwise grow the table
 * without bound. One anti-join of the operations against `forge_traces`.
 */
export const FORGET_ORPHAN_OPERATIONS = `DELETE FROM forge_operations WHERE NOT EXISTS (
    SELECT 1 FROM forge_traces
    WHERE forge_traces.service_name = forge_operations.service_name
      AND forge_traces.operation_name = forge_operations.operation_name
      AND forge_traces.kind = forge_operations.kind)`;

/** The columns of `forge_traces` in the order engines write them. */
export const SPAN_COLUMNS = [
  'trace_id',
  'span_id',
  'parent_span_id',
  'operation_name',
  'service_name',
  'node_id',
  'start_time',
  'duration_ms',
  'status',
  'status_message',
  'tags',
  'logs',
  'kind',
  'links',
  'resource',
  'status_code',
  'start_unix_nanos',
  'duration_nanos',
  'scope_name',
  'scope_version',
  'trace_state',
  'dropped_attributes_count',
  'dropped_events_count',
  'dropped_links_count',
  'span_key',
] as const;

/**
 * The tables' version, kept in `forge_schema`. A store made by another version is refused with a
 * message rather than written with a shape its tables do not have (there are no migrations yet:
 * the package is at 0.x).
 */
export const SCHEMA_VERSION = 2;

/**
 * Creates the tables (see {@link schemaStatements}) and records the version, or throws when the
 * database holds tables of another version. `run` runs one statement and returns its rows.
 */
export async function ensureSchema(dialect: Dialect, run: (sql: string) => Promise<Record<string, unknown>[]>, where: string): Promise<void> {
  const tables = await run(
    dialect === 'duckdb'
      ? "SELECT table_name FROM information_schema.tables WHERE table_name IN ('forge_traces', 'forge_schema') AND table_schema = 'main'"
      : "SELECT table_name FROM information_schema.tables WHERE table_name IN ('forge_traces', 'forge_schema') AND table_schema = current_schema()",
  );
  const names = new Set(tables.map((row) => String(row.table_name)));
  if (names.has('forge_traces')) {
    const [row] = names.has('forge_schema') ? await run('SELECT max(version) AS version FROM forge_schema') : [];
    const version = row?.version === undefined || row.version === null ? undefined : Number(row.version);
    if (version !== SCHEMA_VERSION) {
      throw new Error(
        `the trace store ${where} has tables of ${version === undefined ? 'an earlier version' : `schema version ${version}`}, and this @x/tracer-store writes version ${SCHEMA_VERSION}: move it away (or drop its forge_* tables) to start a new one`,
      );
    }
  }
  for (const statement of schemaStatements(dialect)) await run(statement);
  await run('CREATE TABLE IF NOT EXISTS forge_schema (version INTEGER NOT NULL)');
  const [recorded] = await run('SELECT count(*) AS n FROM forge_schema');
  if (Number(recorded?.n ?? 0) === 0) await run(`INSERT INTO forge_schema VALUES (${SCHEMA_VERSION})`);
}
