// @x/tracer-otel: bridges to OpenTelemetry, both ways. Their exporters behind our recording and
// buffer (fromOtelExporter); their instrumentations into our tracers (createOtelTracerProvider,
// createOtelSpanProcessor), with one context shared with @x/trace (createOtelContextManager).

export {
  fromOtelExporter,
  type FromOtelExporterOptions,
  type OtelSpanExporter,
  type OtelExportResult,
} from './otel-exporter-plugin.js';
export type { OtelReadableSpan, OtelResource, OtelTimedEvent } from './readable-span.js';
export {
  createOtelTracerProvider,
  createOtelContextManager,
  type OtelTracerProvider,
  type OtelTracerProviderOptions,
} from './otel-tracer-provider.js';
export { HTTP_INSTRUMENTATION_SCOPES } from './otel-tracer.js';
export { createOtelPropagator } from './w3c-propagator.js';
export { createOtelSpanProcessor, type OtelSpanProcessor, type OtelSdkSpan } from './span-processor.js';
