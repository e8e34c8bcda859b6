// The store's API as the viewer reads it (packages/tracer-store, src/server/api-routes.ts).
// JSON only: times are ISO text, nanoseconds decimal text (they pass 2^53).

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type Attributes = { readonly [key: string]: JsonValue };

export interface ServiceCount {
  readonly name: string;
  readonly span_count: number;
  readonly error_count: number;
}

export interface TraceSummary {
  readonly trace_id: string;
  readonly start_time: string;
  readonly end_time: string;
  readonly start_unix_nanos: string | number;
  readonly duration_ms: number;
  readonly root_service: string;
  readonly root_operation: string;
  readonly root_span_id: string;
  readonly span_count: number;
  readonly error_count: number;
  readonly services: readonly ServiceCount[];
}

export interface SpanEvent {
  readonly name: string;
  readonly time_unix_nano: string;
  readonly attributes: Attributes;
  readonly dropped_attributes_count: number;
}

export interface SpanLink {
  readonly trace_id: string;
  readonly span_id: string;
  readonly trace_state: string;
  readonly attributes: Attributes;
}

export interface ApiSpan {
  readonly trace_id: string;
  readonly span_id: string;
  readonly parent_span_id: string | null;
  readonly operation_name: string;
  readonly service_name: string;
  readonly start_time: string;
  readonly duration_ms: number;
  readonly status: 'ok' | 'error';
  readonly status_message: string | null;
  readonly status_code: number;
  readonly tags: Attributes;
  readonly logs: readonly SpanEvent[];
  readonly kind: string;
  readonly links: readonly SpanLink[];
  readonly resource: Attributes;
  readonly start_unix_nanos: string | number;
  readonly duration_nanos: string | number;
  readonly scope_name: string | null;
  readonly scope_version: string | null;
  readonly trace_state: string | null;
  readonly dropped_attributes_count?: number;
  readonly dropped_events_count?: number;
  readonly dropped_links_count?: number;
}

export interface TraceResponse {
  readonly trace_id: string;
  readonly summary: TraceSummary;
  readonly spans: readonly ApiSpan[];
  /** Set when the trace held more spans than one answer carries: `spans` are its first ones. */
  readonly truncated?: boolean;
}

export interface SearchResponse {
  readonly traces: readonly TraceSummary[];
  readonly limit: number;
}

export interface OperationInfo {
  readonly service: string;
  readonly name: string;
  readonly kind: string;
}
