export { SpanHandle, bytesToHex, hexToBytesInto } from './span-handle.js';
export { SpanKind, isSpanKind, spanKindName } from './span-kind.js';
export { SpanStatusCode, normalizeStatus, type SpanStatus } from './span-status.js';
export {
  normalizeAttributeValue,
  isAttributeKey,
  estimateValueBytes,
  type AttributeValue,
  type Attributes,
} from './attributes.js';
export { DEFAULT_SPAN_LIMITS, resolveSpanLimits, spanLimitsFromEnv, strictestLimits, type SpanLimits } from './span-limits.js';
export { ACCEPT_RECORDED, sinkOf, type RecordedSpanSink } from './span-sink.js';
export type { TracerPlugin, SpanStart, SpanEvent, SpanLink, ShutdownOptions } from './tracer-plugin.js';
export { ledgerProblem, type TracerStats, type DropReason, type LastError } from './tracer-stats.js';
export {
  TracerError,
  TracerErrorCode,
  TraceErrno,
  InvalidOptionError,
  ExportFailedError,
  TimeoutError,
  ShutDownError,
  toTracerError,
} from './errors.js';
export { ORIGIN_UNIX_NANOS, now, toUnixNanos, fromUnixNanos } from './clock.js';
export { createIdGenerator, type IdGenerator } from './id-generator.js';
export {
  attributesToRecord,
  copyAttributes,
  MAX_NAME_LENGTH,
  type CopyCounts,
  type AttributeList,
  type RecordedSpan,
  type RecordedEvent,
  type RecordedLink,
} from './recorded-span.js';
export { LiveSpanTable, type Identified } from './live-span-table.js';
export { resolveIds, resolvedIds, LIVE, EVICTED, type ResolvedIds } from './resolve-ids.js';
export { SpanRef } from './span-ref.js';
export {
  SpanBuffer,
  DEFAULT_MAX_BUFFERED_SPANS,
  DEFAULT_MAX_BUFFERED_BYTES,
  type SpanBufferOptions,
} from './span-buffer.js';
export { TracerCounters } from './tracer-counters.js';
export { SpanRecorder, DEFAULT_MAX_LIVE_SPANS, type RecorderOptions } from './span-recorder.js';
export { RecordingTracer } from './recording-tracer.js';
export type { SpanExporter, ExportResult, ExportContext } from './span-exporter.js';
export { ExportScheduler, type ExportSchedulerOptions } from './export-scheduler.js';
export { onProcessShutdown } from './process-hooks.js';
export {
  createBufferedTracer,
  resolveBufferOptions,
  type BufferedTracer,
  type BufferedTracerOptions,
  type ResolvedBufferOptions,
} from './buffered-tracer.js';
export { toSpanRecord, type SpanRecord, type SpanRecordEvent, type SpanRecordLink } from './span-record.js';
export { positiveInteger, durationMillis, booleanOption, optionsObject, describe } from './validate.js';
