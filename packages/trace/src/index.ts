// @x/trace: the application tracing API. The seed's `runtime:trace` functions (start/end,
// startSpan/finishSpan, recordEvent, flush, ...), plus withSpan/currentSpan over async context,
// instrumentation scopes, and configure() to send spans to any TracerPlugin.

import { InvalidOptionError, type InstrumentationScope, type TracerPlugin } from '@x/tracer-core';
import { describe } from '@x/tracer-core/internal';
import { applyConfiguration, readConfiguration, type Configuration, type ConfigureOptions } from './configure.js';
import { checkFileOptions, hasConfigSource, isConfigDocument, tracerFromConfig, type FileConfigureOptions } from './configure-from-file.js';
import type { SpanRecord } from './span-record.js';
import { TraceRuntime, type TraceStats } from './trace-runtime.js';
import { Tracer } from './tracer.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

export { Span } from './span.js';
export { Tracer, type SpanOptions, type ParentLike, type WithSpanResult } from './tracer.js';
export { TraceError, TraceErrorCode } from './trace-error.js';
export type { SpanRecord, TraceEvent, RecordStatus } from './span-record.js';
export type { TraceStats } from './trace-runtime.js';
export type { ConfigureOptions } from './configure.js';
export type { FileConfigureOptions } from './configure-from-file.js';
export type { RecordLimits } from './record-store.js';
export { bind } from './bind.js';
export { extract, inject } from './propagation/propagation.js';
export { RemoteContext } from './propagation/remote-context.js';
export { instrumentHttp, type HttpInstrumentation } from './http/instrument-http.js';
export { setHttpRoute } from './http/server-spans.js';
export type { HttpInstrumentationOptions, HttpSpanInfo } from './http/http-options.js';
export type { CarrierGetter, CarrierSetter } from './propagation/carriers.js';
export { SpanKind } from '@x/tracer-core';

/** The one runtime of the process: every scope's spans share its tracer, records, ids and counters. */
const runtime = new TraceRuntime(readConfiguration(undefined));
const application = new Tracer(runtime, undefined);

export const {
  start,
  end,
  instant,
  startSpan,
  finishSpan,
  recordEvent,
  withSpan,
  currentSpan,
} = application;

/** The tracer the last `configure(file)` built: this module shuts it down when it is replaced. */
let builtTracer: TracerPlugin | undefined;
/** Counts `configure` calls: a file's tracers applied late never override a newer call. */
let generation = 0;

function shutDown(tracer: TracerPlugin | undefined): void {
  if (tracer !== undefined) void Promise.resolve().then(() => tracer.shutdown?.()).catch(() => undefined);
}

function apply(configuration: Configuration, built: TracerPlugin | undefined): void {
  applyConfiguration(runtime, configuration);
  const previous = builtTracer;
  builtTracer = built;
  if (previous !== built) shutDown(previous);
}

/**
 * Sends spans to `tracer`, names the application, bounds or switches off the records. Checked
 * whole before anything changes.
 * @throws InvalidOptionError saying which option was wrong and what is allowed.
 */
export function configure(options: ConfigureOptions): void;
/**
 * Configures from a `tracing.toml` file (or a document shaped as one) through `@x/tracing-config`:
 * the site's tracers (several in a fan-out, sampling in front), its service name. With no argument:
 * `tracing.toml` in the working directory, else the `OTEL_*` environment (when a variable is set),
 * else the defaults (no tracer, records kept), applied at once. Await it: it applies once the
 * tracers are built, unless a newer `configure` came first (then what it built is shut down), and
 * when it rejects nothing has changed. A tracer built here is shut down when a later `configure`
 * replaces it.
 * @throws (rejects with) ConfigError naming the file, the key, the bad value and what is allowed.
 */
