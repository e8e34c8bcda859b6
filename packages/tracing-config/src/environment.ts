import { samplingOptionsFromEnv } from '@x/tracer-sampling';
import { ConfigError } from './config-error.js';
import { duration, httpUrl, type ExportSection, type Sections, type TracesSection } from './sections.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The variables read, in the order the README lists them. */
export const ENVIRONMENT_VARIABLES = [
  'OTEL_SERVICE_NAME',
  'OTEL_RESOURCE_ATTRIBUTES',
  'OTEL_TRACES_SAMPLER',
  'OTEL_TRACES_SAMPLER_ARG',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
  'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  'OTEL_EXPORTER_OTLP_HEADERS',
  'OTEL_EXPORTER_OTLP_TRACES_COMPRESSION',
  'OTEL_EXPORTER_OTLP_COMPRESSION',
  'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT',
  'OTEL_EXPORTER_OTLP_TIMEOUT',
] as const;

const at = (name: string) => ({ file: '<environment>', keyPath: name });

/** The traces-specific variable when set, else the generic one. */
function pick(env: Env, suffix: string): { name: string; value: string } | undefined {
  for (const name of [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

/** `key=value,key2=value2`, values percent-decoded (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS). */
function list(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const equals = item.indexOf('=');
    if (equals <= 0) throw new ConfigError('<environment>', name, 'must be a comma-separated list of key=value pairs; an entry has no "=" or no key');
    try {
      out[decodeURIComponent(item.slice(0, equals).trim())] = decodeURIComponent(item.slice(equals + 1).trim());
    } catch {
      throw new ConfigError('<environment>', name, 'has an entry that is not valid percent-encoding');
    }
  }
  return out;
}

/**
 * The sections the standard OpenTelemetry variables set (only those that are set), with where each
 * key came from. The generic `OTEL_EXPORTER_OTLP_ENDPOINT` gets `/v1/traces` appended for HTTP, as
 * the OTLP specification says; `..._TRACES_ENDPOINT` is used as it is.
 */
export function sectionsFromEnv(env: Env): { sections: Sections; origins: Map<string, string> } {
  const traces: Record<string, unknown> = {};
  const exports: Record<string, unknown> = {};
  const origins = new Map<string, string>();
  const set = (section: Record<string, unknown>, prefix: string, key: string, value: unknown, variable: string) => {
    section[key] = value;
    origins.set(`${prefix}.${key}`, `env ${variable}`);
  };
  const service = env.OTEL_SERVICE_NAME?.trim();
  if (service) set(traces, 'traces', 'service_name', service, 'OTEL_SERVICE_NAME');
  const resource = env.OTEL_RESOURCE_ATTRIBUTES?.trim();
  if (resource) set(traces, 'traces', 'resource_attributes', list('OTEL_RESOURCE_ATTRIBUTES', resource), 'OTEL_RESOURCE_ATTRIBUTES');
  let sampler: ReturnType<typeof samplingOptionsFromEnv>;
  try {
    sampler = samplingOptionsFromEnv(env);
  } catch (error) {
    throw new ConfigError('<environment>', 'OTEL_TRACES_SAMPLER', (error as Error).message, { cause: error });
  }
  if (sampler.sampleRate !== undefined) set(traces, 'traces', 'sample_rate', sampler.sampleRate, 'OTEL_TRACES_SAMPLER');
  if (sampler.parentBased !== undefined) set(traces, 'traces', 'parent_based', sampler.parentBased, 'OTEL_TRACES_SAMPLER');

  const protocol = pick(env, 'PROTOCOL');
  if (protocol) {
    if (!['http/protobuf', 'http/json', 'grpc'].includes(protocol.value)) throw new ConfigError('<environment>', protocol.name, `must be http/protobuf, http/json or grpc, got "${protocol.value}"`);
    set(exports, 'export', 'otlp_protocol', protocol.value, protocol.name);
  }
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const genericEndpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  if (tracesEndpoint) set(exports, 'export', 'otlp_endpoint', httpUrl(at('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'), tracesEndpoint), 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  else if (genericEndpoint) {
    const base = httpUrl(at('OTEL_EXPORTER_OTLP_ENDPOINT'), genericEndpoint).replace(/\/+$/, '');
    // gRPC has no path; HTTP appends the signal's.
    set(exports, 'export', 'otlp_endpoint', protocol?.value === 'grpc' ? base : `${base}/v1/traces`, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  }
  const headers = pick(env, 'HEADERS');
  if (headers) set(exports, 'export', 'otlp_headers', list(headers.name, headers.value), headers.name);
  const compression = pick(env, 'COMPRESSION');
  if (compression) {
    if (compression.value !== 'gzip' && compression.value !== 'none') throw new ConfigError('<environment>', compression.name, `must be gzip or none, got "${compression.value}"`);
    set(exports, 'export', 'otlp_compression', compression.value, compression.name);
  }
  const timeout = pick(env, 'TIMEOUT');
  if (timeout) {
    if (!/^\d+$/.test(timeout.value)) throw new ConfigError('<environment>', timeout.name, `must be a whole number of milliseconds, got "${timeout.value}"`);
    set(exports, 'export', 'otlp_timeout', duration(at(timeout.name), Number(timeout.value)), timeout.name);
  }
  return { sections: { traces: traces as TracesSection, export: exports as ExportSection }, origins };
}
