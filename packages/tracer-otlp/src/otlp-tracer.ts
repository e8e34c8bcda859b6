import { createBufferedTracer, type BufferedTracer } from '@x/tracer-core';
import { MAX_DURATION_MILLIS, optionsObject, pluginName } from '@x/tracer-core/internal';
import { markInternalEndpoint } from '@x/tracer-http/internal';
import { GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { createOtlpExporter } from './otlp-exporter.js';
import { resolveOtlpOptions, type OtlpTracerOptions } from './otlp-options.js';
import { buildResource, SDK_NAME, SDK_VERSION } from './otlp-resource.js';
import { createRetryingTransport } from './retrying-transport.js';
import { WIRE_FORMATS } from './wire-format.js';

/**
 * The production tracer: buffers inline (the core's bounded buffer) and exports to any OTLP
 * receiver, over HTTP (protobuf by default, or JSON) or gRPC. Retries what the spec says within `timeoutMillis`; keeps
 * spans buffered while the receiver is down (up to the buffer caps, overflow counted); counts every
 * span it cannot deliver by reason. Header values never appear in errors or `stats()`.
 *
 * Layers: wire format and transport (HTTP or gRPC, chosen once) -> retrying transport -> exporter ->
 * the core's buffered tracer.
 *
 * @throws InvalidOptionError for a bad option.
 */
export function createOtlpTracer(options?: OtlpTracerOptions): BufferedTracer {
  const given = optionsObject('createOtlpTracer options', options);
  // Checked before anything is opened: a bad option must not leave a connection pool behind.
  const name = pluginName(given.name, 'otlp');
  const otlp = resolveOtlpOptions(given);
  const format = WIRE_FORMATS[otlp.protocol]({
    resource: buildResource(given.serviceName, given.resourceAttributes),
    scopeName: otlp.scope?.name ?? SDK_NAME,
    scopeVersion: otlp.scope === undefined ? SDK_VERSION : (otlp.scope.version ?? ''),
  });
  // The OTLP exporter spec asks for a User-Agent naming the exporter; a user-given one wins.
  const headers = { 'user-agent': `${SDK_NAME}/${SDK_VERSION} (Node.js ${process.version})`, ...otlp.headers };
  const { url, gzip, tls } = otlp;
  const transport =
    otlp.protocol === 'grpc'
      ? new GrpcTransport({ url, headers, gzip, tls })
      : new HttpTransport({ url, headers, contentType: format.contentType, gzip, tls, connections: otlp.maxConcurrentRequests });
  markInternalEndpoint(otlp.endpoint);
  const exporter = createOtlpExporter({
    format,
    transport: createRetryingTransport(transport, otlp.retry),
    timeoutMillis: otlp.timeoutMillis,
    maxRequestBytes: otlp.maxRequestBytes,
    endpoint: otlp.endpoint,
    redact: otlp.redact,
  });
  return createBufferedTracer(name, exporter, {
    ...given,
    maxConcurrentExports: otlp.maxConcurrentRequests,
    // The exporter keeps its own deadline; the scheduler's watchdog only catches a stuck one. Capped
    // so that the longest timeoutMillis allowed does not make a watchdog longer than Node's timers.
    exportTimeoutMillis: Math.min(otlp.timeoutMillis + 2000, MAX_DURATION_MILLIS),
  });
}
