import type { ApiSpan } from '../../web/src/api-types.ts';

const ORIGIN = 1_795_000_000_000_000_000n;

/** A span as the API gives it, times in milliseconds from a fixed origin. */
export function apiSpan(spec: { id: string; parent?: string; start: number; duration: number; service?: string; operation?: string; error?: boolean; events?: { name: string; at: number }[] }): ApiSpan {
  const start = ORIGIN + BigInt(Math.round(spec.start * 1e6));
  return {
    trace_id: 't'.repeat(32),
    span_id: spec.id,
    parent_span_id: spec.parent ?? null,
    operation_name: spec.operation ?? spec.id,
    service_name: spec.service ?? 'svc',
    start_time: new Date(Number(start / 1_000_000n)).toISOString(),
    duration_ms: Math.round(spec.duration),
    status: spec.error ? 'error' : 'ok',
    status_message: null,
    status_code: spec.error ? 2 : 0,
    tags: {},
    logs: (spec.events ?? []).map((event) => ({
      name: event.name, time_unix_nano: String(ORIGIN + BigInt(Math.round(event.at * 1e6))), attributes: {}, dropped_attributes_count: 0,
    })),
    kind: 'internal',
    links: [],
    resource: {},
    start_unix_nanos: String(start),
    duration_nanos: Math.round(spec.duration * 1e6),
    scope_name: null,
    scope_version: null,
    trace_state: null,
  };
}