export function configure(file?: string | Record<string, unknown>, options?: FileConfigureOptions): Promise<void>;
export function configure(source?: ConfigureOptions | string | Record<string, unknown>, options?: FileConfigureOptions): void | Promise<void> {
  const call = ++generation;
  if (typeof source === 'object' && (source === null || !isConfigDocument(source))) {
    apply(readConfiguration(source as ConfigureOptions), undefined);
    return;
  }
  let fileOptions: FileConfigureOptions;
  try {
    fileOptions = checkFileOptions(options);
    // The records bound is checked now: nothing is built for a call that would fail after.
    readConfiguration(fileOptions.records === undefined ? {} : { records: fileOptions.records });
    if (source !== undefined && typeof source !== 'string' && typeof source !== 'object') {
      throw new InvalidOptionError(`configure() takes options, a file path or a configuration document, got ${describe(source)}`);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  const records = fileOptions.records === undefined ? {} : { records: fileOptions.records };
  if (source === undefined && !hasConfigSource(fileOptions.env ?? process.env)) {
    apply(readConfiguration(records), undefined);
    return Promise.resolve();
  }
  return tracerFromConfig(source as string | Record<string, unknown> | undefined, fileOptions).then(({ tracer, service }) => {
    if (call !== generation) {
      shutDown(tracer);
      return;
    }
    let configuration: Configuration;
    try {
      configuration = readConfiguration({ ...(tracer === undefined ? {} : { tracer }), service, ...records });
    } catch (error) {
      shutDown(tracer);
      throw error;
    }
    apply(configuration, tracer);
  });
}

/** The kept records, oldest first, and forgets them (the seed's drain). */
export function flush(): SpanRecord[] {
  return runtime.records?.drain() ?? [];
}

/** The kept records, oldest first; they stay. */
export function exportRecords(): SpanRecord[] {
  return runtime.records?.snapshot() ?? [];
}

/** Forgets the kept records (live spans are not touched). */
export function clear(): void {
  runtime.records?.clear();
}

/**
 * Turns tracing on or off. Off, every call is a cheap no-op: `start` returns 0n, `startSpan` and
 * `currentSpan` the inert span, `withSpan` calls its function directly. Spans already open still end normally.
 * @throws InvalidOptionError for anything but a boolean.
 */
export function setEnabled(enabled: boolean): void {
  if (typeof enabled !== 'boolean') throw new InvalidOptionError(`setEnabled() takes true or false, got ${describe(enabled)}`);
  runtime.enabled = enabled;
}

/** The seed's extension info: this package's name and version, and whether tracing is on. */
export function info(): { name: string; version: string; status: 'enabled' | 'disabled' } {
  return { name: PACKAGE_NAME, version: PACKAGE_VERSION, status: runtime.enabled ? 'enabled' : 'disabled' };
}

/** Counters of this API layer (the tracer keeps its own: `tracer.stats()`). */
export function stats(): TraceStats {
  return runtime.stats();
}

const scopes = new Map<string, Tracer>();
/** Distinct scopes remembered; past it `getTracer` still works, it just builds a new object each call. */
const MAX_REMEMBERED_SCOPES = 1024;

/**
 * The API bound to an instrumentation scope, as OpenTelemetry's `getTracer(name, version)`: spans
 * it starts carry the scope to the tracer (OTLP `scope`, stdout, records). Same arguments, same object.
 * @throws InvalidOptionError when `name` is not a non-empty string or `version` not a string.
 */
export function getTracer(name: string, version?: string): Tracer {
  if (typeof name !== 'string' || name === '') throw new InvalidOptionError(`getTracer(): name must be a non-empty string, got ${describe(name)}`);
  if (version !== undefined && typeof version !== 'string') throw new InvalidOptionError(`getTracer(): version must be a string, got ${describe(version)}`);
  const key = version === undefined ? name : `${name}\u0000${version}`;
  let tracer = scopes.get(key);
  if (tracer === undefined) {
    const scope: InstrumentationScope = Object.freeze(version === undefined ? { name } : { name, version });
    tracer = new Tracer(runtime, scope);
    if (scopes.size < MAX_REMEMBERED_SCOPES) scopes.set(key, tracer);
  }
  return tracer;
}
