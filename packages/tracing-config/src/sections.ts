import ms from 'ms';
import { ConfigError } from './config-error.js';
import { didYouMean } from './did-you-mean.js';

/** `[observability.traces]`, checked: FORGE's keys in snake_case, as in the file. */
export interface TracesSection {
  readonly sample_rate?: number;
  readonly always_sample?: readonly ('errors' | 'slow_requests')[];
  /** Milliseconds (a number, or a duration string such as "1s" in the file). */
  readonly slow_threshold?: number;
  readonly parent_based?: boolean;
  readonly decision_wait?: number;
  readonly max_pending_traces?: number;
  readonly service_name?: string;
  readonly resource_attributes?: Readonly<Record<string, string | number | boolean>>;
}

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** `[observability.export]`, checked. */
export interface ExportSection {
  /** `false`: no OTLP exporter, for a site that turns off the file's (the same for jaeger and zipkin). */
  readonly otlp_endpoint?: string | false;
  readonly otlp_protocol?: OtlpProtocol;
  readonly otlp_headers?: Readonly<Record<string, string>>;
  readonly otlp_compression?: 'gzip' | 'none';
  /** Milliseconds. */
  readonly otlp_timeout?: number;
  readonly zipkin_endpoint?: string | false;
  readonly jaeger_endpoint?: string | false;
  /** `false` (or `"off"`): no stdout tracer, for a site that turns off the file's. */
  readonly stdout?: 'pretty' | 'json' | false;
  /** The `[plugins.<name>]` this section exports to; absent: every declared plugin. */
  readonly plugins?: readonly string[];
}

/** One level of configuration: the file's top level, a site's, the environment's, the program's. */
export interface Sections {
  readonly traces: TracesSection;
  readonly export: ExportSection;
}

/** Where a value is read, for error messages. */
export interface At {
  readonly file: string;
  readonly keyPath: string;
}

const child = (at: At, key: string): At => ({ file: at.file, keyPath: at.keyPath === '' ? key : `${at.keyPath}.${key}` });

export function fail(at: At, problem: string): never {
  throw new ConfigError(at.file, at.keyPath, problem);
}

/** `text` with the user and password of anything URL-like in it replaced: error messages never carry credentials. */
export function withoutCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1[redacted]@');
}

/** A short, quoted rendering of a bad value for messages (URL credentials redacted). */
export function shown(value: unknown): string {
  if (typeof value === 'string') {
    const safe = withoutCredentials(value);
    return JSON.stringify(safe.length > 60 ? `${safe.slice(0, 57)}...` : safe);
  }
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Date) return 'a date';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  return String(value);
}

export function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Checks `value` is a table whose keys are all in `known`; unknown keys get a "did you mean". */
export function table(at: At, value: unknown, known: readonly string[]): Record<string, unknown> {
  if (!isTable(value)) fail(at, `must be a table, got ${shown(value)}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) fail(child(at, key), `unknown key${didYouMean(key, known)}; the keys here are ${known.join(', ')}`);
  }
  return value;
}

function ratio(at: At, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) fail(at, `must be a number from 0 to 1 (0.1 keeps one trace in ten), got ${shown(value)}`);
  return value;
}

function text(at: At, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') fail(at, `must be a non-empty string, got ${shown(value)}`);
  return value;
}

function flag(at: At, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(at, `must be true or false, got ${shown(value)}`);
  return value;
}

function positiveInteger(at: At, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) fail(at, `must be a positive integer, got ${shown(value)}`);
  return value;
}

/** Milliseconds from a number or a duration string ("1s", "250ms", "2m"). */
export function duration(at: At, value: unknown): number {
  let millis: unknown = value;
  if (typeof value === 'string') {
    try {
      millis = ms(value.trim() as Parameters<typeof ms>[0]);
    } catch {
      millis = undefined;
    }
  }
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0 || millis > 2_147_483_647) {
    fail(at, `must be a duration such as "1s", "250ms" or "2m" (or a number of milliseconds), got ${shown(value)}`);
  }
  return millis;
}

function oneOf<T extends string>(at: At, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    fail(at, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${shown(value)}${typeof value === 'string' ? didYouMean(value, allowed) : ''}`);
  }
  return value as T;
}

