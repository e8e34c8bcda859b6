import { InvalidOptionError, type Attributes, type BufferedTracerOptions, type InstrumentationScope } from '@x/tracer-core';
import { describe, MAX_SCOPE_FIELD_LENGTH, normalizeScope } from '@x/tracer-core/internal';
import { oneOf, resolveHttpExport, type HttpExportOptions, type ResolvedHttpExport } from '@x/tracer-http/internal';

/** Options of `createOtlpTracer`. Buffering and schedule options come from the core. */
export interface OtlpTracerOptions extends BufferedTracerOptions, HttpExportOptions {
  /** @defaultValue 'otlp' */
  readonly name?: string;
  /**
   * Full URL of the traces endpoint. Credentials in it are sent as Basic auth and kept out of messages.
   * With `protocol: 'grpc'` only its origin counts (the method's path is fixed).
   * @defaultValue 'http://localhost:4318/v1/traces', or 'http://localhost:4317' with `protocol: 'grpc'`
   */
  readonly url?: string;
  /** OTLP/HTTP protobuf or JSON, or OTLP/gRPC (unary `TraceService/Export` over HTTP/2). @defaultValue 'http/protobuf' */
  readonly protocol?: 'http/protobuf' | 'http/json' | 'grpc';
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
  readonly protocol: 'http/protobuf' | 'http/json' | 'grpc';
  /** The configured default scope, checked; undefined: the exporter's own. */
  readonly scope: InstrumentationScope | undefined;
}

/**
 * Validates `options` and applies the defaults.
 * @throws InvalidOptionError naming the option and what it allows (never a header's value).
 */
export function resolveOtlpOptions(options: OtlpTracerOptions): ResolvedOtlp {
  const protocol = oneOf('protocol', options.protocol, ['http/protobuf', 'http/json', 'grpc'] as const, 'http/protobuf');
  const http = protocol === 'grpc' ? resolveHttpExport(options, 'http://localhost:4317', 'OTLP/gRPC') : resolveHttpExport(options, 'http://localhost:4318/v1/traces', 'OTLP/HTTP');
  const scope = options.scope === undefined ? undefined : normalizeScope(options.scope as object);
  if (options.scope !== undefined && scope === undefined) {
    throw new InvalidOptionError(
      `scope must be { name, version? } with a non-empty name and strings of at most ${MAX_SCOPE_FIELD_LENGTH} characters, got ${describe(options.scope)}`,
    );
  }
  return {
    ...http,
    protocol,
    scope,
  };
}
