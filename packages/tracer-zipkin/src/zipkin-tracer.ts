import { createBufferedTracer, type BufferedTracer } from '@x/tracer-core';
import { MAX_DURATION_MILLIS, optionsObject, pluginName } from '@x/tracer-core/internal';
import { createHttpExporter, createRetryingTransport, HttpTransport, markInternalEndpoint } from '@x/tracer-http/internal';
import { createZipkinJsonEncoder } from './zipkin-json.js';
import { resolveZipkinOptions, SDK_NAME, SDK_VERSION, type ZipkinTracerOptions } from './zipkin-options.js';

/**
 * A tracer that buffers inline (the core's bounded buffer) and exports Zipkin v2 JSON to
 * `POST /api/v2/spans` of a Zipkin server or collector. Retries 429/502/503/504 and network errors
 * within `timeoutMillis`, keeps spans buffered while the receiver is down (up to the buffer caps,
 * overflow counted), splits batches to `maxRequestBytes`, and counts every span it cannot deliver
 * by reason; the same HTTP machinery as the OTLP tracer (@x/tracer-http). Header values never
 * appear in errors or `stats()`.
 *
 * Layers: Zipkin JSON encoder -> HTTP transport -> retrying transport -> HTTP exporter -> the
 * core's buffered tracer.
 *
 * @throws InvalidOptionError for a bad option.
 */
export function createZipkinTracer(options?: ZipkinTracerOptions): BufferedTracer {
  const given = optionsObject('createZipkinTracer options', options);
  // Checked before anything is opened: a bad option must not leave a connection pool behind.
  const name = pluginName(given.name, 'zipkin');
  const zipkin = resolveZipkinOptions(given);
  const http = new HttpTransport({
    url: zipkin.url,
    headers: { 'user-agent': `${SDK_NAME}/${SDK_VERSION} (Node.js ${process.version})`, ...zipkin.headers },
    contentType: 'application/json',
    gzip: zipkin.gzip,
    tls: zipkin.tls,
    connections: zipkin.maxConcurrentRequests,
  });
  markInternalEndpoint(zipkin.endpoint);
  const exporter = createHttpExporter({
    protocol: 'Zipkin',
    // Zipkin answers 202 with no body and has no partial success: a 2xx took every span.
    format: {
      encoder: createZipkinJsonEncoder({ localEndpoint: { serviceName: zipkin.serviceName }, resourceTags: zipkin.resourceTags, scope: zipkin.scope }),
    },
    transport: createRetryingTransport(http, zipkin.retry),
    timeoutMillis: zipkin.timeoutMillis,
    maxRequestBytes: zipkin.maxRequestBytes,
    endpoint: zipkin.endpoint,
    redact: zipkin.redact,
  });
  return createBufferedTracer(name, exporter, {
    ...given,
    maxConcurrentExports: zipkin.maxConcurrentRequests,
    // The exporter keeps its own deadline; the scheduler's watchdog only catches a stuck one.
    exportTimeoutMillis: Math.min(zipkin.timeoutMillis + 2000, MAX_DURATION_MILLIS),
  });
}
