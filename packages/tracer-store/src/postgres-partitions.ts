import type pg from 'pg';
import { withSchemaLock } from './postgres-schema-lock.js';
import { FORGET_ORPHAN_OPERATIONS } from './schema.js';
import type { Row } from './sql-session.js';

export interface PartitionOptions {
  /** Days kept: partitions whose whole day is older are dropped (with their summaries). */
  readonly retentionDays: number;
  /** Days after today whose partitions exist before their first span. */
  readonly partitionsAhead: number;
  /** Called with what a pass of {@link PostgresPartitions.maintain} removed, for the store's counters. */
  readonly onExpired?: (traces: number, spans: number) => void;
  /** Called when a pass on the hourly timer fails (the next one tries again). */
  readonly onError?: (error: unknown) => void;
}

type Run = (sql: string) => Promise<Row[]>;

const DAY_MILLIS = 86_400_000;
const HOUR_MILLIS = 3_600_000;
const PARTITION_NAME = /^forge_traces_(\d{4})(\d{2})(\d{2})$/;

/**
 * A day's partition is vacuumed by autovacuum every 10,000 rows and 1% inserted, not PostgreSQL's
 * 20%: vacuum marks pages all-visible, and only then can the covering index on (operation_name,
 * start_time) answer the document's slow-traces query without reading one heap page per span. That
 * query asks for the last hour, the rows the default setting leaves unvacuumed longest. Measured on
 * 1M spans (50,000 matching, index and heap not cached): 766-822 ms before a vacuum, 117 ms after
 * autovacuum ran with these settings, 45 ms after a VACUUM ANALYZE.
 */
const VACUUM_OFTEN_SETTINGS = ['autovacuum_vacuum_insert_threshold=10000', 'autovacuum_vacuum_insert_scale_factor=0.01'];
/** {@link VACUUM_OFTEN_SETTINGS} as a `WITH (...)` / `SET (...)` list. */
const VACUUM_OFTEN = VACUUM_OFTEN_SETTINGS.join(', ');

/**
 * Daily partitions of `forge_traces` on `start_time` (UTC days), as the document's table asks:
 * `forge_traces_YYYYMMDD` for today and `partitionsAhead` days after, and `forge_traces_default` for
 * any other time (old spans sent late, a skewed clock). A day's partition is created in one
 * transaction that first moves that day's rows out of the default partition, so creating it can
 * never fail on rows that arrived early. Days past retention are dropped whole, which is how
 * PostgreSQL deletes old rows without vacuuming them.
 */
