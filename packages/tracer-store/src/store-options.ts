import { InvalidOptionError } from '@x/tracer-core';
import { parseDuration } from './duration.js';

/** Where the store lives and how much it keeps. */
export interface TraceStoreOptions {
  /** `'duckdb'` (embedded, the default) or `'postgres'` (the default when `url` is given). */
  readonly engine?: 'duckdb' | 'postgres';
  /** DuckDB's file, created with its folder; `':memory:'` keeps nothing. @defaultValue '.x-tracing/traces.duckdb' */
  readonly path?: string;
  /** PostgreSQL's connection URL (`postgres://user:password@host:5432/db`). */
  readonly url?: string;
  /**
   * Oldest traces are evicted (and counted) past this age: milliseconds or a duration (`'7d'`).
   * PostgreSQL drops whole days, so there it is rounded up to days. @defaultValue '7d'
   */
  readonly maxAge?: number | string;
  /**
   * DuckDB only: past this many spans, the oldest traces are evicted (and counted) down to 90% of
   * it. @defaultValue 1_000_000
   */
  readonly maxSpans?: number;
  /** PostgreSQL only: days after today whose partitions are created ahead. @defaultValue 2 */
  readonly partitionsAhead?: number;
}

export interface ResolvedStoreOptions {
  readonly engine: 'duckdb' | 'postgres';
  readonly path: string;
  readonly url: string;
  readonly maxAgeMillis: number;
  readonly maxSpans: number;
  readonly partitionsAhead: number;
}

export const DEFAULT_STORE_PATH = '.x-tracing/traces.duckdb';
const KNOWN = new Set(['engine', 'path', 'url', 'maxAge', 'maxSpans', 'partitionsAhead']);

/** @throws InvalidOptionError naming the option, the value and what is allowed. */
export function resolveStoreOptions(options: TraceStoreOptions | undefined): ResolvedStoreOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidOptionError(`openTraceStore options must be an object, got ${typeof options}`);
  }
  const given = options ?? {};
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) throw new InvalidOptionError(`openTraceStore: unknown option '${key}'; the options are ${[...KNOWN].join(', ')}`);
  }
  const engine = given.engine ?? (given.url === undefined ? 'duckdb' : 'postgres');
  if (engine !== 'duckdb' && engine !== 'postgres') {
    throw new InvalidOptionError(`openTraceStore: engine must be 'duckdb' or 'postgres', got ${JSON.stringify(engine)}`);
  }
  if (engine === 'postgres' && (typeof given.url !== 'string' || !/^postgres(ql)?:\/\//.test(given.url))) {
    throw new InvalidOptionError(`openTraceStore: engine 'postgres' needs url, a postgres:// or postgresql:// connection URL`);
  }
  if (engine === 'duckdb' && given.url !== undefined) {
    throw new InvalidOptionError(`openTraceStore: url is for engine 'postgres'; DuckDB takes path (a file, or ':memory:')`);
  }
  if (engine === 'postgres' && given.path !== undefined) {
    throw new InvalidOptionError(`openTraceStore: path is for DuckDB; PostgreSQL takes url only (give one of the two)`);
  }
  if (given.path !== undefined && (typeof given.path !== 'string' || given.path === '')) {
    throw new InvalidOptionError(`openTraceStore: path must be a file path or ':memory:', got ${JSON.stringify(given.path)}`);
  }
  const maxAgeMillis = parseDuration(given.maxAge ?? '7d');
  if (maxAgeMillis === undefined || maxAgeMillis < 60_000) {
    throw new InvalidOptionError(`openTraceStore: maxAge must be a duration of at least a minute ('1h', '7d', or milliseconds), got ${JSON.stringify(given.maxAge)}`);
  }
  return {
    engine,
    path: given.path ?? DEFAULT_STORE_PATH,
    url: given.url ?? '',
    maxAgeMillis,
    maxSpans: count('maxSpans', given.maxSpans, 1_000_000, 1000),
    partitionsAhead: count('partitionsAhead', given.partitionsAhead, 2, 0),
  };
}

function count(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOptionError(`openTraceStore: ${name} must be a whole number of at least ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}
