import { InvalidOptionError, type InstrumentationScope, type TracerPlugin } from '@x/tracer-core';
import { checkPlugin, describe, positiveInteger } from '@x/tracer-core/internal';
import { DEFAULT_RECORD_LIMITS, RecordStore, type RecordLimits } from './record-store.js';
import type { TraceRuntime } from './trace-runtime.js';
import { propagationSettings } from './propagation/propagation.js';
import { isKey } from './propagation/tracestate.js';

/** What `configure` takes. Every call sets the whole configuration: what is left out goes back to its default. */
export interface ConfigureOptions {
  /**
   * The site's tracer: any `TracerPlugin` (stdout, OTLP, a fan-out, a third party's). Flushing and
   * shutting it down stay with whoever built it. @defaultValue none: spans are kept as records only
   */
  readonly tracer?: TracerPlugin | null;
  /**
   * The application's name: the instrumentation scope of the top-level functions (`getTracer`
   * scopes keep their own). @defaultValue 'unknown_service:node', OpenTelemetry's fallback service name
   */
  readonly service?: string;
  /**
   * Keep finished spans for `flush()` / `exportRecords()`: true (the default bounds), false, or
   * the bounds. Records of spans the tracer did not sample are not kept. @defaultValue true
   */
  readonly records?: boolean | Partial<RecordLimits>;
  /**
   * Most spans from `start` / `startSpan` open at once; past it the oldest is forgotten and
   * counted (`spansEvicted`), so a missing `end()` cannot grow memory without bound. @defaultValue 65536
   */
  readonly maxLiveSpans?: number;
  /**
   * The key of our own member in the W3C `tracestate` we send (its value is the span id), put first
   * as the Recommendation asks of a participating vendor; null: send the caller's tracestate on
   * unchanged. A tracestate key: lowercase, digits, `_-*\/`, optionally `tenant@system`.
   * @defaultValue 'xtrace'
   */
  readonly traceStateKey?: string | null;
}

export const DEFAULT_SERVICE = 'unknown_service:node';
export const DEFAULT_MAX_LIVE_SPANS = 65536;
const KEYS = new Set(['tracer', 'service', 'records', 'maxLiveSpans', 'traceStateKey']);
export const DEFAULT_TRACE_STATE_KEY = 'xtrace';

/** The validated form of {@link ConfigureOptions}. */
export interface Configuration {
  readonly plugin: TracerPlugin | undefined;
  readonly scope: InstrumentationScope;
  readonly records: RecordLimits | undefined;
  readonly maxLiveSpans: number;
  readonly traceStateKey: string | null;
}

/**
 * Checks `options` whole before anything changes.
 * @throws InvalidOptionError naming the option, what it got and what is allowed.
 */
export function readConfiguration(options: ConfigureOptions | undefined): Configuration {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`configure() takes an options object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!KEYS.has(key)) throw new InvalidOptionError(`configure(): unknown option ${JSON.stringify(key)}; the options are ${[...KEYS].join(', ')}`);
  }
  const { tracer, service, records, maxLiveSpans, traceStateKey } = options;
  if (traceStateKey !== undefined && traceStateKey !== null && (typeof traceStateKey !== 'string' || !isKey(traceStateKey))) {
    throw new InvalidOptionError(
      `configure(): traceStateKey must be a W3C tracestate key (lowercase letters, digits, _ - * /, optionally tenant@system) or null, got ${describe(traceStateKey)}`,
    );
  }
  if (tracer !== undefined && tracer !== null) checkPlugin(tracer, 'configure(): tracer');
  if (service !== undefined && (typeof service !== 'string' || service === '')) {
    throw new InvalidOptionError(`configure(): service must be a non-empty string, got ${describe(service)}`);
  }
  const limits = recordLimits(records);
  const plugin = tracer ?? undefined;
  if (limits === undefined && plugin === undefined) {
    throw new InvalidOptionError('configure(): records: false with no tracer would keep nothing; give a tracer, or call setEnabled(false) to turn tracing off');
  }
  return {
    plugin,
    scope: Object.freeze({ name: service ?? DEFAULT_SERVICE }),
    records: limits,
    maxLiveSpans: positiveInteger('configure(): maxLiveSpans', maxLiveSpans, DEFAULT_MAX_LIVE_SPANS),
    traceStateKey: traceStateKey === undefined ? DEFAULT_TRACE_STATE_KEY : traceStateKey,
  };
}

function recordLimits(records: ConfigureOptions['records']): RecordLimits | undefined {
  if (records === undefined || records === true) return DEFAULT_RECORD_LIMITS;
  if (records === false) return undefined;
  if (typeof records !== 'object' || records === null || Array.isArray(records)) {
    throw new InvalidOptionError(`configure(): records must be true, false or { maxRecords, maxBytes }, got ${describe(records)}`);
  }
  for (const key of Object.keys(records)) {
    if (key !== 'maxRecords' && key !== 'maxBytes') {
      throw new InvalidOptionError(`configure(): unknown records option ${JSON.stringify(key)}; the options are maxRecords, maxBytes`);
    }
  }
  return Object.freeze({
    maxRecords: positiveInteger('configure(): records.maxRecords', records.maxRecords, DEFAULT_RECORD_LIMITS.maxRecords),
    maxBytes: positiveInteger('configure(): records.maxBytes', records.maxBytes, DEFAULT_RECORD_LIMITS.maxBytes),
  });
}

/**
 * Applies a checked configuration. Spans already open keep the tracer they started on. Records
 * kept so far move to the new store (which may drop and count some, if smaller); with records
 * switched off they are dropped and counted.
 */
export function applyConfiguration(runtime: TraceRuntime, configuration: Configuration): void {
  runtime.plugin = configuration.plugin;
  runtime.defaultScope = configuration.scope;
  runtime.maxLiveSpans = configuration.maxLiveSpans;
  propagationSettings.traceStateKey = configuration.traceStateKey;
  runtime.trim(configuration.maxLiveSpans);
  const old = runtime.records;
  const limits = configuration.records;
  if (old !== undefined && limits !== undefined && sameLimits(old.limits, limits)) return;
  const store = limits === undefined ? undefined : new RecordStore(limits);
  if (old !== undefined) {
    runtime.droppedWithOldStores += old.dropped;
    if (store === undefined) runtime.droppedWithOldStores += old.size;
    else old.moveTo(store);
    old.clear();
  }
  runtime.records = store;
}

function sameLimits(a: RecordLimits, b: RecordLimits): boolean {
  return a.maxRecords === b.maxRecords && a.maxBytes === b.maxBytes;
}
