/**
 * A span as the store keeps it: one row of `forge_traces`, engine-neutral. Both ingest paths
 * (the store tracer and the OTLP receiver) produce these; the engines write them; the HTTP API
 * reads them back in the same shape.
 */
export interface SpanRow {
  /** 32 lowercase hex digits. */
  readonly traceId: string;
  /** 16 lowercase hex digits. */
  readonly spanId: string;
  /** 16 lowercase hex digits, or null for a root. */
  readonly parentSpanId: string | null;
  /** The span's name, cut to {@link MAX_OPERATION_NAME} characters (the column's width). */
  readonly operationName: string;
  /** The resource's `service.name`, cut to {@link MAX_SERVICE_NAME} characters. */
  readonly serviceName: string;
  /** The resource's `service.instance.id` when it is a UUID (the column's type), else null. */
  readonly nodeId: string | null;
  /** Nanoseconds since the Unix epoch. */
  readonly startUnixNanos: bigint;
  /** End minus start in nanoseconds, never negative. */
  readonly durationNanos: bigint;
  readonly kind: SpanKindName;
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: 0 | 1 | 2;
  readonly statusMessage: string | null;
  /** The span's attributes; int64 values beyond 2^53 as decimal strings, bytes as base64. */
  readonly tags: JsonObject;
  /** The span's events, the document's `logs`. */
  readonly logs: readonly SpanLog[];
  readonly links: readonly SpanLink[];
  /** The resource's attributes, `service.name` included. */
  readonly resource: JsonObject;
  readonly scopeName: string | null;
  readonly scopeVersion: string | null;
  /** W3C tracestate, null when none. */
  readonly traceState: string | null;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
}

export type SpanKindName = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/** OTLP's `Span.SpanKind` numbers, in order. */
export const SPAN_KIND_NAMES: readonly SpanKindName[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export interface SpanLog {
  readonly name: string;
  /** Nanoseconds since the Unix epoch, as a decimal string (JSON has no int64). */
  readonly time_unix_nano: string;
  readonly attributes: JsonObject;
  readonly dropped_attributes_count: number;
}

export interface SpanLink {
  readonly trace_id: string;
  readonly span_id: string;
  readonly trace_state: string;
  readonly attributes: JsonObject;
  readonly dropped_attributes_count: number;
}

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/** Widths of the document's columns: longer values are cut to fit (PostgreSQL would refuse them). */
export const MAX_OPERATION_NAME = 255;
export const MAX_SERVICE_NAME = 100;

/** The document's `status` column: 'error' for OTLP's error, 'ok' otherwise (unset is not a failure). */
export function statusText(code: 0 | 1 | 2): 'ok' | 'error' {
  return code === 2 ? 'error' : 'ok';
}

/** The document's `duration_ms` column: whole milliseconds, rounded to the nearest. */
export function durationMillis(durationNanos: bigint): number {
  return Number((durationNanos + 500_000n) / 1_000_000n);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `service.instance.id` as the `node_id` UUID column takes it, or null. */
export function nodeIdFrom(resource: JsonObject): string | null {
  const id = resource['service.instance.id'];
  return typeof id === 'string' && UUID.test(id) ? id.toLowerCase() : null;
}

/** Cuts `text` to `max` UTF-16 units without splitting a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const end = text.charCodeAt(max - 1) >= 0xd800 && text.charCodeAt(max - 1) <= 0xdbff ? max - 1 : max;
  return text.slice(0, end);
}
