import type { SpanStart } from '@x/tracer-core';

/**
 * `start` with another tracestate (and trace id), as a literal with every field: V8 makes an object
 * spread (`{ ...start, traceState }`) an object the recorder reads several times slower (measured:
 * a root's start and end into a buffered tracer took ~3100 ns with the spread, ~760 ns with this,
 * ~760 ns with no copy at all).
 */
export function withTraceState(start: SpanStart, traceState: string, traceId: string | undefined = start.traceId): SpanStart {
  return {
    name: start.name,
    kind: start.kind,
    parent: start.parent,
    attributes: start.attributes,
    startTimeUnixNanos: start.startTimeUnixNanos,
    links: start.links,
    traceId,
    spanId: start.spanId,
    traceState,
    scope: start.scope,
  };
}
