import { attributesToRecord, spanKindName, toUnixNanos, type AttributeList, type FinishedSpan } from '@x/tracer-core';
import { cut, MAX_OPERATION_NAME, MAX_SERVICE_NAME, nodeIdFrom, type JsonObject, type SpanRow } from './span-row.js';

/** What every span of one tracer shares: its resource, and the service and node read from it. */
export interface RowResource {
  readonly attributes: JsonObject;
  readonly serviceName: string;
  readonly nodeId: string | null;
}

export function rowResource(resource: AttributeList): RowResource {
  const attributes = attributesToRecord(resource) as JsonObject;
  const service = attributes['service.name'];
  return {
    attributes,
    serviceName: cut(typeof service === 'string' ? service : 'unknown_service', MAX_SERVICE_NAME),
    nodeId: nodeIdFrom(attributes),
  };
}

/** A recorded span as the store keeps it. */
export function finishedSpanRow(span: FinishedSpan, resource: RowResource): SpanRow {
  const start = toUnixNanos(span.startTime);
  const end = toUnixNanos(span.endTime);
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId === '' ? null : span.parentSpanId,
    operationName: cut(span.name, MAX_OPERATION_NAME),
    serviceName: resource.serviceName,
    nodeId: resource.nodeId,
    startUnixNanos: start,
    durationNanos: end > start ? end - start : 0n,
    kind: spanKindName(span.kind),
    statusCode: span.status.code,
    statusMessage: span.status.message ?? null,
    tags: attributesToRecord(span.attributes) as JsonObject,
    logs: span.events.map((event) => ({
      name: event.name,
      time_unix_nano: toUnixNanos(event.time).toString(),
      attributes: attributesToRecord(event.attributes) as JsonObject,
      dropped_attributes_count: event.droppedAttributesCount,
    })),
    links: span.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      trace_state: link.traceState,
      attributes: attributesToRecord(link.attributes) as JsonObject,
      dropped_attributes_count: link.droppedAttributesCount,
    })),
    resource: resource.attributes,
    scopeName: span.scope?.name ?? null,
    scopeVersion: span.scope?.version ?? null,
    traceState: span.traceState === '' ? null : span.traceState,
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}
