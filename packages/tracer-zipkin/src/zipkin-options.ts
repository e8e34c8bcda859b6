import { basename } from 'node:path';
import { InvalidOptionError, type Attributes, type BufferedTracerOptions, type InstrumentationScope } from '@x/tracer-core';
import { describe, MAX_SCOPE_FIELD_LENGTH, normalizeAttributeValue, normalizeScope } from '@x/tracer-core/internal';
import { resolveHttpExport, type HttpExportOptions, type ResolvedHttpExport } from '@x/tracer-http/internal';
import { tagValue } from './zipkin-tags.js';

export const SDK_NAME = '@x/tracer-zipkin';
export const SDK_VERSION = '0.1.0';
export const DEFAULT_ZIPKIN_URL = 'http://localhost:9411/api/v2/spans';

/** Options of `createZipkinTracer`. Buffering and schedule options come from the core, HTTP ones from @x/tracer-http. */
export interface ZipkinTracerOptions extends BufferedTracerOptions, HttpExportOptions {
  /** @defaultValue 'zipkin' */
  readonly name?: string;
  /** Full URL of the span endpoint. Credentials in it are sent as Basic auth and kept out of messages. @defaultValue 'http://localhost:9411/api/v2/spans' */
  readonly url?: string;
  /** `localEndpoint.serviceName` of every span; wins over `resourceAttributes['service.name']`. @defaultValue 'unknown_service:<executable>' */
  readonly serviceName?: string;
  /** Sent as tags of every span (a span's own attributes win), but `service.name`, which names the local endpoint. */
  readonly resourceAttributes?: Attributes;
  /** Scope (`otel.scope.name`/`otel.scope.version` tags) of spans started without one. @defaultValue { name: '@x/tracer-zipkin', version: the package version } */
  readonly scope?: { readonly name: string; readonly version?: string };
}

export interface ResolvedZipkin extends ResolvedHttpExport {
  readonly serviceName: string;
  readonly resourceTags: Readonly<Record<string, string>>;
  readonly scope: InstrumentationScope;
}

function resolveScope(value: unknown): InstrumentationScope {
  if (value === undefined) return { name: SDK_NAME, version: SDK_VERSION };
  const scope = normalizeScope(value as object);
  if (scope === undefined) {
    throw new InvalidOptionError(
      `scope must be { name, version? } with a non-empty name and strings of at most ${MAX_SCOPE_FIELD_LENGTH} characters, got ${describe(value)}`,
    );
  }
  return scope;
}

function resolveServiceName(serviceName: unknown, resource: Attributes | undefined): string {
  if (serviceName !== undefined && (typeof serviceName !== 'string' || serviceName === '')) {
    throw new InvalidOptionError(`serviceName must be a non-empty string, got ${describe(serviceName)}`);
  }
  const fromResource = resource?.['service.name'];
  return serviceName ?? (typeof fromResource === 'string' && fromResource !== '' ? fromResource : `unknown_service:${basename(process.argv0)}`);
}

function resolveResourceTags(resource: unknown): Record<string, string> {
  if (resource === undefined) return {};
  if (typeof resource !== 'object' || resource === null || Array.isArray(resource)) {
    throw new InvalidOptionError(`resourceAttributes must be an object of attribute names to values, got ${describe(resource)}`);
  }
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(resource)) {
    const normalized = normalizeAttributeValue(value);
    // service.name names the local endpoint instead; an invalid value is left out, as in OTLP.
    if (normalized !== undefined && key !== '' && key !== 'service.name') tags[key] = tagValue(normalized);
  }
  return tags;
}

/**
 * Validates `options` and applies the defaults.
 * @throws InvalidOptionError naming the option and what it allows (never a header's value).
 */
export function resolveZipkinOptions(options: ZipkinTracerOptions): ResolvedZipkin {
  const http = resolveHttpExport(options, DEFAULT_ZIPKIN_URL, 'Zipkin');
  const resourceTags = resolveResourceTags(options.resourceAttributes);
  return {
    ...http,
    serviceName: resolveServiceName(options.serviceName, options.resourceAttributes),
    resourceTags,
    scope: resolveScope(options.scope),
  };
}
