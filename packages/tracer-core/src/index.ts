// The public surface of @x/tracer-core: the contract, and what a plugin author needs to write a
// tracer on it. It changes rarely. Sibling packages of this repository take their building blocks
// from `@x/tracer-core/internal`, which carries no stability promise.

// The contract.
export type {
  TracerPlugin,
  SpanStart,
  SpanEvent,
  SpanLink,
  ShutdownOptions,
  InstrumentationScope,
} from './tracer-plugin.js';
export { SpanHandle } from './span-handle.js';
export { SpanKind, spanKindName } from './span-kind.js';
export { SpanStatusCode, type SpanStatus } from './span-status.js';
export type { AttributeValue, Attributes } from './attributes.js';
export { DEFAULT_SPAN_LIMITS, spanLimitsFromEnv, type SpanLimits } from './span-limits.js';

// Accounting.
export { ledgerProblem, type TracerStats, type DropReason, type LastError } from './tracer-stats.js';

// Errors.
export {
  TracerError,
  TracerErrorCode,
  TraceErrno,
  InvalidOptionError,
  ExportFailedError,
  TimeoutError,
  ShutDownError,
} from './errors.js';

// Writing a tracer: supply a SpanExporter, the core does the rest.
export {
  createBufferedTracer,
  type BufferedTracer,
  type BufferedTracerOptions,
} from './buffered-tracer.js';
export type { RecorderOptions } from './span-recorder.js';
export type { SpanBufferOptions } from './span-buffer.js';
export type { ExportSchedulerOptions } from './export-scheduler.js';
export type { IdGenerator } from './id-generator.js';
export type { SpanExporter, ExportResult, ExportContext } from './span-exporter.js';

// Reading finished spans (what an exporter gets).
export {
  attributesToRecord,
  type AttributeList,
  type FinishedSpan,
  type FinishedEvent,
  type FinishedLink,
} from './finished-span.js';
export { toUnixNanos } from './clock.js';
export { toPlainSpan, type PlainSpan, type PlainSpanEvent, type PlainSpanLink } from './plain-span.js';