/** An absolute http: or https: URL. */
export function httpUrl(at: At, value: unknown): string {
  const given = text(at, value);
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    fail(at, `must be an absolute http:// or https:// URL, got ${shown(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(at, `must use http:// or https://, got ${shown(value)}`);
  return given;
}

/** Header values are secrets: a bad one is described by its type, never shown. */
function headerTable(at: At, value: unknown): Record<string, string> {
  if (!isTable(value)) fail(at, `must be a table of strings, got ${shown(value)}`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') fail(child(at, key), `must be a string (quoted in TOML), got ${Array.isArray(item) ? 'an array' : typeof item}`);
  }
  return value as Record<string, string>;
}

function attributeTable(at: At, value: unknown): Record<string, string | number | boolean> {
  if (!isTable(value)) fail(at, `must be a table of strings, numbers and booleans, got ${shown(value)}`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string' && typeof item !== 'number' && typeof item !== 'boolean') fail(child(at, key), `must be a string, a number or a boolean, got ${shown(item)}`);
  }
  return value as Record<string, string | number | boolean>;
}

const RULES = ['errors', 'slow_requests'] as const;

const TRACES_KEYS = ['sample_rate', 'always_sample', 'slow_threshold', 'parent_based', 'decision_wait', 'max_pending_traces', 'service_name', 'resource_attributes'];
const EXPORT_KEYS = ['otlp_endpoint', 'otlp_protocol', 'otlp_headers', 'otlp_compression', 'otlp_timeout', 'zipkin_endpoint', 'jaeger_endpoint', 'stdout', 'plugins'];

/** `[observability.traces]` at `at`, every key checked. */
export function readTraces(at: At, value: unknown): TracesSection {
  const given = table(at, value, TRACES_KEYS);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(given)) {
    const where = child(at, key);
    if (key === 'sample_rate') out[key] = ratio(where, item);
    else if (key === 'always_sample') {
      if (!Array.isArray(item)) fail(where, `must be an array of "errors" and "slow_requests", got ${shown(item)}`);
      out[key] = item.map((rule, i) => oneOf(child(where, String(i)), rule, RULES));
    } else if (key === 'slow_threshold') out[key] = duration(where, item);
    else if (key === 'decision_wait') {
      out[key] = duration(where, item);
      if (out[key] === 0) fail(where, `must be longer than 0 (how long a trace whose root has not ended waits for its decision), got ${shown(item)}`);
    }
    else if (key === 'parent_based') out[key] = flag(where, item);
    else if (key === 'max_pending_traces') out[key] = positiveInteger(where, item);
    else if (key === 'service_name') out[key] = text(where, item);
    else out[key] = attributeTable(where, item);
  }
  return out as TracesSection;
}

/** `[observability.export]` at `at`, every key checked; `plugins` entries must be among `declared`. */
export function readExport(at: At, value: unknown, declared: readonly string[]): ExportSection {
  const given = table(at, value, EXPORT_KEYS);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(given)) {
    const where = child(at, key);
    if (key === 'otlp_endpoint' || key === 'zipkin_endpoint' || key === 'jaeger_endpoint') out[key] = item === false ? false : httpUrl(where, item);
    else if (key === 'otlp_protocol') out[key] = oneOf(where, item, ['http/protobuf', 'http/json', 'grpc'] as const);
    else if (key === 'otlp_headers') out[key] = headerTable(where, item);
    else if (key === 'otlp_compression') out[key] = oneOf(where, item, ['gzip', 'none'] as const);
    else if (key === 'otlp_timeout') out[key] = duration(where, item);
    else if (key === 'stdout') out[key] = item === false || item === 'off' ? false : oneOf(where, item, ['pretty', 'json', 'off'] as const);
    else {
      if (!Array.isArray(item)) fail(where, `must be an array of plugin names (the [plugins.<name>] tables), got ${shown(item)}`);
      out[key] = item.map((name, i) => {
        const at = child(where, String(i));
        if (typeof name !== 'string') fail(at, `must be a plugin name, got ${shown(name)}`);
        if (!declared.includes(name)) fail(at, `no [plugins.${name}] table${didYouMean(name, declared)}; declared plugins: ${declared.length === 0 ? 'none' : declared.join(', ')}`);
        return name;
      });
    }
  }
  return out as ExportSection;
}

/** `{ traces, export }` from an `observability` table (absent: empty). */
export function readObservability(at: At, value: unknown, declared: readonly string[]): Sections {
  if (value === undefined) return { traces: {}, export: {} };
  const given = table(at, value, ['traces', 'export']);
  return {
    traces: given.traces === undefined ? {} : readTraces(child(at, 'traces'), given.traces),
    export: given.export === undefined ? {} : readExport(child(at, 'export'), given.export, declared),
  };
}

export { child };
