// @x/tracer-http/internal: the export machinery this repository's HTTP tracers (OTLP, Zipkin)
// share. No stability promise: names here may change in any release.

export { ABORTED, type Transport, type TransportResult } from './transport.js';
export { HttpTransport, type HttpTransportOptions, type TlsOptions } from './http-transport.js';
export { createRetryingTransport } from './retrying-transport.js';
export { backoffMillis, isRetryableStatus, parseRetryAfter, type ResolvedRetry, type RetryOptions } from './retry-policy.js';
export { resolveHttpExport, oneOf, type HttpExportOptions, type ResolvedHttpExport } from './http-options.js';
export {
  createHttpExporter,
  ENCODE_SLICE_MILLIS,
  type ExportFormat,
  type HttpExporterConfig,
  type PartialSuccess,
  type RequestEncoder,
} from './http-exporter.js';
export { markInternalEndpoint } from './internal-endpoints.js';