export class PostgresPartitions {
  readonly #pool: pg.Pool;
  readonly #options: PartitionOptions;
  #running: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(pool: pg.Pool, options: PartitionOptions) {
    this.#pool = pool;
    this.#options = options;
  }

  /**
   * One pass on one connection (a failed partition's ROLLBACK must reach the connection that
   * failed). Passes never overlap: a call while one runs waits for it and runs after.
   */
  maintain(now = Date.now()): Promise<void> {
    const pass = this.#running.then(() => this.#pass(now));
    this.#running = pass.catch(() => undefined);
    return pass;
  }

  /** One pass, on a connection of its own holding the schema lock (one pass or setup at a time across processes). */
  #pass(now: number): Promise<void> {
    return withSchemaLock(this.#pool, (client) =>
      this.#steps(async (sql: string): Promise<Row[]> => {
        const result = (await client.query(sql)) as pg.QueryResult | pg.QueryResult[];
        return (Array.isArray(result) ? (result.at(-1)?.rows ?? []) : result.rows) as Row[];
      }, now),
    );
  }

  async #steps(run: Run, now: number): Promise<void> {
    await run(`CREATE TABLE IF NOT EXISTS forge_traces_default PARTITION OF forge_traces DEFAULT WITH (${VACUUM_OFTEN})`);
    const existing = new Set(await this.#partitionDays(run));
    const today = Math.floor(now / DAY_MILLIS) * DAY_MILLIS;
    let failure: unknown;
    for (let day = 0; day <= this.#options.partitionsAhead; day++) {
      const start = today + day * DAY_MILLIS;
      // A day that cannot be made now is tried again next pass; expiry below still runs.
      if (!existing.has(start)) await this.#create(run, start).catch((error: unknown) => (failure ??= error));
    }
    await this.#vacuumOften(run);
    await this.#expire(run, today - this.#options.retentionDays * DAY_MILLIS);
    // Fresh statistics for the lookups: before autovacuum gets to a table that grew fast, the
    // planner read 20 trace ids from forge_trace_services by scanning it (bench/README.md, store).
    await run('ANALYZE forge_trace_summaries, forge_trace_services');
    if (failure !== undefined) throw failure;
  }

  /** Partitions made by an earlier version (or by hand) get {@link VACUUM_OFTEN} too. Does not block writes. */
  async #vacuumOften(run: Run): Promise<void> {
    for (const { name, options } of await partitions(run)) {
      if (!VACUUM_OFTEN_SETTINGS.every((setting) => options.includes(setting))) await run(`ALTER TABLE ${quoteIdentifier(name)} SET (${VACUUM_OFTEN})`);
    }
  }

  startTimer(): void {
    this.#timer = setInterval(() => {
      this.maintain().catch((error: unknown) => this.#options.onError?.(error));
    }, HOUR_MILLIS);
    this.#timer.unref();
  }

  stopTimer(): void {
    clearInterval(this.#timer);
  }

  async #partitionDays(run: Run): Promise<number[]> {
    return (await partitions(run)).flatMap(({ name }) => {
      const match = PARTITION_NAME.exec(name);
      return match === null ? [] : [Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))];
    });
  }

  async #create(run: Run, start: number): Promise<void> {
    const name = partitionName(start);
    const from = new Date(start).toISOString();
    const to = new Date(start + DAY_MILLIS).toISOString();
    // One statement list, one transaction: a concurrent creator makes this fail whole, harmlessly.
    // The default partition is locked first: rows written into it while the day's rows move
    // would break ATTACH's check ("updated partition constraint ... would be violated").
    await run(
      `BEGIN;
       LOCK TABLE forge_traces_default IN ACCESS EXCLUSIVE MODE;
       CREATE TABLE ${name} (LIKE forge_traces INCLUDING DEFAULTS INCLUDING CONSTRAINTS) WITH (${VACUUM_OFTEN});
       WITH moved AS (DELETE FROM forge_traces_default WHERE start_time >= '${from}' AND start_time < '${to}' RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved;
       ALTER TABLE forge_traces ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}');
       COMMIT;`,
    ).catch(async (error: unknown) => {
      await run('ROLLBACK').catch(() => undefined);
      if (!/already exists/.test(String(error))) throw error;
    });
  }

  async #expire(run: Run, cutoff: number): Promise<void> {
    let spans = 0;
    for (const start of await this.#partitionDays(run)) {
      if (start + DAY_MILLIS > cutoff) continue;
      const name = partitionName(start);
      const [count] = await run(`SELECT count(*) AS n FROM ${name}`);
      await run(`DROP TABLE IF EXISTS ${name}`);
      spans += Number(count?.n ?? 0);
    }
    const since = `'${new Date(cutoff).toISOString()}'`;
    const [fromDefault] = await run(
      `WITH gone AS (DELETE FROM forge_traces_default WHERE start_time < ${since} RETURNING 1) SELECT count(*) AS n FROM gone`,
    );
    spans += Number(fromDefault?.n ?? 0);
    for (const table of ['forge_trace_services', 'forge_span_keys']) {
      await run(`DELETE FROM ${table} WHERE trace_id IN (SELECT trace_id FROM forge_trace_summaries WHERE end_time < ${since})`);
    }
    const [traces] = await run(
      `WITH gone AS (DELETE FROM forge_trace_summaries WHERE end_time < ${since} RETURNING 1) SELECT count(*) AS n FROM gone`,
    );
    const tracesExpired = Number(traces?.n ?? 0);
    // Locked against writers first: a write that found its operation listed (ON CONFLICT DO
    // NOTHING) and has not committed its span must not lose the operation to this delete, which
    // cannot see that span. The lock waits for such writes to commit, and makes later ones wait.
    if (spans > 0) {
      await run(`BEGIN; LOCK TABLE forge_operations IN SHARE ROW EXCLUSIVE MODE; ${FORGET_ORPHAN_OPERATIONS}; COMMIT;`).catch(async (error: unknown) => {
        await run('ROLLBACK').catch(() => undefined);
        throw error;
      });
    }
    if (tracesExpired > 0 || spans > 0) this.#options.onExpired?.(tracesExpired, spans);
  }
}

function partitionName(start: number): string {
  return `forge_traces_${new Date(start).toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** The partitions of forge_traces (the default one included) and their storage settings. */
async function partitions(run: Run): Promise<{ name: string; options: readonly string[] }[]> {
  const rows = await run(
    `SELECT c.relname AS name, c.reloptions AS options FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
     WHERE i.inhparent = 'forge_traces'::regclass`,
  );
  return rows.map((row) => ({ name: String(row.name), options: (row.options as string[] | null) ?? [] }));
}

/** A name as a PostgreSQL identifier, quoted. */
function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
