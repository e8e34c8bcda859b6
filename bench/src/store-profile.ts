// `--profile` of the store benchmark: where a write's time goes, by statement. Wraps the SQL calls
// the store makes (pg's Client.query, DuckDB's Connection.run and Appender.flushSync) and sums the
// wall time of each kind of statement; what a write spends outside them is JavaScript in the store
// (row values, JSON.stringify, trace deltas, DuckDB's appends). Costs a timer pair per statement.
// The bench depends on the store's exact versions of pg and @duckdb/node-api, so pnpm links the
// same module instances the store's connections come from.
import { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';

type Totals = Map<string, { calls: number; ms: number }>;

export interface StatementProfile {
  /** Milliseconds and calls by statement kind since the last reset, largest first. */
  take(): { label: string; calls: number; ms: number }[];
}

export function profileStatements(): StatementProfile {
  const totals: Totals = new Map();
  const add = (label: string, ms: number) => {
    const total = totals.get(label) ?? { calls: 0, ms: 0 };
    total.calls++;
    total.ms += ms;
    totals.set(label, total);
  };
  const timed = <F extends (this: unknown, ...args: never[]) => unknown>(original: F, labelOf: (args: Parameters<F>) => string) =>
    function (this: unknown, ...args: Parameters<F>) {
      const start = performance.now();
      const result = original.apply(this, args);
      const done = () => add(labelOf(args), performance.now() - start);
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    } as unknown as F;

  const clientQuery = pg.Client.prototype.query as (this: unknown, ...args: never[]) => unknown;
  pg.Client.prototype.query = timed(clientQuery, (args) => labelOf(args[0] as unknown)) as typeof pg.Client.prototype.query;
  const run = DuckDBConnection.prototype.run as (this: unknown, ...args: never[]) => unknown;
  DuckDBConnection.prototype.run = timed(run, (args) => labelOf(args[0] as unknown)) as typeof DuckDBConnection.prototype.run;
  const flush = DuckDBAppender.prototype.flushSync as (this: unknown, ...args: never[]) => unknown;
  DuckDBAppender.prototype.flushSync = timed(flush, () => 'appender flushSync') as typeof DuckDBAppender.prototype.flushSync;

  return {
    take() {
      const list = [...totals].map(([label, total]) => ({ label, ...total })).sort((a, b) => b.ms - a.ms);
      totals.clear();
      return list;
    },
  };
}

/** A statement's kind: its verb and table (`INSERT INTO forge_traces`), not its values. */
function labelOf(sql: unknown): string {
  const text = typeof sql === 'string' ? sql : typeof sql === 'object' && sql !== null && 'text' in sql ? String(sql.text) : '?';
  const words = text.trim().replace(/\s+/g, ' ').split(' ');
  const verb = words[0]?.toUpperCase();
  if (verb === 'INSERT' || verb === 'DELETE') return words.slice(0, 3).join(' ');
  if (verb === 'CREATE') return words.slice(0, 4).join(' ');
  if (verb === 'SELECT') return `SELECT … FROM ${words[words.findIndex((w) => w.toUpperCase() === 'FROM') + 1] ?? '?'}`;
  return words.slice(0, 2).join(' ');
}
