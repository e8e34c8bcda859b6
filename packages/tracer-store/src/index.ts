export { openTraceStore, type TraceStore, type TraceSummary, type StoredTrace, type StoredSpan, type OperationInfo, type TraceStoreStats } from './trace-store.js';
export { DEFAULT_STORE_PATH, type TraceStoreOptions } from './store-options.js';
export type { TraceQuery } from './trace-query.js';
export type { WriteResult } from './ingest.js';
export type { Row } from './sql-session.js';
export type { SpanRow, SpanLog, SpanLink, SpanKindName, JsonObject, JsonValue } from './span-row.js';
export { createStoreTracer, type StoreTracerOptions } from './store-tracer.js';
export { StoreClosedError } from './trace-store.js';
