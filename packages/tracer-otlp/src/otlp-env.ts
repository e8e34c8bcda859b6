import { readFileSync } from 'node:fs';
import { InvalidOptionError, spanLimitsFromEnv, type Attributes } from '@x/tracer-core';
import { durationMillis } from '@x/tracer-core/internal';
import type { OtlpTracerOptions } from './otlp-options.js';

type Env = Readonly<Record<string, string | undefined>>;

/** The traces-specific variable when set, else the generic one; with the name that was used. */
function pick(env: Env, suffix: string): { name: string; value: string } | undefined {
  for (const name of [`OTEL_EXPORTER_OTLP_TRACES_${suffix}`, `OTEL_EXPORTER_OTLP_${suffix}`]) {
    const value = env[name]?.trim();
    if (value !== undefined && value !== '') return { name, value };
  }
  return undefined;
}

/** `key=value,key2=value2` with percent-encoded values (OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES). */
function parseList(name: string, text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of text.split(',')) {
    if (item.trim() === '') continue;
    const at = item.indexOf('=');
    if (at <= 0) throw new InvalidOptionError(`${name} must be a comma-separated list of key=value pairs; one entry has no '=' or no key`);
    try {
      out[decodeURIComponent(item.slice(0, at).trim())] = decodeURIComponent(item.slice(at + 1).trim());
    } catch {
      throw new InvalidOptionError(`${name} has an entry that is not valid percent-encoding`);
    }
  }
  return out;
}

function readPem(variable: { name: string; value: string }): Buffer {
  try {
    return readFileSync(variable.value);
  } catch (error) {
    throw new InvalidOptionError(`${variable.name}: cannot read the file ${JSON.stringify(variable.value)}`, { cause: error });
  }
}

/**
 * Options from the standard environment variables, for `createOtlpTracer({ ...otlpOptionsFromEnv(), ...yours })`.
 * Each `OTEL_EXPORTER_OTLP_TRACES_*` variable wins over its generic `OTEL_EXPORTER_OTLP_*` twin.
 * `..._ENDPOINT` (generic) gets `/v1/traces` appended unless the protocol is grpc; `..._TRACES_ENDPOINT` is used as is. Also
 * `..._HEADERS`, `..._TIMEOUT` (ms, at most 2147483647), `..._COMPRESSION` (gzip, none), `..._PROTOCOL` (http/protobuf,
 * http/json, grpc), `..._CERTIFICATE`, `..._CLIENT_KEY`, `..._CLIENT_CERTIFICATE` (PEM file paths),
 * `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES`, and the span limits (`OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT`,
 * `OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT`, `OTEL_SPAN_EVENT_COUNT_LIMIT`, `OTEL_SPAN_LINK_COUNT_LIMIT`, ...).
 * Only variables that are set appear.
 *
 * @throws InvalidOptionError naming the variable whose value cannot be used (never echoing a header value).
 */
export function otlpOptionsFromEnv(env: Env = process.env): Partial<OtlpTracerOptions> {
  const options: { -readonly [K in keyof OtlpTracerOptions]?: OtlpTracerOptions[K] } = {};
  const protocol = pick(env, 'PROTOCOL');
  if (protocol) {
    if (protocol.value !== 'http/protobuf' && protocol.value !== 'http/json' && protocol.value !== 'grpc') {
      throw new InvalidOptionError(`${protocol.name} must be http/protobuf, http/json or grpc, got "${protocol.value}"`);
    }
    options.protocol = protocol.value;
  }
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const generic = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  // gRPC calls a fixed method on the endpoint's origin: nothing is appended to it.
  const genericUrl = (text: string) => (options.protocol === 'grpc' ? text : `${text.replace(/\/+$/, '')}/v1/traces`);
  const endpoint = traces ? { name: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', url: traces } : generic ? { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', url: genericUrl(generic) } : undefined;
  if (endpoint !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(endpoint.url);
    } catch {
      throw new InvalidOptionError(`${endpoint.name} must be an absolute http: or https: URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new InvalidOptionError(`${endpoint.name} must use http: or https:`);
    options.url = endpoint.url;
  }
  const headers = pick(env, 'HEADERS');
  if (headers) options.headers = parseList(headers.name, headers.value);
  const timeout = pick(env, 'TIMEOUT');
  if (timeout) {
    if (!/^\d+$/.test(timeout.value)) throw new InvalidOptionError(`${timeout.name} must be a whole number of milliseconds, got "${timeout.value}"`);
    // Checked here, not only by createOtlpTracer, so that the error names the variable.
    options.timeoutMillis = durationMillis(timeout.name, Number(timeout.value), 10_000);
  }
  const compression = pick(env, 'COMPRESSION');
  if (compression) {
    if (compression.value !== 'gzip' && compression.value !== 'none') {
      throw new InvalidOptionError(`${compression.name} must be gzip or none, got "${compression.value}"`);
    }
    options.compression = compression.value;
  }
  const ca = pick(env, 'CERTIFICATE');
  const key = pick(env, 'CLIENT_KEY');
  const cert = pick(env, 'CLIENT_CERTIFICATE');
  if (ca || key || cert) {
    options.tls = { ...(ca ? { ca: readPem(ca) } : {}), ...(key ? { key: readPem(key) } : {}), ...(cert ? { cert: readPem(cert) } : {}) };
  }
  const resource = env.OTEL_RESOURCE_ATTRIBUTES?.trim();
  if (resource) options.resourceAttributes = parseList('OTEL_RESOURCE_ATTRIBUTES', resource) as Attributes;
  const service = env.OTEL_SERVICE_NAME?.trim();
  if (service) options.serviceName = service;
  const limits = spanLimitsFromEnv(env);
  if (Object.keys(limits).length > 0) options.spanLimits = limits;
  return options;
}
