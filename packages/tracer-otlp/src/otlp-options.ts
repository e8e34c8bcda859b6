import { InvalidOptionError, type Attributes, type BufferedTracerOptions, type InstrumentationScope } from '@x/tracer-core';
import { describe, MAX_SCOPE_FIELD_LENGTH, normalizeScope } from '@x/tracer-core/internal';
import { oneOf, resolveHttpExport, type HttpExportOptions, type ResolvedHttpExport } from '@x/tracer-http/internal';

/** Options of `createOtlpTracer`. Buffering and schedule options come from the core. */
export interface OtlpTracerOptions extends BufferedTracerOptions, HttpExportOptions {
  /** @defaultValue 'otlp' */
  readonly name?: string;
  /** Full URL of the traces endpoint. Credentials in it are sent as Basic auth and kept out of messages. @defaultValue 'http://localhost:4318/v1/traces' */
  readonly url?: string;
  /** @defaultValue 'http/protobuf' */
  readonly protocol?: 'http/protobuf' | 'http/json';
  /** `service.name`; wins over `resourceAttributes['service.name']`. @defaultValue 'unknown_service:<executable>' */
  readonly serviceName?: string;
  readonly resourceAttributes?: Attributes;
  /**
   * Instrumentation scope of spans started without one; a span started with `SpanStart.scope` is sent
   * under its own (one `ScopeSpans` per distinct scope). @defaultValue { name: '@x/tracer-otlp', version: the package version }
   */
  readonly scope?: { readonly name: string; readonly version?: string };
}

export interface ResolvedOtlp extends ResolvedHttpExport {
  readonly protocol: 'http/protobuf' | 'http/json';
  /** The configured default scope, checked; undefined: the exporter's own. */
  readonly scope: InstrumentationScope | undefined;
}

/**
 * Validates `options` and applies the defaults.
 * @throws InvalidOptionError naming the option and what it allows (never a header's value).
 */
export function resolveOtlpOptions(options: OtlpTracerOptions): ResolvedOtlp {
  const http = resolveHttpExport(options, 'http://localhost:4318/v1/traces', 'OTLP/HTTP');
  const scope = options.scope === undefined ? undefined : normalizeScope(options.scope as object);
  if (options.scope !== undefined && scope === undefined) {
    throw new InvalidOptionError(
      `scope must be { name, version? } with a non-empty name and strings of at most ${MAX_SCOPE_FIELD_LENGTH} characters, got ${describe(options.scope)}`,
    );
  }
  return {
    ...http,
    protocol: oneOf('protocol', options.protocol, ['http/protobuf', 'http/json'] as const, 'http/protobuf'),
    scope,
  };
}
