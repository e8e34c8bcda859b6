import type { SpanExporter } from '@x/tracer-core';
import { createHttpExporter, type HttpExporterConfig } from '@x/tracer-http/internal';

export { ENCODE_SLICE_MILLIS } from '@x/tracer-http/internal';

/** What the exporter is wired with; see `createOtlpTracer`. */
export type OtlpExporterConfig = Omit<HttpExporterConfig, 'protocol'>;

/**
 * The OTLP/HTTP `SpanExporter`: the shared HTTP exporter of @x/tracer-http (encode in slices,
 * split to `maxRequestBytes`, send within `timeoutMillis`), reading OTLP partial successes.
 */
export function createOtlpExporter(config: OtlpExporterConfig): SpanExporter {
  return createHttpExporter({ ...config, protocol: 'OTLP' });
}
