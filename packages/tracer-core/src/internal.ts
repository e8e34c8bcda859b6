// @x/tracer-core/internal: the building blocks this repository's tracers share. No stability
// promise: names here may change in any release. Plugin authors use the `.` entry.

export { bytesToHex, hexToBytesInto } from './span-handle.js';
export { isSpanKind } from './span-kind.js';
export { normalizeScope, MAX_SCOPE_FIELD_LENGTH } from './instrumentation-scope.js';
export { normalizeStatus } from './span-status.js';
export { normalizeAttributeValue, isAttributeKey, estimateValueBytes } from './attributes.js';
export { resolveSpanLimits, strictestLimits } from './span-limits.js';
export { ACCEPT_FINISHED, sinkOf, type FinishedSpanSink } from './finished-span-sink.js';
export { toTracerError } from './errors.js';
export { ORIGIN_UNIX_NANOS, now, fromUnixNanos } from './clock.js';
export { createIdGenerator, idWordsOf, type IdWordSource } from './id-generator.js';
export {
  spanIdHex,
  traceIdHex,
  readTraceId,
  readSpanId,
  readWords,
  idWordsOfSpan,
  SpanIdentity,
  type TraceWords,
  type SpanWords,
  type SpanIdWords,
} from './id-words.js';
export { copyAttributes, putAttribute, MutableSpan, MAX_NAME_LENGTH, type CopyCounts } from './finished-span.js';
export { packSpan } from './packed-span.js';
export { buildResource, type ResourceSdk } from './resource.js';
export { LiveSpans, LIVE, EVICTED, type LiveSpan, type LiveSpansOptions, type Placement } from './live-spans.js';
export { SpanBuffer, DEFAULT_MAX_BUFFERED_SPANS, DEFAULT_MAX_BUFFERED_BYTES } from './span-buffer.js';
export { TracerCounters } from './tracer-counters.js';
export { SpanRecorder, DEFAULT_MAX_LIVE_SPANS } from './span-recorder.js';
export { CoreTracer } from './core-tracer.js';
export { DelegatingTracer, type RecordingCalls } from './delegating-tracer.js';
export { ExportScheduler } from './export-scheduler.js';
export { onProcessShutdown } from './process-hooks.js';
export { startDeadline, shutdownTimeout, type Deadline } from './deadline.js';
export { resolveBufferOptions, type ResolvedBufferOptions } from './buffered-tracer.js';
export {
  positiveInteger,
  durationMillis,
  MAX_DURATION_MILLIS,
  booleanOption,
  optionsObject,
  describe,
  checkPlugin,
  pluginName,
  PLUGIN_METHODS,
} from './validate.js';
